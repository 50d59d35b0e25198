import type { App } from '../../http/types.js';
import type { AppContext } from '../../context.js';

export function registerBoardRoutes(_app: App, _ctx: AppContext): void {}

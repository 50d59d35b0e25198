import type { App } from './types.js';

export function registerNotImplementedOperations(_app: App): void {}

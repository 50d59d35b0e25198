import type { IdGenerator } from '../../lib/ids.js';
import type { AppsRepo } from './repo.js';

export const BUILTIN_CLI_APP_NAME = 'Corkboard CLI';

/**
 * Developer apps. Until the developer platform lands, tokens belong to the built-in
 * "Corkboard CLI" app, created on first use.
 */
export class AppsService {
  private builtinId: string | null = null;

  constructor(
    private readonly repo: AppsRepo,
    private readonly ids: IdGenerator,
  ) {}

  async builtinCliAppId(): Promise<string> {
    if (this.builtinId) return this.builtinId;
    const existing = await this.repo.findBuiltinId();
    if (existing) return (this.builtinId = existing);
    const id = this.ids.next();
    await this.repo.insert({
      id,
      ownerId: null,
      name: BUILTIN_CLI_APP_NAME,
      description: 'Tokens made with `corkboard token create` and the demo seed.',
      tier: 'STANDARD',
      status: 'APPROVED',
      isBuiltin: true,
      createdAt: new Date().toISOString(),
    });
    return (this.builtinId = id);
  }
}

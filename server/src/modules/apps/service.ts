import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import { idOf } from '../../db/values.js';
import type { IdGenerator } from '../../lib/ids.js';

export const BUILTIN_CLI_APP_NAME = 'Corkboard CLI';

/**
 * Developer apps. Until the developer platform lands, tokens belong to the built-in
 * "Corkboard CLI" app, created on first use.
 */
export class AppsService {
  private builtinId: string | null = null;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly ids: IdGenerator,
  ) {}

  async builtinCliAppId(): Promise<string> {
    if (this.builtinId) return this.builtinId;
    const existing = await this.db.selectFrom('apps').select('id').where('is_builtin', '=', 1).executeTakeFirst();
    if (existing) return (this.builtinId = idOf(existing.id));
    const id = this.ids.next();
    await this.db
      .insertInto('apps')
      .values({
        id,
        owner_id: null,
        name: BUILTIN_CLI_APP_NAME,
        description: 'Tokens made with `corkboard token create` and the demo seed.',
        tier: 'STANDARD',
        status: 'APPROVED',
        is_builtin: 1,
        created_at: new Date().toISOString(),
      })
      .execute();
    return (this.builtinId = id);
  }
}

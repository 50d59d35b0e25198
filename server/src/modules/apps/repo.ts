import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import { idOf } from '../../db/values.js';

export class AppsRepo {
  constructor(private readonly db: Kysely<Database>) {}

  async findBuiltinId(): Promise<string | null> {
    const row = await this.db.selectFrom('apps').select('id').where('is_builtin', '=', 1).executeTakeFirst();
    return row ? idOf(row.id) : null;
  }

  async insert(app: {
    id: string;
    ownerId: string | null;
    name: string;
    description: string;
    tier: 'TRIAL' | 'STANDARD';
    status: string;
    isBuiltin: boolean;
    createdAt: string;
  }): Promise<void> {
    await this.db
      .insertInto('apps')
      .values({
        id: app.id,
        owner_id: app.ownerId,
        name: app.name,
        description: app.description,
        tier: app.tier,
        status: app.status,
        is_builtin: app.isBuiltin ? 1 : 0,
        created_at: app.createdAt,
      })
      .execute();
  }
}

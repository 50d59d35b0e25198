import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import { boolOf } from '../../db/values.js';

export interface AppSandboxRow {
  appId: string;
  faultsJson: string;
  inspectorEnabled: boolean;
  updatedAt: string;
}

/** SQL for per-app sandbox settings. */
export class AppSandboxRepo {
  constructor(private readonly db: Kysely<Database>) {}

  async find(appId: string): Promise<AppSandboxRow | null> {
    const row = await this.db
      .selectFrom('app_sandbox_settings')
      .select(['app_id', 'faults_json', 'inspector_enabled', 'updated_at'])
      .where('app_id', '=', appId)
      .executeTakeFirst();
    if (!row) return null;
    return {
      appId: String(row.app_id),
      faultsJson: row.faults_json,
      inspectorEnabled: boolOf(row.inspector_enabled),
      updatedAt: row.updated_at,
    };
  }

  async save(row: AppSandboxRow): Promise<void> {
    const values = {
      faults_json: row.faultsJson,
      inspector_enabled: row.inspectorEnabled ? 1 : 0,
      updated_at: row.updatedAt,
    };
    await this.db
      .insertInto('app_sandbox_settings')
      .values({ app_id: row.appId, ...values })
      .onConflict((oc) => oc.column('app_id').doUpdateSet(values))
      .execute();
  }
}

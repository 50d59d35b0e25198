import { sql, type Kysely } from 'kysely';
import type { Dialect } from './index.js';
import { migration0001 } from './migrations/0001_initial.js';
import { migration0002 } from './migrations/0002_accounts_apps_oauth.js';
import { migration0003 } from './migrations/0003_analytics.js';
import { migration0004 } from './migrations/0004_media_uploads.js';
import { migration0006 } from './migrations/0006_app_sandbox_settings.js';
import { migration0007 } from './migrations/0007_request_log_bodies.js';
import { migration0008 } from './migrations/0008_analytics_pin_totals.js';
import { migration0009 } from './migrations/0009_media_upload_pin.js';
import { migration0010 } from './migrations/0010_media_upload_root.js';
import { migration0011 } from './migrations/0011_refresh_token_reuse.js';
import { migration0012 } from './migrations/0012_pin_media_view.js';

export interface Migration {
  name: string;
  up(db: Kysely<unknown>, dialect: Dialect): Promise<void>;
}

/** Every migration, in order. Append only: never edit one that has shipped. */
export const migrations: Migration[] = [
  migration0001,
  migration0002,
  migration0003,
  migration0004,
  migration0006,
  migration0007,
  migration0008,
  migration0009,
  migration0010,
  migration0011,
  migration0012,
];

/**
 * Applies pending migrations in order, each in its own transaction. Returns the names applied.
 * `until` stops after the named migration (an import first brings a database to its archive's level).
 */
export async function migrateToLatest(
  db: Kysely<unknown>,
  dialect: Dialect,
  options: { until?: string } = {},
): Promise<string[]> {
  await sql`create table if not exists corkboard_migrations (name varchar(200) primary key, applied_at varchar(40) not null)`.execute(
    db,
  );
  const applied = new Set(
    (await sql<{ name: string }>`select name from corkboard_migrations`.execute(db)).rows.map((r) => r.name),
  );
  const done: string[] = [];
  for (const migration of migrations) {
    if (applied.has(migration.name)) {
      if (migration.name === options.until) break;
      continue;
    }
    await db.transaction().execute(async (trx) => {
      await migration.up(trx, dialect);
      await sql`insert into corkboard_migrations (name, applied_at) values (${migration.name}, ${new Date().toISOString()})`.execute(
        trx,
      );
    });
    done.push(migration.name);
    if (migration.name === options.until) break;
  }
  return done;
}

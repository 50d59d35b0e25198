import { sql, type Kysely } from 'kysely';
import type { Migration } from '../migrate.js';

/**
 * Sandbox settings an app's owner turns on for their own app (sandbox mode only): fault
 * injection (a seeded share of calls answered 429/500/503 or delayed) and the call inspector
 * (the request log keeps request and response bodies). One row per app that changed anything.
 */
export const migration0006: Migration = {
  name: '0006_app_sandbox_settings',
  async up(db: Kysely<unknown>) {
    await sql`create table app_sandbox_settings (
      app_id bigint primary key references apps(id) on delete cascade,
      faults_json text not null,
      inspector_enabled integer not null default 0,
      updated_at varchar(40) not null
    )`.execute(db);
  },
};

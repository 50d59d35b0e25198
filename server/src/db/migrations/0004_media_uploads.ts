import { sql, type Kysely } from 'kysely';
import type { Migration } from '../migrate.js';

/**
 * Video uploads (`media/create`, `media/get`, `media/list`) and their processing jobs.
 *
 * One row per registered upload. The job state lives on the same row: `status` is the
 * spec's registered → processing → succeeded | failed; a `processing` row with no live lease
 * (`lease_expires_at_ms` null or past) is waiting for a worker. A worker claims it with a
 * compare-and-set on the lease, renews the lease while ffmpeg runs, and a restarted or
 * crashed process's job is taken up again once its lease has expired. `attempts` counts
 * claims, so a file that kills every worker fails instead of looping.
 */
export const migration0004: Migration = {
  name: '0004_media_uploads',
  async up(db: Kysely<unknown>, dialect) {
    const idPk = dialect === 'sqlite' ? sql`integer primary key` : sql`bigint primary key`;
    const ts = sql`varchar(40)`;
    await sql`create table media_uploads (
      id ${idPk},
      owner_id bigint not null references users(id) on delete cascade,
      media_type varchar(10) not null,
      status varchar(12) not null,
      upload_token_hash varchar(64) not null,
      upload_expires_at ${ts} not null,
      source_key varchar(300),
      size_bytes bigint,
      video_key varchar(300),
      cover_key varchar(300),
      duration_ms bigint,
      width integer,
      height integer,
      failure_reason varchar(500),
      attempts integer not null default 0,
      lease_owner varchar(64),
      lease_expires_at_ms bigint,
      created_at ${ts} not null,
      updated_at ${ts} not null
    )`.execute(db);
    await sql`create index media_uploads_owner on media_uploads (owner_id, id)`.execute(db);
    await sql`create index media_uploads_jobs on media_uploads (status, lease_expires_at_ms)`.execute(db);
  },
};

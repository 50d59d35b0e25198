import { sql, type Kysely } from 'kysely';
import type { Migration } from '../migrate.js';

/**
 * The call inspector's bodies: for apps whose owner turned it on (sandbox mode), the request and
 * response bodies of each logged /v5 call, capped and with secrets redacted. Rows follow the
 * request log's: they go when their call is trimmed from it.
 */
export const migration0007: Migration = {
  name: '0007_request_log_bodies',
  async up(db: Kysely<unknown>) {
    await sql`create table request_log_bodies (
      request_id bigint primary key,
      app_id bigint not null,
      request_body text,
      request_truncated integer not null default 0,
      response_body text,
      response_truncated integer not null default 0,
      content_type varchar(200)
    )`.execute(db);
    await sql`create index request_log_bodies_app on request_log_bodies (app_id, request_id)`.execute(db);
  },
};

import { sql, type Kysely } from 'kysely';
import type { Migration } from '../migrate.js';

/**
 * `access_tokens.previous_hash` and `rotated_at`: for a refresh token, the hash of the secret it
 * had before its last rotation, and when that rotation happened. That secret no longer works;
 * presented again well after the rotation, it shows the grant's refresh token was copied (the
 * client or an attacker refreshes with a spent secret), and the grant is revoked (OAuth 2.0
 * Security BCP, refresh token rotation with reuse detection).
 */
export const migration0011: Migration = {
  name: '0011_refresh_token_reuse',
  async up(db: Kysely<unknown>) {
    await sql`alter table access_tokens add column previous_hash char(64)`.execute(db);
    await sql`alter table access_tokens add column rotated_at varchar(40)`.execute(db);
    await sql`create index access_tokens_previous_hash on access_tokens (previous_hash)`.execute(db);
  },
};

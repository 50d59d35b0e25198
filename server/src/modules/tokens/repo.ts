import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import { idOf } from '../../db/values.js';

export interface TokenRow {
  id: string;
  tokenHash: string;
  kind: 'access' | 'refresh' | 'client';
  userId: string;
  appId: string;
  scopes: string;
  expiresAt: string;
  revokedAt: string | null;
  lastUsedAt: string | null;
}

export class TokensRepo {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(row: {
    id: string;
    tokenHash: string;
    kind: 'access' | 'refresh' | 'client';
    userId: string;
    appId: string;
    scopes: string;
    createdAt: string;
    expiresAt: string;
  }): Promise<void> {
    await this.db
      .insertInto('access_tokens')
      .values({
        id: row.id,
        token_hash: row.tokenHash,
        kind: row.kind,
        user_id: row.userId,
        app_id: row.appId,
        scopes: row.scopes,
        created_at: row.createdAt,
        expires_at: row.expiresAt,
      })
      .execute();
  }

  async findByHash(tokenHash: string): Promise<TokenRow | null> {
    const row = await this.db
      .selectFrom('access_tokens')
      .select([
        'id',
        'token_hash',
        'kind',
        'user_id',
        'app_id',
        'scopes',
        'expires_at',
        'revoked_at',
        'last_used_at',
      ])
      .where('token_hash', '=', tokenHash)
      .executeTakeFirst();
    if (!row) return null;
    return {
      id: idOf(row.id),
      tokenHash: row.token_hash,
      kind: row.kind,
      userId: idOf(row.user_id),
      appId: idOf(row.app_id),
      scopes: row.scopes,
      expiresAt: row.expires_at,
      revokedAt: row.revoked_at,
      lastUsedAt: row.last_used_at,
    };
  }

  async touch(id: string, at: string): Promise<void> {
    await this.db.updateTable('access_tokens').set({ last_used_at: at }).where('id', '=', id).execute();
  }

  async revoke(id: string, at: string): Promise<boolean> {
    const result = await this.db
      .updateTable('access_tokens')
      .set({ revoked_at: at })
      .where('id', '=', id)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  /** Revokes every live token of a user (password change); returns how many. */
  async revokeAllForUser(userId: string, at: string): Promise<number> {
    const result = await this.db
      .updateTable('access_tokens')
      .set({ revoked_at: at })
      .where('user_id', '=', userId)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows);
  }
}

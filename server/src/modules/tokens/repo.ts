import type { Kysely } from 'kysely';
import type { FastReader } from '../../db/index.js';
import type { Database } from '../../db/schema.js';
import { preparedQuery } from '../../db/prepared.js';
import { idOf, idOrNull } from '../../db/values.js';

export type TokenKind = 'access' | 'refresh' | 'client';

export interface TokenRow {
  id: string;
  tokenHash: string;
  kind: TokenKind;
  userId: string;
  appId: string;
  scopes: string;
  createdAt: string;
  expiresAt: string;
  revokedAt: string | null;
  lastUsedAt: string | null;
  refreshTokenId: string | null;
}

/** A token with what authentication needs of its app, read in one indexed query. */
export interface TokenWithApp extends TokenRow {
  appStatus: string;
  appTier: string;
}

const tokenColumns = [
  't.id',
  't.token_hash',
  't.kind',
  't.user_id',
  't.app_id',
  't.scopes',
  't.created_at',
  't.expires_at',
  't.revoked_at',
  't.last_used_at',
  't.refresh_token_id',
] as const;

function toToken(row: {
  id: unknown;
  token_hash: string;
  kind: TokenKind;
  user_id: unknown;
  app_id: unknown;
  scopes: string;
  created_at: string;
  expires_at: string;
  revoked_at: string | null;
  last_used_at: string | null;
  refresh_token_id: unknown;
}): TokenRow {
  return {
    id: idOf(row.id),
    tokenHash: row.token_hash,
    kind: row.kind,
    userId: idOf(row.user_id),
    appId: idOf(row.app_id),
    scopes: row.scopes,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    revokedAt: row.revoked_at,
    lastUsedAt: row.last_used_at,
    refreshTokenId: idOrNull(row.refresh_token_id),
  };
}

export class TokensRepo {
  /** The token check runs on every API call: built and compiled once. */
  private readonly selectByHash;

  constructor(
    private readonly db: Kysely<Database>,
    reader: FastReader | null = null,
  ) {
    this.selectByHash = preparedQuery(
      db,
      ['tokenHash'],
      (p) =>
        db
          .selectFrom('access_tokens as t')
          .innerJoin('apps as a', 'a.id', 't.app_id')
          .select([...tokenColumns, 'a.status as app_status', 'a.tier as app_tier'])
          .where('t.token_hash', '=', p.tokenHash),
      reader,
    );
  }

  async insert(row: {
    id: string;
    tokenHash: string;
    kind: TokenKind;
    userId: string;
    appId: string;
    scopes: string;
    createdAt: string;
    expiresAt: string;
    refreshTokenId?: string | null;
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
        refresh_token_id: row.refreshTokenId ?? null,
      })
      .execute();
  }

  /** The token and its app's status and tier: one query on the unique hash and the apps key. */
  async findByHash(tokenHash: string): Promise<TokenWithApp | null> {
    const [row] = await this.selectByHash({ tokenHash });
    if (!row) return null;
    return { ...toToken(row), appStatus: row.app_status, appTier: row.app_tier };
  }

  /** The refresh token whose secret before its last rotation had this hash. */
  async findByPreviousHash(previousHash: string): Promise<(TokenRow & { rotatedAt: string | null }) | null> {
    const row = await this.db
      .selectFrom('access_tokens as t')
      .select([...tokenColumns, 't.rotated_at'])
      .where('t.previous_hash', '=', previousHash)
      .where('t.kind', '=', 'refresh')
      .executeTakeFirst();
    return row ? { ...toToken(row), rotatedAt: row.rotated_at } : null;
  }

  async findById(id: string): Promise<TokenRow | null> {
    const row = await this.db
      .selectFrom('access_tokens as t')
      .select(tokenColumns)
      .where('t.id', '=', id)
      .executeTakeFirst();
    return row ? toToken(row) : null;
  }

  /** Live (unrevoked) tokens of a user for an app, newest first. */
  async listLive(userId: string, appId: string, limit: number): Promise<TokenRow[]> {
    const rows = await this.db
      .selectFrom('access_tokens as t')
      .select(tokenColumns)
      .where('t.user_id', '=', userId)
      .where('t.app_id', '=', appId)
      .where('t.revoked_at', 'is', null)
      .orderBy('t.id', 'desc')
      .limit(limit)
      .execute();
    return rows.map(toToken);
  }

  async touch(id: string, at: string): Promise<void> {
    await this.db.updateTable('access_tokens').set({ last_used_at: at }).where('id', '=', id).execute();
  }

  /** Gives a live token a new hash and expiry if it still has `oldHash`; false when it had not. */
  async rekey(id: string, oldHash: string, newHash: string, expiresAt: string, at: string): Promise<boolean> {
    const result = await this.db
      .updateTable('access_tokens')
      .set({ token_hash: newHash, previous_hash: oldHash, rotated_at: at, expires_at: expiresAt })
      .where('id', '=', id)
      .where('token_hash', '=', oldHash)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
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

  /** A refresh token and every access token made from it. */
  async revokeGrant(refreshTokenId: string, at: string): Promise<number> {
    const result = await this.db
      .updateTable('access_tokens')
      .set({ revoked_at: at })
      .where((eb) => eb.or([eb('id', '=', refreshTokenId), eb('refresh_token_id', '=', refreshTokenId)]))
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows);
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

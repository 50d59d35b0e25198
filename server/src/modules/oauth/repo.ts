import type { Kysely } from 'kysely';
import { caseKey } from '../../db/index.js';
import type { Database } from '../../db/schema.js';
import { idOf } from '../../db/values.js';

export interface OAuthCodeRow {
  id: string;
  appId: string;
  userId: string;
  redirectUri: string;
  scopes: string;
  codeChallenge: string | null;
  codeChallengeMethod: string | null;
  expiresAt: string;
  usedAt: string | null;
}

export class OAuthRepo {
  constructor(private readonly db: Kysely<Database>) {}

  async insertCode(code: {
    id: string;
    codeHash: string;
    appId: string;
    userId: string;
    redirectUri: string;
    scopes: string;
    codeChallenge: string | null;
    codeChallengeMethod: string | null;
    createdAt: string;
    expiresAt: string;
  }): Promise<void> {
    await this.db
      .insertInto('oauth_codes')
      .values({
        id: code.id,
        code_hash: code.codeHash,
        app_id: code.appId,
        user_id: code.userId,
        redirect_uri: code.redirectUri,
        scopes: code.scopes,
        code_challenge: code.codeChallenge,
        code_challenge_method: code.codeChallengeMethod,
        created_at: code.createdAt,
        expires_at: code.expiresAt,
      })
      .execute();
  }

  async findCode(codeHash: string): Promise<OAuthCodeRow | null> {
    const row = await this.db
      .selectFrom('oauth_codes')
      .select([
        'id',
        'app_id',
        'user_id',
        'redirect_uri',
        'scopes',
        'code_challenge',
        'code_challenge_method',
        'expires_at',
        'used_at',
      ])
      .where('code_hash', '=', codeHash)
      .executeTakeFirst();
    if (!row) return null;
    return {
      id: idOf(row.id),
      appId: idOf(row.app_id),
      userId: idOf(row.user_id),
      redirectUri: row.redirect_uri,
      scopes: row.scopes,
      codeChallenge: row.code_challenge,
      codeChallengeMethod: row.code_challenge_method,
      expiresAt: row.expires_at,
      usedAt: row.used_at,
    };
  }

  /** Marks a code used; false when another request used it first (single use, race-free). */
  async useCode(id: string, at: string): Promise<boolean> {
    const result = await this.db
      .updateTable('oauth_codes')
      .set({ used_at: at })
      .where('id', '=', id)
      .where('used_at', 'is', null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  /** Codes expire in minutes; old ones are dropped now and then. */
  async deleteExpiredCodes(before: string): Promise<void> {
    await this.db.deleteFrom('oauth_codes').where('expires_at', '<', before).execute();
  }

  /** The id of the account a username names (case-insensitive), or null. */
  async findUserId(username: string): Promise<string | null> {
    const row = await this.db
      .selectFrom('users')
      .select('id')
      .where('username_key', '=', caseKey(username))
      .executeTakeFirst();
    return row ? idOf(row.id) : null;
  }
}

import type { Kysely } from 'kysely';
import { getSetting, putSetting } from '../../db/settings.js';
import type { Database } from '../../db/schema.js';
import { idOf } from '../../db/values.js';

export const SIGNUP_MODES = ['open', 'invite_only', 'closed'] as const;
export type SignupMode = (typeof SIGNUP_MODES)[number];
const SIGNUP_MODE_KEY = 'signup_mode';

export interface InviteRow {
  id: string;
  email: string | null;
  expiresAt: string;
  usedAt: string | null;
}

/** Server-wide settings admins change, and invite codes (stored as SHA-256 hashes). */
export class AdminRepo {
  constructor(private readonly db: Kysely<Database>) {}

  async signupMode(): Promise<SignupMode> {
    const value = await getSetting(this.db, SIGNUP_MODE_KEY);
    return (SIGNUP_MODES as readonly string[]).includes(value ?? '') ? (value as SignupMode) : 'open';
  }

  async setSignupMode(mode: SignupMode): Promise<void> {
    await putSetting(this.db, SIGNUP_MODE_KEY, mode);
  }

  async insertInvite(row: {
    id: string;
    codeHash: string;
    createdBy: string | null;
    email: string | null;
    createdAt: string;
    expiresAt: string;
  }): Promise<void> {
    await this.db
      .insertInto('invites')
      .values({
        id: row.id,
        code_hash: row.codeHash,
        created_by: row.createdBy,
        email: row.email,
        created_at: row.createdAt,
        expires_at: row.expiresAt,
      })
      .execute();
  }

  async findInvite(codeHash: string): Promise<InviteRow | null> {
    const row = await this.db
      .selectFrom('invites')
      .select(['id', 'email', 'expires_at', 'used_at'])
      .where('code_hash', '=', codeHash)
      .executeTakeFirst();
    return row
      ? { id: idOf(row.id), email: row.email, expiresAt: row.expires_at, usedAt: row.used_at }
      : null;
  }

  /** Uses the invite for a user if it is still unused and unexpired; false when it is not. */
  async claimInvite(id: string, userId: string, at: string): Promise<boolean> {
    const result = await this.db
      .updateTable('invites')
      .set({ used_by: userId, used_at: at })
      .where('id', '=', id)
      .where('used_at', 'is', null)
      .where('expires_at', '>', at)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }
}

import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import { idOf } from '../../db/values.js';

export interface WebsiteRow {
  id: string;
  userId: string;
  website: string;
  websiteKey: string;
  method: string;
  verifiedAt: string;
}

export interface NewWebsiteClaim {
  id: string;
  userId: string;
  website: string;
  websiteKey: string;
  method: string;
  verifiedAt: string;
}

const columns = ['id', 'user_id', 'website', 'website_key', 'method', 'verified_at'] as const;

function toWebsite(row: {
  id: unknown;
  user_id: unknown;
  website: string;
  website_key: string;
  method: string;
  verified_at: string;
}): WebsiteRow {
  return {
    id: idOf(row.id),
    userId: idOf(row.user_id),
    website: row.website,
    websiteKey: row.website_key,
    method: row.method,
    verifiedAt: row.verified_at,
  };
}

/** Claimed websites and each account's verification code: the only SQL of this area. */
export class WebsitesRepo {
  constructor(private readonly db: Kysely<Database>) {}

  async verificationCode(userId: string): Promise<string | null | undefined> {
    const row = await this.db
      .selectFrom('users')
      .select('website_verification_code')
      .where('id', '=', userId)
      .executeTakeFirst();
    return row ? row.website_verification_code : undefined;
  }

  /** Stores `code` unless the account already has one (two first calls at once keep one code). */
  async setVerificationCodeIfMissing(userId: string, code: string): Promise<void> {
    await this.db
      .updateTable('users')
      .set({ website_verification_code: code })
      .where('id', '=', userId)
      .where('website_verification_code', 'is', null)
      .execute();
  }

  async findByKey(userId: string, websiteKey: string): Promise<WebsiteRow | null> {
    const row = await this.db
      .selectFrom('websites')
      .select(columns)
      .where('user_id', '=', userId)
      .where('website_key', '=', websiteKey)
      .executeTakeFirst();
    return row ? toWebsite(row) : null;
  }

  /** Records a verified claim; verifying a site again refreshes its method and time. */
  async upsert(claim: NewWebsiteClaim): Promise<WebsiteRow> {
    const refresh = () =>
      this.db
        .updateTable('websites')
        .set({ website: claim.website, method: claim.method, verified_at: claim.verifiedAt })
        .where('user_id', '=', claim.userId)
        .where('website_key', '=', claim.websiteKey)
        .executeTakeFirst();
    const updated = await refresh();
    if (Number(updated.numUpdatedRows) === 0) {
      try {
        await this.db
          .insertInto('websites')
          .values({
            id: claim.id,
            user_id: claim.userId,
            website: claim.website,
            website_key: claim.websiteKey,
            method: claim.method,
            verified_at: claim.verifiedAt,
          })
          .execute();
      } catch (error) {
        // The same site verified twice at once: the other insert won; keep its row, fresh.
        if (!(await this.findByKey(claim.userId, claim.websiteKey))) throw error;
        await refresh();
      }
    }
    return (await this.findByKey(claim.userId, claim.websiteKey))!;
  }

  /** Newest first, ids below `beforeId`; `limit` rows at most. */
  async list(userId: string, beforeId: string | null, limit: number): Promise<WebsiteRow[]> {
    let query = this.db
      .selectFrom('websites')
      .select(columns)
      .where('user_id', '=', userId)
      .orderBy('id', 'desc')
      .limit(limit);
    if (beforeId !== null) query = query.where('id', '<', beforeId);
    return (await query.execute()).map(toWebsite);
  }

  async keysOf(userId: string): Promise<string[]> {
    const rows = await this.db
      .selectFrom('websites')
      .select('website_key')
      .where('user_id', '=', userId)
      .orderBy('website_key')
      .execute();
    return rows.map((r) => r.website_key);
  }

  async delete(userId: string, websiteKey: string): Promise<boolean> {
    const result = await this.db
      .deleteFrom('websites')
      .where('user_id', '=', userId)
      .where('website_key', '=', websiteKey)
      .executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }
}

import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import type { AdsInterest, BusinessGoal, BusinessPromote } from './choices.js';

/** The wizard's saved steps, as JSON in users.business_profile_json. Absent step = not saved yet. */
export interface BusinessProfileDraft {
  name?: { businessName: string; language: string; country: string };
  about?: { description: string; goals: BusinessGoal[]; promote: BusinessPromote[] };
  ads?: { adsInterest: AdsInterest };
  /** null: the step was skipped. */
  website?: { websiteUrl: string | null };
  completedAt?: string;
}

export interface BusinessAccountRow {
  accountType: 'PINNER' | 'BUSINESS';
  businessName: string | null;
  websiteUrl: string;
  profileImageKey: string | null;
  draft: BusinessProfileDraft;
}

function parseDraft(json: string | null): BusinessProfileDraft {
  if (!json) return {};
  try {
    const value = JSON.parse(json) as unknown;
    return value && typeof value === 'object' ? (value as BusinessProfileDraft) : {};
  } catch {
    return {};
  }
}

/** The business fields of `users`: the only SQL of this area. */
export class BusinessRepo {
  constructor(private readonly db: Kysely<Database>) {}

  async find(userId: string): Promise<BusinessAccountRow | null> {
    const row = await this.db
      .selectFrom('users')
      .select(['account_type', 'business_name', 'website_url', 'profile_image_key', 'business_profile_json'])
      .where('id', '=', userId)
      .executeTakeFirst();
    if (!row) return null;
    return {
      accountType: row.account_type,
      businessName: row.business_name,
      websiteUrl: row.website_url,
      profileImageKey: row.profile_image_key,
      draft: parseDraft(row.business_profile_json),
    };
  }

  /** Saves the draft; for a business account also the public fields it feeds. */
  async save(
    userId: string,
    draft: BusinessProfileDraft,
    account?: { accountType: 'BUSINESS'; businessName: string; websiteUrl: string },
  ): Promise<void> {
    await this.db
      .updateTable('users')
      .set({
        business_profile_json: JSON.stringify(draft),
        ...(account
          ? {
              account_type: account.accountType,
              business_name: account.businessName,
              website_url: account.websiteUrl,
            }
          : {}),
      })
      .where('id', '=', userId)
      .execute();
  }

  /** The picture's URL is built from PUBLIC_URL when shown (accounts presenter), so only the key is kept. */
  async setProfileImage(userId: string, key: string): Promise<void> {
    await this.db.updateTable('users').set({ profile_image_key: key }).where('id', '=', userId).execute();
  }
}

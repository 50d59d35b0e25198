import { base64DecodedLength, decodeBase64 } from '../../lib/base64.js';
import { randomBytes } from 'node:crypto';
import type { Config } from '../../config.js';
import { badRequest, invalidField, notFound } from '../../lib/errors.js';
import { formatMegabytes } from '../../lib/guarded-fetch.js';
import { Semaphore } from '../../lib/semaphore.js';
import { nowIso } from '../../lib/time.js';
import type { MediaService } from '../media/service.js';
import type { WebsitesService } from '../websites/service.js';
import { parseWebsite } from '../websites/website-key.js';
import {
  isCountry,
  isLanguage,
  type AdsInterest,
  type BusinessGoal,
  type BusinessPromote,
} from './choices.js';
import { makeProfilePicture, ProfilePictureRejected } from './profile-picture.js';
import type { BusinessAccountRow, BusinessProfileDraft, BusinessRepo } from './repo.js';

export const BUSINESS_NAME_MAX = 100;
export const DESCRIPTION_MAX = 500;

/** The steps a conversion needs saved before it can finish; picture and website may be skipped. */
export const REQUIRED_STEPS = [
  ['name', 'business name, language and country'],
  ['about', 'description, goals and what to promote'],
  ['ads', 'interest in ads'],
] as const;

export interface BusinessProfileView extends BusinessAccountRow {
  /** Website of step 5 as a claimable website (`host/path`), and whether it is claimed. */
  website: { website: string; claimed: boolean } | null;
}

/**
 * Business profiles: Pinterest's conversion wizard, one step at a time. Each step validates
 * and saves only itself, so the web app can go Next and Back; `finish` turns the account into
 * a business account. For an account that is already a business, a saved step applies at once.
 */
export class BusinessService {
  private readonly semaphore: Semaphore;

  constructor(
    private readonly deps: {
      repo: BusinessRepo;
      media: MediaService;
      websites: WebsitesService;
      config: Config;
    },
  ) {
    this.semaphore = new Semaphore(deps.config.image.concurrency);
  }

  async get(userId: string): Promise<BusinessProfileView> {
    const row = await this.deps.repo.find(userId);
    if (!row) throw notFound('Account not found.');
    const websiteUrl = row.draft.website?.websiteUrl ?? null;
    const site = websiteUrl ? parseWebsite(websiteUrl, 'website_url') : null;
    return {
      ...row,
      website: site
        ? { website: site.website, claimed: await this.deps.websites.hasClaimed(userId, site.website) }
        : null,
    };
  }

  async saveName(
    userId: string,
    input: { businessName: string; language: string; country: string },
  ): Promise<BusinessProfileView> {
    const businessName = input.businessName.trim();
    if (businessName === '') throw invalidField('business_name', 'is empty');
    if (businessName.length > BUSINESS_NAME_MAX)
      throw invalidField('business_name', `is longer than ${BUSINESS_NAME_MAX} characters`);
    const language = input.language.trim().toLowerCase();
    if (!isLanguage(language))
      throw invalidField(
        'language',
        'is not an ISO 639-1 language code of the list (GET /api/business/options)',
      );
    const country = input.country.trim().toUpperCase();
    if (!isCountry(country)) throw invalidField('country', 'is not an ISO 3166-1 alpha-2 country code');
    return this.saveStep(userId, (draft) => ({ ...draft, name: { businessName, language, country } }));
  }

  async saveAbout(
    userId: string,
    input: { description: string; goals: BusinessGoal[]; promote: BusinessPromote[] },
  ): Promise<BusinessProfileView> {
    const description = input.description.trim();
    if (description === '') throw invalidField('description', 'is empty');
    if (description.length > DESCRIPTION_MAX)
      throw invalidField('description', `is longer than ${DESCRIPTION_MAX} characters`);
    const goals = distinctChoices('goals', input.goals);
    const promote = distinctChoices('promote', input.promote);
    return this.saveStep(userId, (draft) => ({ ...draft, about: { description, goals, promote } }));
  }

  async saveAds(userId: string, adsInterest: AdsInterest): Promise<BusinessProfileView> {
    return this.saveStep(userId, (draft) => ({ ...draft, ads: { adsInterest } }));
  }

  /** `null` skips the step (and clears a website saved before). */
  async saveWebsite(userId: string, websiteUrl: string | null): Promise<BusinessProfileView> {
    let url: string | null = null;
    if (websiteUrl !== null && websiteUrl.trim() !== '') {
      const site = parseWebsite(websiteUrl, 'website_url');
      url = `${site.scheme ?? 'https'}://${site.host}${site.path || '/'}`;
    }
    return this.saveStep(userId, (draft) => ({ ...draft, website: { websiteUrl: url } }));
  }

  /**
   * Step 4: the picture becomes the account's profile picture at once (personal accounts have
   * one too). The previous picture's files are removed after the new one is recorded.
   */
  async saveProfilePicture(userId: string, imageBase64: string): Promise<BusinessProfileView> {
    const { media, config, repo } = this.deps;
    const bytes = decodeBase64Image(imageBase64, config.image.maxBytes);
    const before = await repo.find(userId);
    if (!before) throw notFound('Account not found.');
    let picture: Awaited<ReturnType<typeof makeProfilePicture>>;
    try {
      picture = await this.semaphore.run(() => makeProfilePicture(bytes, config.image));
    } catch (error) {
      if (error instanceof ProfilePictureRejected) throw invalidField('image_base64', error.message);
      throw error;
    }
    const folder = `${profileImagePrefix(userId)}/${randomBytes(16).toString('hex')}`;
    const key = `${folder}/280x280.jpg`;
    await media.storage.put(key, picture.data);
    try {
      await repo.setProfileImage(userId, key);
    } catch (error) {
      await media.storage.deletePrefix(folder).catch(() => undefined);
      throw error;
    }
    if (before.profileImageKey?.startsWith(`${profileImagePrefix(userId)}/`)) {
      const oldFolder = before.profileImageKey.slice(0, before.profileImageKey.lastIndexOf('/'));
      await media.storage.deletePrefix(oldFolder).catch(() => undefined);
    }
    return this.get(userId);
  }

  /** Makes the account a business account; 400 naming the first required step not saved. */
  async finish(userId: string): Promise<BusinessProfileView> {
    const row = await this.deps.repo.find(userId);
    if (!row) throw notFound('Account not found.');
    const missing = REQUIRED_STEPS.find(([step]) => !row.draft[step]);
    if (missing) {
      throw badRequest(
        `The business profile is not complete: save the step '${missing[0]}' (${missing[1]}) first.`,
      );
    }
    const draft: BusinessProfileDraft = { ...row.draft, completedAt: row.draft.completedAt ?? nowIso() };
    await this.deps.repo.save(userId, draft, accountFieldsOf(draft, row));
    return this.get(userId);
  }

  private async saveStep(
    userId: string,
    change: (draft: BusinessProfileDraft) => BusinessProfileDraft,
  ): Promise<BusinessProfileView> {
    const row = await this.deps.repo.find(userId);
    if (!row) throw notFound('Account not found.');
    const draft = change(row.draft);
    const account = row.accountType === 'BUSINESS' && draft.name ? accountFieldsOf(draft, row) : undefined;
    await this.deps.repo.save(userId, draft, account);
    return this.get(userId);
  }
}

function accountFieldsOf(draft: BusinessProfileDraft, row: BusinessAccountRow) {
  return {
    accountType: 'BUSINESS' as const,
    businessName: draft.name!.businessName,
    websiteUrl: draft.website ? (draft.website.websiteUrl ?? '') : row.websiteUrl,
  };
}

/** Distinct values; NOT_SURE is an answer of its own and does not combine with others. */
function distinctChoices<T extends string>(field: string, values: T[]): T[] {
  const distinct = [...new Set(values)];
  if (distinct.length === 0) throw invalidField(field, 'needs at least one choice');
  if (distinct.length > 1 && distinct.includes('NOT_SURE' as T))
    throw invalidField(field, 'cannot combine NOT_SURE with other choices');
  return distinct;
}

/** Raw base64 or a `data:image/…;base64,` URL; 400 naming `image_base64` for anything else. */
function decodeBase64Image(text: string, maxBytes: number): Buffer {
  const data = text.replace(/^data:[\w.+-]+\/[\w.+-]+;base64,/, '').replace(/\s+/g, '');
  if (base64DecodedLength(data) > maxBytes) {
    throw invalidField('image_base64', `is larger than ${formatMegabytes(maxBytes)}`);
  }
  const bytes = decodeBase64(data);
  if (!bytes) throw invalidField('image_base64', 'is not valid base64');
  return bytes;
}

/** `profiles/<shard>/<user id>`: every profile picture of one account lives under it. */
export function profileImagePrefix(userId: string): string {
  return `profiles/${userId.slice(-2).padStart(2, '0')}/${userId}`;
}

import { randomBytes } from 'node:crypto';
import type { BookmarkCodec, Page } from '../../lib/bookmark.js';
import { badRequest, notFound } from '../../lib/errors.js';
import type { IdGenerator } from '../../lib/ids.js';
import { nowIso } from '../../lib/time.js';
import { afterKey, pageOf, type PageRequest } from '../boards/paging.js';
import type { WebsiteRow, WebsitesRepo } from './repo.js';
import {
  instructionsFor,
  type SiteChecker,
  type VerificationInstructions,
  type VerificationMethod,
  VerificationFailure,
} from './verification.js';
import { linkIsUnder, parseWebsite, websiteKeyOf } from './website-key.js';

/**
 * Claimed websites: one verification code per account, checked on the site by meta tag, file
 * or DNS TXT record; a verified site becomes a `websites` row. Analytics asks
 * `claimedDomainsOf` / `isClaimedLink` what counts as the account's claimed content.
 */
export class WebsitesService {
  constructor(
    private readonly deps: {
      repo: WebsitesRepo;
      ids: IdGenerator;
      bookmarks: BookmarkCodec;
      checker: SiteChecker;
    },
  ) {}

  /** The account's code, made (128 random bits, hex) and stored on first use. */
  async verificationCode(userId: string): Promise<VerificationInstructions> {
    const { repo } = this.deps;
    let code = await repo.verificationCode(userId);
    if (code === undefined) throw notFound('Account not found.');
    if (code === null) {
      await repo.setVerificationCodeIfMissing(userId, randomBytes(16).toString('hex'));
      code = await repo.verificationCode(userId);
    }
    return instructionsFor(code!);
  }

  /**
   * Checks the site now and records the claim. No database transaction is open while the
   * site is fetched. 400 code 1 with the reason when the check fails.
   */
  async verify(userId: string, input: { website: string; method: VerificationMethod }): Promise<WebsiteRow> {
    const site = parseWebsite(input.website);
    const { verificationCode } = await this.verificationCode(userId);
    try {
      await this.deps.checker.check(input.method, site, verificationCode);
    } catch (error) {
      if (error instanceof VerificationFailure) {
        throw badRequest(
          `Could not verify ${site.website} by ${METHOD_WORDS[input.method]}: ${error.message}.`,
        );
      }
      throw error;
    }
    return this.deps.repo.upsert({
      id: this.deps.ids.next(),
      userId,
      website: site.website,
      websiteKey: site.key,
      method: input.method,
      verifiedAt: nowIso(),
    });
  }

  /** The account's claimed websites, newest claim first. */
  async list(userId: string, page: PageRequest): Promise<Page<WebsiteRow>> {
    const { repo, bookmarks } = this.deps;
    const scope = `user_websites/get:${userId}`;
    const before = afterKey(bookmarks, scope, page.bookmark);
    const rows = await repo.list(userId, before, page.pageSize + 1);
    return pageOf(bookmarks, scope, rows, page.pageSize, (row) => row.id);
  }

  /** Removes a claim; 404 code 404 when the account has not claimed that website. */
  async unverify(userId: string, website: string): Promise<void> {
    const site = parseWebsite(website);
    if (!(await this.deps.repo.delete(userId, site.key))) throw notFound('Website not in user list.');
  }

  /** The account's claimed websites (`host[/path]`, host lower-case), sorted. */
  async claimedDomainsOf(userId: string): Promise<string[]> {
    return this.deps.repo.keysOf(userId);
  }

  /** Whether `url` points into one of the account's claimed websites (see linkIsUnder). */
  async isClaimedLink(userId: string, url: string): Promise<boolean> {
    const claimed = await this.deps.repo.keysOf(userId);
    return claimed.some((key) => linkIsUnder(key, url));
  }

  /** Whether the account has claimed exactly this website (any spelling of it). */
  async hasClaimed(userId: string, website: string): Promise<boolean> {
    const key = websiteKeyOf(website);
    return key !== null && (await this.deps.repo.findByKey(userId, key)) !== null;
  }
}

const METHOD_WORDS: Record<VerificationMethod, string> = {
  METATAG: 'meta tag',
  FILENAME: 'HTML file',
  DNSTXT: 'DNS TXT record',
};

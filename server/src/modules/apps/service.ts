import { createHash, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';
import sharp from 'sharp';
import { ApiError, invalidField, notFound, notPermitted, unauthorized } from '../../lib/errors.js';
import type { IdGenerator } from '../../lib/ids.js';
import { nowIso } from '../../lib/time.js';
import { isUniqueViolation } from '../boards/constraints.js';
import { sniffImageFormat } from '../media/image-pipeline.js';
import type { MediaStorage } from '../media/storage.js';
import type { AppPatch, AppRow, AppsRepo } from './repo.js';

export const BUILTIN_CLI_APP_NAME = 'Corkboard CLI';

/** Limits shared by the developer routes and the CLI. */
export const APP_LIMITS = {
  name: 100,
  description: 1000,
  websiteUrl: 2048,
  redirectUri: 2048,
  redirectUris: 10,
  rejectionReason: 1000,
  iconBytes: 2 * 1024 * 1024,
  iconMinSide: 16,
} as const;

/** App icons are stored as one small square PNG. */
export const ICON_SIZE = 150;

export interface AppInput {
  name: string;
  description?: string;
  websiteUrl?: string;
  redirectUris: string[];
  /** Base64 of a PNG, JPEG, WebP or GIF image; stored as a 150x150 PNG. */
  iconBase64?: string | null;
}

export type AppUpdate = Partial<AppInput>;

export interface AppWithSecret {
  app: AppRow;
  /** The only time the plain secret exists: shown once, stored as SHA-256. */
  clientSecret: string;
}

const appNotFound = () => notFound('App not found.');

export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

function newSecret(): string {
  return randomBytes(20).toString('hex');
}

/**
 * Developer apps: "Connect app", review by admins, access tiers, client secrets. Tokens of
 * the built-in "Corkboard CLI" app are what `corkboard token create` and the demo seed make.
 */
export class AppsService {
  private builtinId: string | null = null;

  constructor(
    private readonly repo: AppsRepo,
    private readonly ids: IdGenerator,
    private readonly options: {
      storage?: MediaStorage;
      autoApprove?: boolean;
      /** Told after an app's status or tier changes or it is deleted: tokens' cached lookups go (TokensService.forget). */
      accessChanged?: (appId: string) => Promise<void>;
    } = {},
  ) {}

  private async accessChanged(appId: string): Promise<void> {
    await this.options.accessChanged?.(appId);
  }

  /** Forgets ids cached from the database (after a sandbox reset deleted every row). */
  forgetCachedIds(): void {
    this.builtinId = null;
  }

  async builtinCliAppId(): Promise<string> {
    if (this.builtinId) return this.builtinId;
    const existing = await this.repo.findBuiltinId();
    if (existing) return (this.builtinId = existing);
    const id = this.ids.next();
    await this.repo.insert({
      id,
      ownerId: null,
      name: BUILTIN_CLI_APP_NAME,
      description: 'Tokens made with `corkboard token create` and the demo seed.',
      tier: 'STANDARD',
      status: 'APPROVED',
      isBuiltin: true,
      createdAt: nowIso(),
    });
    return (this.builtinId = id);
  }

  /** "Connect app": a numeric client_id and a secret shown once; PENDING unless auto-approved. */
  async create(
    ownerId: string,
    input: AppInput,
    options: { approve?: boolean } = {},
  ): Promise<AppWithSecret> {
    const name = checkName(input.name);
    const description = checkDescription(input.description ?? '');
    const websiteUrl = checkWebsite(input.websiteUrl ?? '');
    const redirectUris = checkRedirectUris(input.redirectUris);
    const id = this.ids.next();
    const iconKey = input.iconBase64 ? await this.storeIcon(id, input.iconBase64) : null;
    const clientSecret = newSecret();
    const approve = options.approve ?? this.options.autoApprove ?? false;
    const createdAt = nowIso();
    for (let attempt = 0; ; attempt++) {
      try {
        await this.repo.insert({
          id,
          ownerId,
          name,
          description,
          tier: 'TRIAL',
          status: 'PENDING',
          isBuiltin: false,
          createdAt,
          clientId: newClientId(attempt),
          clientSecretHash: hashSecret(clientSecret),
          iconKey,
          websiteUrl,
          redirectUris,
        });
        break;
      } catch (error) {
        if (!isUniqueViolation(error) || attempt >= 5) throw error;
      }
    }
    if (approve)
      await this.repo.setReview(id, {
        status: 'APPROVED',
        rejectionReason: null,
        reviewedBy: null,
        at: createdAt,
      });
    return { app: (await this.repo.findById(id))!, clientSecret };
  }

  async listOwned(ownerId: string): Promise<AppRow[]> {
    return this.repo.listByOwner(ownerId);
  }

  /** The owner's app; anyone else's is not found. */
  async getOwned(ownerId: string, appId: string): Promise<AppRow> {
    const app = /^\d{1,20}$/.test(appId) ? await this.repo.findById(appId) : null;
    if (!app || app.isBuiltin || app.ownerId !== ownerId) throw appNotFound();
    return app;
  }

  async update(ownerId: string, appId: string, input: AppUpdate): Promise<AppRow> {
    const app = await this.getOwned(ownerId, appId);
    const patch: AppPatch = {};
    if (input.name !== undefined) patch.name = checkName(input.name);
    if (input.description !== undefined) patch.description = checkDescription(input.description);
    if (input.websiteUrl !== undefined) patch.websiteUrl = checkWebsite(input.websiteUrl);
    if (input.redirectUris !== undefined) patch.redirectUris = checkRedirectUris(input.redirectUris);
    if (input.iconBase64 !== undefined)
      patch.iconKey = input.iconBase64 ? await this.storeIcon(app.id, input.iconBase64) : null;
    await this.repo.update(app.id, patch);
    return (await this.repo.findById(app.id))!;
  }

  /** Deletes the app; its tokens stop working at once (they go with it). */
  async delete(ownerId: string, appId: string): Promise<void> {
    const app = await this.getOwned(ownerId, appId);
    await this.repo.delete(app.id);
    await this.accessChanged(app.id);
  }

  /** A new secret, shown once; the old one stops working at once. */
  async rotateSecret(ownerId: string, appId: string): Promise<AppWithSecret> {
    const app = await this.getOwned(ownerId, appId);
    const clientSecret = newSecret();
    await this.repo.setSecret(app.id, hashSecret(clientSecret), nowIso());
    return { app: (await this.repo.findById(app.id))!, clientSecret };
  }

  /** Apps of a review status, oldest first (the queue is PENDING). */
  async listForReview(status: AppRow['status']): Promise<AppRow[]> {
    return this.repo.listByStatus(status);
  }

  async approve(adminId: string, appId: string): Promise<AppRow> {
    const app = await this.reviewable(appId);
    await this.repo.setReview(app.id, {
      status: 'APPROVED',
      rejectionReason: null,
      reviewedBy: adminId,
      at: nowIso(),
    });
    await this.accessChanged(app.id);
    return (await this.repo.findById(app.id))!;
  }

  /** Rejected apps' tokens stop working at once: authentication reads the app's status. */
  async reject(adminId: string, appId: string, reason: string): Promise<AppRow> {
    const app = await this.reviewable(appId);
    const text = reason.trim();
    if (!text) throw invalidField('reason', 'is required');
    if ([...text].length > APP_LIMITS.rejectionReason)
      throw invalidField('reason', `must be at most ${APP_LIMITS.rejectionReason} characters`);
    await this.repo.setReview(app.id, {
      status: 'REJECTED',
      rejectionReason: text,
      reviewedBy: adminId,
      at: nowIso(),
    });
    await this.accessChanged(app.id);
    return (await this.repo.findById(app.id))!;
  }

  /** Trial → Standard; only approved apps have a tier that matters. */
  async upgrade(appId: string): Promise<AppRow> {
    const app = await this.reviewable(appId);
    if (app.status !== 'APPROVED') throw notPermitted('Only an approved app can be upgraded to Standard.');
    await this.repo.setTier(app.id, 'STANDARD');
    await this.accessChanged(app.id);
    return (await this.repo.findById(app.id))!;
  }

  /** An app by its public client_id, or null. */
  async findByClientId(clientId: string): Promise<AppRow | null> {
    if (!/^\d{1,20}$/.test(clientId)) return null;
    return this.repo.findByClientId(clientId);
  }

  /** HTTP Basic client authentication for the token endpoint: 401 code 2 for anything wrong. */
  async authenticateClient(clientId: string, secret: string): Promise<AppRow> {
    const app = await this.findByClientId(clientId);
    const expected = app?.clientSecretHash ?? hashSecret('no app: compare anyway');
    const given = hashSecret(secret);
    const same = timingSafeEqual(Buffer.from(expected), Buffer.from(given));
    if (!app || !same) throw unauthorized('Authentication failed: the client_id or client_secret is wrong.');
    if (app.status !== 'APPROVED') throw unauthorized('Authentication failed: the app is not approved.');
    return app;
  }

  private async reviewable(appId: string): Promise<AppRow> {
    const app = /^\d{1,20}$/.test(appId) ? await this.repo.findById(appId) : null;
    if (!app || app.isBuiltin) throw appNotFound();
    return app;
  }

  /** Checks the bytes are an image, crops it square to 150x150 PNG and stores it. */
  private async storeIcon(appId: string, base64: string): Promise<string> {
    const storage = this.options.storage;
    if (!storage) throw invalidField('icon', 'cannot be stored by this server');
    if (!/^[A-Za-z0-9+/=\s]+$/.test(base64)) throw invalidField('icon', 'must be base64 image data');
    const data = Buffer.from(base64, 'base64');
    if (data.length > APP_LIMITS.iconBytes)
      throw invalidField('icon', `must be at most ${APP_LIMITS.iconBytes / 1024 / 1024} MB`);
    if (!sniffImageFormat(data)) throw invalidField('icon', 'is not a PNG, JPEG, WebP or GIF image');
    let png: Buffer;
    try {
      const image = sharp(data, { limitInputPixels: 25_000_000 });
      const meta = await image.metadata();
      if ((meta.width ?? 0) < APP_LIMITS.iconMinSide || (meta.height ?? 0) < APP_LIMITS.iconMinSide)
        throw invalidField(
          'icon',
          `must be at least ${APP_LIMITS.iconMinSide}x${APP_LIMITS.iconMinSide} pixels`,
        );
      png = await image.rotate().resize(ICON_SIZE, ICON_SIZE, { fit: 'cover' }).png().toBuffer();
    } catch (error) {
      if (error instanceof ApiError) throw error;
      throw invalidField('icon', 'could not be decoded as an image');
    }
    const key = `apps/${appId.slice(-2)}/${appId}/${randomBytes(16).toString('hex')}/icon.png`;
    await storage.put(key, png);
    return key;
  }
}

/** 7 digits like Pinterest's, longer after a collision. */
function newClientId(attempt: number): string {
  const digits = Math.min(7 + attempt * 3, 18);
  const min = 10 ** (digits - 1);
  const first = randomInt(1, 10);
  const rest = digits > 1 ? String(randomInt(0, min)).padStart(digits - 1, '0') : '';
  return `${first}${rest}`;
}

function checkName(value: string): string {
  const name = typeof value === 'string' ? value.trim() : '';
  if (!name) throw invalidField('name', 'is required');
  if ([...name].length > APP_LIMITS.name)
    throw invalidField('name', `must be at most ${APP_LIMITS.name} characters`);
  return name;
}

function checkDescription(value: string): string {
  if ([...value].length > APP_LIMITS.description)
    throw invalidField('description', `must be at most ${APP_LIMITS.description} characters`);
  return value;
}

function checkWebsite(value: string): string {
  const text = value.trim();
  if (!text) return '';
  if (text.length > APP_LIMITS.websiteUrl) throw invalidField('website_url', 'is too long');
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw invalidField('website_url', 'must be an absolute http(s) URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw invalidField('website_url', 'must be an absolute http(s) URL');
  return text;
}

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/** https anywhere, http only for loopback; no fragments; exact strings kept as given. */
export function checkRedirectUris(values: string[]): string[] {
  if (!Array.isArray(values) || values.length === 0)
    throw invalidField('redirect_uris', 'needs at least one URI');
  if (values.length > APP_LIMITS.redirectUris)
    throw invalidField('redirect_uris', `may have at most ${APP_LIMITS.redirectUris} URIs`);
  const out: string[] = [];
  values.forEach((value, i) => {
    const field = `redirect_uris[${i}]`;
    if (typeof value !== 'string' || !value) throw invalidField(field, 'is required');
    if (value.length > APP_LIMITS.redirectUri) throw invalidField(field, 'is too long');
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      throw invalidField(field, 'must be an absolute URL');
    }
    if (url.hash || value.includes('#')) throw invalidField(field, 'must not have a fragment');
    if (url.username || url.password) throw invalidField(field, 'must not carry credentials');
    if (url.protocol === 'http:') {
      if (!LOOPBACK_HOSTS.has(url.hostname))
        throw invalidField(field, 'must use https (http only for localhost)');
    } else if (url.protocol !== 'https:') {
      throw invalidField(field, 'must use https (http only for localhost)');
    }
    if (!out.includes(value)) out.push(value);
  });
  return out;
}

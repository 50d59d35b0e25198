import { createHash, hash as oneShotHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IdGenerator } from '../../lib/ids.js';
import { unauthorized } from '../../lib/errors.js';
import type { Scope } from './scopes.js';
import { isScope } from './scopes.js';
import type { TokenKind, TokenRow, TokensRepo } from './repo.js';
import { TokenCache, type TokenAccessChange, type TokenInvalidationBus } from './cache.js';

export interface AuthContext {
  tokenId: string;
  userId: string;
  appId: string;
  scopes: ReadonlySet<Scope>;
  /**
   * The app's access tier: what a TRIAL app's token creates is visible only to its creator.
   * Always set by `authenticate`; optional so callers built by hand (benchmarks) may omit it.
   */
  tier?: 'TRIAL' | 'STANDARD';
  /** 'client' for a client-credentials token (pinc_), acting as the app's owner; absent means 'access'. */
  tokenKind?: 'access' | 'client';
}

export interface IssuedToken {
  id: string;
  token: string;
  /** The first 12 characters, which identify the token in lists and logs without revealing it. */
  prefix: string;
  expiresAt: string;
  scopes: Scope[];
}

/** A token as its owner sees it in a list: never the token itself. */
export interface TokenSummary {
  id: string;
  kind: TokenKind;
  prefix: string;
  scopes: Scope[];
  createdAt: string;
  lastUsedAt: string | null;
  expiresAt: string;
}

export const TOKEN_PREFIX = { access: 'pina_', refresh: 'pinr_', client: 'pinc_' } as const;
const TOUCH_INTERVAL_MS = 60_000;
/** Length of the shown prefix: the kind's prefix and 7 characters derived from the row id. */
export const DISPLAY_PREFIX_LENGTH = 12;

export function hashToken(token: string): string {
  return oneShotHash('sha256', token, 'hex');
}

/**
 * The 12 characters a token starts with, computed from its row id: lists can show them
 * without storing any part of the token, and they match what a request log sees.
 */
export function displayPrefix(kind: TokenKind, id: string): string {
  const tag = createHash('sha256').update(`corkboard-token:${id}`).digest('base64url');
  return (TOKEN_PREFIX[kind] + tag).slice(0, DISPLAY_PREFIX_LENGTH);
}

/** The token of an `Authorization: Bearer …` header, or null when the header is not one. */
function bearerToken(header: string): string | null {
  return /^Bearer\s+(\S+)\s*$/i.exec(header)?.[1] ?? null;
}

function scopesOf(text: string): Scope[] {
  return text.split(',').filter(isScope);
}

/** Scope sets by their stored text: tokens share a handful of scope lists, parsed once each. */
const scopeSets = new Map<string, ReadonlySet<Scope>>();
function scopeSetOf(text: string): ReadonlySet<Scope> {
  let set = scopeSets.get(text);
  if (!set) {
    set = new Set(scopesOf(text));
    if (scopeSets.size > 1000) scopeSets.clear();
    scopeSets.set(text, set);
  }
  return set;
}

export interface TokensServiceOptions {
  /**
   * How long a token that authenticated is trusted without reading it again (TOKEN_CACHE_SECONDS
   * in ms); 0 reads the database on every call. Default 10 s.
   */
  cacheTtlMs?: number;
  /** Shares invalidations with the other processes (Redis pub/sub when REDIS_URL is set). */
  invalidations?: TokenInvalidationBus | null;
}

/** What the cache keeps per token: the caller as authenticate returns it. */
interface CachedAuth {
  auth: AuthContext;
  /** "Last used" as read (ms since the epoch, 0 for never): touchLater's starting point. */
  lastUsedAtMs: number;
}

/**
 * Bearer tokens: 256 random bits with Pinterest's prefixes, stored only as SHA-256 hashes.
 * Authentication is one indexed query (the token joined to its app, whose status decides at
 * once whether a rejected or deleted app's tokens still work), then kept in memory for a few
 * seconds (see TokenCache: every revocation or change of app or user goes through `forget`,
 * here and in the other processes); no write on the read path except "last used", at most
 * once a minute per token and without making the request wait.
 */
export class TokensService {
  private readonly lastTouched = new Map<string, number>();
  /** The last Authorization header and its token: a client sends the same one call after call. */
  private lastHeader: string | undefined = undefined;
  private lastToken: string | null = null;
  private readonly cache: TokenCache<CachedAuth>;
  private readonly invalidations: TokenInvalidationBus | null;

  constructor(
    private readonly repo: TokensRepo,
    private readonly ids: IdGenerator,
    private readonly accessTtlSeconds: number,
    private readonly refreshTtlSeconds: number = 60 * 24 * 3600,
    options: TokensServiceOptions = {},
  ) {
    this.cache = new TokenCache({ ttlMs: options.cacheTtlMs ?? 10_000 });
    this.invalidations = options.invalidations ?? null;
    this.invalidations?.subscribe((change) => this.cache.forget(change));
  }

  /** Connects the invalidation channel (if any) before the first request. */
  async start(): Promise<void> {
    await this.invalidations?.connect();
  }

  async close(): Promise<void> {
    await this.invalidations?.close();
  }

  /**
   * Something changed about which tokens work (a revocation, an app's status or tier, a user
   * gone): cached lookups it touches are dropped here at once and in every other process
   * through the invalidation channel. Call it after the change is committed.
   */
  async forget(change: TokenAccessChange): Promise<void> {
    this.cache.forget(change);
    await this.invalidations?.publish(change);
  }

  async issue(input: {
    userId: string;
    appId: string;
    scopes: Scope[];
    kind?: TokenKind;
    ttlSeconds?: number;
    /** For access tokens made from a refresh token (or with it, in one grant). */
    refreshTokenId?: string | null;
    /** The row id to use (an id from the same generator, e.g. the authorization code's). */
    id?: string;
  }): Promise<IssuedToken> {
    const kind = input.kind ?? 'access';
    const id = input.id ?? this.ids.next();
    const prefix = displayPrefix(kind, id);
    const token = prefix + randomBytes(32).toString('base64url');
    const now = new Date();
    const ttl = input.ttlSeconds ?? (kind === 'refresh' ? this.refreshTtlSeconds : this.accessTtlSeconds);
    const expiresAt = new Date(now.getTime() + ttl * 1000).toISOString();
    await this.repo.insert({
      id,
      tokenHash: hashToken(token),
      kind,
      userId: input.userId,
      appId: input.appId,
      scopes: input.scopes.join(','),
      createdAt: now.toISOString(),
      expiresAt,
      refreshTokenId: input.refreshTokenId ?? null,
    });
    return { id, token, prefix, expiresAt, scopes: input.scopes };
  }

  /**
   * A refresh token and an access token tied to it: revoking the refresh token ends both.
   * `grantId` names the refresh token's row (the OAuth service passes the authorization code's
   * id, so a replayed code can revoke exactly the tokens it gave).
   */
  async issueGrant(input: {
    userId: string;
    appId: string;
    scopes: Scope[];
    grantId?: string;
  }): Promise<{ access: IssuedToken; refresh: IssuedToken }> {
    const { grantId, ...owner } = input;
    const refresh = await this.issue({ ...owner, kind: 'refresh', id: grantId });
    const access = await this.issue({ ...owner, kind: 'access', refreshTokenId: refresh.id });
    return { access, refresh };
  }

  /** The bearer token of an Authorization header (null when it is not one), parsed once per new header. */
  private tokenOf(header: string | undefined): string | null {
    if (header !== this.lastHeader) {
      this.lastToken = header ? bearerToken(header) : null;
      this.lastHeader = header;
    }
    return this.lastToken;
  }

  /**
   * The caller, synchronously, when the header's token is a valid one kept in memory; null when
   * the database must be asked (then call `authenticate`). Never throws.
   */
  cachedCaller(header: string | undefined): AuthContext | null {
    const token = this.tokenOf(header);
    if (!token || !this.cache.enabled) return null;
    const cached = this.cache.get(token);
    if (!cached) return null;
    this.touchLater(cached.tokenId, cached.value.lastUsedAtMs);
    return cached.value.auth;
  }

  /** Resolves an `Authorization` header to the caller, or throws 401 code 2. */
  async authenticate(header: string | undefined): Promise<AuthContext> {
    const token = this.tokenOf(header);
    if (token === null)
      throw unauthorized('Authentication failed: send an access token as "Authorization: Bearer pina_…".');
    if (!token.startsWith(TOKEN_PREFIX.access) && !token.startsWith(TOKEN_PREFIX.client))
      throw unauthorized('Authentication failed: that is not an access token.');
    const cached = this.cache.get(token);
    if (cached) {
      this.touchLater(cached.tokenId, cached.value.lastUsedAtMs);
      return cached.value.auth;
    }
    const hash = hashToken(token);
    const generation = this.cache.generation;
    const row = await this.repo.findByHash(hash);
    if (
      !row ||
      (row.kind !== 'access' && row.kind !== 'client') ||
      !timingSafeEqual(Buffer.from(row.tokenHash), Buffer.from(hash)) ||
      row.revokedAt !== null
    ) {
      throw unauthorized('Authentication failed: the access token is invalid or has been revoked.');
    }
    if (row.appStatus !== 'APPROVED') {
      throw unauthorized('Authentication failed: the app this token belongs to is not approved.');
    }
    if (Date.parse(row.expiresAt) <= Date.now()) {
      throw unauthorized('Authentication failed: the access token has expired. Generate a new one.');
    }
    const lastUsedAtMs = row.lastUsedAt ? Date.parse(row.lastUsedAt) : 0;
    this.touchLater(row.id, lastUsedAtMs);
    const auth: AuthContext = {
      tokenId: row.id,
      userId: row.userId,
      appId: row.appId,
      scopes: scopeSetOf(row.scopes),
      tier: row.appTier === 'TRIAL' ? 'TRIAL' : 'STANDARD',
      tokenKind: row.kind,
    };
    this.cache.set(
      token,
      {
        tokenId: row.id,
        userId: row.userId,
        appId: row.appId,
        refreshTokenId: row.refreshTokenId,
        expiresAtMs: Date.parse(row.expiresAt),
        value: { auth, lastUsedAtMs },
      },
      generation,
    );
    return auth;
  }

  /**
   * The live token a plain token string names (any kind), with its app's status; null when
   * unknown. Used by the token endpoint, which then checks kind, app and expiry itself.
   */
  async find(token: string): Promise<(TokenRow & { appStatus: string; expired: boolean }) | null> {
    if (!/^pin[arc]_[A-Za-z0-9_-]{10,100}$/.test(token)) return null;
    const hash = hashToken(token);
    const row = await this.repo.findByHash(hash);
    if (!row || !timingSafeEqual(Buffer.from(row.tokenHash), Buffer.from(hash))) return null;
    return { ...row, expired: Date.parse(row.expiresAt) <= Date.now() };
  }

  /**
   * The refresh token whose secret was `token` before its last rotation: a spent secret
   * presented again. Null for anything else.
   */
  async findRotatedRefresh(token: string): Promise<(TokenRow & { rotatedAt: string | null }) | null> {
    if (!/^pinr_[A-Za-z0-9_-]{10,100}$/.test(token)) return null;
    return this.repo.findByPreviousHash(hashToken(token));
  }

  /**
   * Continuous refresh with rotation: the refresh token `token` (row `tokenId`) is replaced by a
   * new secret for the same grant, living a full lifetime from now; the old string stops working
   * at once. The grant's row, and so the access tokens made from it, stay the same. Null when
   * the token was rotated or revoked meanwhile (two refreshes racing: only one wins).
   */
  async rotateRefresh(tokenId: string, token: string): Promise<{ token: string; expiresAt: string } | null> {
    const next = displayPrefix('refresh', tokenId) + randomBytes(32).toString('base64url');
    const expiresAt = new Date(Date.now() + this.refreshTtlSeconds * 1000).toISOString();
    const rotated = await this.repo.rekey(
      tokenId,
      hashToken(token),
      hashToken(next),
      expiresAt,
      new Date().toISOString(),
    );
    return rotated ? { token: next, expiresAt } : null;
  }

  get refreshLifetimeSeconds(): number {
    return this.refreshTtlSeconds;
  }

  get accessLifetimeSeconds(): number {
    return this.accessTtlSeconds;
  }

  /** Live tokens a user holds for an app, for the "Manage" page. */
  async listForApp(userId: string, appId: string): Promise<TokenSummary[]> {
    const rows = await this.repo.listLive(userId, appId, 200);
    return rows.map((row) => ({
      id: row.id,
      kind: row.kind,
      prefix: displayPrefix(row.kind, row.id),
      scopes: scopesOf(row.scopes),
      createdAt: row.createdAt,
      lastUsedAt: row.lastUsedAt,
      expiresAt: row.expiresAt,
    }));
  }

  async findById(tokenId: string): Promise<TokenRow | null> {
    return /^\d{1,20}$/.test(tokenId) ? this.repo.findById(tokenId) : null;
  }

  /** After a password change: every token of the user stops working at once. */
  async revokeAllForUser(userId: string): Promise<number> {
    const revoked = await this.repo.revokeAllForUser(userId, new Date().toISOString());
    await this.forget({ userId });
    return revoked;
  }

  /** Revokes a token; a refresh token takes the access tokens made from it along. */
  async revoke(tokenId: string): Promise<boolean> {
    const row = await this.repo.findById(tokenId);
    if (!row) return false;
    const at = new Date().toISOString();
    if (row.kind === 'refresh') {
      const revoked = (await this.repo.revokeGrant(row.id, at)) > 0;
      await this.forget({ refreshTokenId: row.id });
      return revoked;
    }
    const revoked = await this.repo.revoke(row.id, at);
    await this.forget({ tokenId: row.id });
    return revoked;
  }

  private touchLater(tokenId: string, lastUsedAtMs: number): void {
    const now = Date.now();
    const last = this.lastTouched.get(tokenId) ?? lastUsedAtMs;
    if (now - last < TOUCH_INTERVAL_MS) return;
    this.lastTouched.set(tokenId, now);
    if (this.lastTouched.size > 100_000) this.lastTouched.clear();
    setImmediate(() => {
      this.repo.touch(tokenId, new Date(now).toISOString()).catch(() => {
        // Best effort: "last used" is informational and retried on the next request.
      });
    });
  }
}

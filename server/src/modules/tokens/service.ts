import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IdGenerator } from '../../lib/ids.js';
import { unauthorized } from '../../lib/errors.js';
import type { Scope } from './scopes.js';
import { isScope } from './scopes.js';
import type { TokensRepo } from './repo.js';

export interface AuthContext {
  tokenId: string;
  userId: string;
  appId: string;
  scopes: ReadonlySet<Scope>;
}

export interface IssuedToken {
  id: string;
  token: string;
  expiresAt: string;
  scopes: Scope[];
}

const PREFIX = { access: 'pina_', refresh: 'pinr_' } as const;
const TOUCH_INTERVAL_MS = 60_000;

export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/**
 * Bearer tokens: 256 random bits with Pinterest's prefixes, stored only as SHA-256 hashes.
 * Authentication does no write on the read path except "last used", at most once a minute
 * per token and without making the request wait.
 */
export class TokensService {
  private readonly lastTouched = new Map<string, number>();

  constructor(
    private readonly repo: TokensRepo,
    private readonly ids: IdGenerator,
    private readonly accessTtlSeconds: number,
  ) {}

  async issue(input: {
    userId: string;
    appId: string;
    scopes: Scope[];
    kind?: 'access' | 'refresh';
    ttlSeconds?: number;
  }): Promise<IssuedToken> {
    const kind = input.kind ?? 'access';
    const token = PREFIX[kind] + randomBytes(32).toString('base64url');
    const now = new Date();
    const expiresAt = new Date(
      now.getTime() + (input.ttlSeconds ?? this.accessTtlSeconds) * 1000,
    ).toISOString();
    const id = this.ids.next();
    await this.repo.insert({
      id,
      tokenHash: hashToken(token),
      kind,
      userId: input.userId,
      appId: input.appId,
      scopes: input.scopes.join(','),
      createdAt: now.toISOString(),
      expiresAt,
    });
    return { id, token, expiresAt, scopes: input.scopes };
  }

  /** Resolves an `Authorization` header to the caller, or throws 401 code 2. */
  async authenticate(header: string | undefined): Promise<AuthContext> {
    const match = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
    if (!match)
      throw unauthorized('Authentication failed: send an access token as "Authorization: Bearer pina_…".');
    const token = match[1]!;
    if (!token.startsWith(PREFIX.access))
      throw unauthorized('Authentication failed: that is not an access token.');
    const hash = hashToken(token);
    const row = await this.repo.findByHash(hash);
    if (
      !row ||
      row.kind !== 'access' ||
      !timingSafeEqual(Buffer.from(row.tokenHash), Buffer.from(hash)) ||
      row.revokedAt !== null
    ) {
      throw unauthorized('Authentication failed: the access token is invalid or has been revoked.');
    }
    if (Date.parse(row.expiresAt) <= Date.now()) {
      throw unauthorized('Authentication failed: the access token has expired. Generate a new one.');
    }
    this.touchLater(row.id, row.lastUsedAt);
    return {
      tokenId: row.id,
      userId: row.userId,
      appId: row.appId,
      scopes: new Set(row.scopes.split(',').filter(isScope)),
    };
  }

  /** After a password change: every token of the user stops working at once. */
  async revokeAllForUser(userId: string): Promise<number> {
    return this.repo.revokeAllForUser(userId, new Date().toISOString());
  }

  async revoke(tokenId: string): Promise<boolean> {
    return this.repo.revoke(tokenId, new Date().toISOString());
  }

  private touchLater(tokenId: string, lastUsedAt: string | null): void {
    const now = Date.now();
    const last = this.lastTouched.get(tokenId) ?? (lastUsedAt ? Date.parse(lastUsedAt) : 0);
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

import { randomBytes } from 'node:crypto';
import type { IdGenerator } from '../../lib/ids.js';
import { hashToken } from '../tokens/service.js';
import type { SessionsRepo } from './repo.js';

export const SESSION_TTL_MS = 30 * 24 * 3600 * 1000;
const TOUCH_INTERVAL_MS = 60_000;

export interface SessionContext {
  sessionId: string;
  userId: string;
}

/**
 * Cookie sessions for the web app and the OAuth pages. The cookie holds 256 random bits; the
 * database holds only their SHA-256. "Last seen" is written at most once a minute.
 */
export class SessionsService {
  constructor(
    private readonly repo: SessionsRepo,
    private readonly ids: IdGenerator,
  ) {}

  async create(userId: string, userAgent = ''): Promise<{ token: string; expiresAt: Date }> {
    const token = randomBytes(32).toString('base64url');
    const now = new Date();
    const expiresAt = new Date(now.getTime() + SESSION_TTL_MS);
    await this.repo.insert({
      id: this.ids.next(),
      tokenHash: hashToken(token),
      userId,
      createdAt: now.toISOString(),
      expiresAt: expiresAt.toISOString(),
      userAgent,
    });
    return { token, expiresAt };
  }

  async resolve(token: string | undefined): Promise<SessionContext | null> {
    if (!token || token.length > 100) return null;
    const row = await this.repo.findByHash(hashToken(token));
    if (!row || Date.parse(row.expiresAt) <= Date.now()) return null;
    if (Date.now() - Date.parse(row.lastSeenAt) > TOUCH_INTERVAL_MS) {
      const at = new Date().toISOString();
      setImmediate(() => void this.repo.touch(row.id, at).catch(() => undefined));
    }
    return { sessionId: row.id, userId: row.userId };
  }

  async end(sessionId: string): Promise<void> {
    await this.repo.deleteById(sessionId);
  }

  /** After a password change: every other session of the user ends. */
  async endOthers(userId: string, keepSessionId?: string): Promise<number> {
    return this.repo.deleteForUser(userId, keepSessionId);
  }
}

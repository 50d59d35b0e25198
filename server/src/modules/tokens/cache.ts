import { Redis } from 'ioredis';

/**
 * What changed about who may use which token. Every field given widens what is forgotten:
 * tokens with that id, of that user, of that app, or made from that refresh token.
 * `all` forgets everything (e.g. after a sandbox reset).
 */
export interface TokenAccessChange {
  tokenId?: string;
  userId?: string;
  appId?: string;
  /** A refresh token was revoked: it and the access tokens made from it. */
  refreshTokenId?: string;
  all?: boolean;
}

/** A token that authenticated, as the cache keeps it. */
export interface CachedToken<Value> {
  tokenId: string;
  userId: string;
  appId: string;
  refreshTokenId: string | null;
  /** When the token itself expires (ms since the epoch): checked on every hit. */
  expiresAtMs: number;
  value: Value;
}

interface Entry<Value> extends CachedToken<Value> {
  cachedAtMs: number;
}

export interface TokenCacheOptions {
  /** How long a positive lookup is trusted without asking the database again. 0 turns caching off. */
  ttlMs: number;
  /** Entries kept at most; the oldest go first. */
  maxEntries?: number;
  now?: () => number;
}

/**
 * Positive token lookups by the token itself, so the check that runs on every API call is a map
 * lookup: no query, and no hash (the SHA-256 that finds a token's row is computed on a miss
 * only). The tokens are already in this process's memory, in the requests that carry them; they
 * are never written anywhere from here. Only tokens that authenticated are kept (unknown, revoked or
 * expired tokens always reach the database, so random tokens cannot fill it). Correctness rests
 * on invalidation: whatever revokes a token or changes its app or user calls `forget` (through
 * TokensService), in this process at once and in the others through Redis; the TTL bounds
 * anything missed (a change made by a process without Redis, or by hand in the database).
 *
 * A lookup that started before an invalidation must not store what it read: it may have read
 * the state from before the change. `generation` counts invalidations; callers take it before
 * reading and `set` ignores results read under an older generation.
 */
export class TokenCache<Value> {
  private readonly entries = new Map<string, Entry<Value>>();
  private readonly maxEntries: number;
  private readonly now: () => number;
  private generationCount = 0;

  constructor(private readonly options: TokenCacheOptions) {
    this.maxEntries = options.maxEntries ?? 10_000;
    this.now = options.now ?? Date.now;
  }

  get enabled(): boolean {
    return this.options.ttlMs > 0;
  }

  get generation(): number {
    return this.generationCount;
  }

  get size(): number {
    return this.entries.size;
  }

  /** The cached entry for this token, if still fresh and not expired. */
  get(token: string): CachedToken<Value> | undefined {
    const entry = this.entries.get(token);
    if (!entry) return undefined;
    const now = this.now();
    if (now - entry.cachedAtMs >= this.options.ttlMs || now >= entry.expiresAtMs) {
      this.entries.delete(token);
      return undefined;
    }
    return entry;
  }

  /** Keeps a token that authenticated, unless something was invalidated since `generation`. */
  set(token: string, entry: CachedToken<Value>, generation: number): void {
    if (!this.enabled || generation !== this.generationCount) return;
    if (this.entries.size >= this.maxEntries && !this.entries.has(token)) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    this.entries.set(token, { ...entry, cachedAtMs: this.now() });
  }

  /** Drops every entry the change touches, and any lookup in flight from being stored. */
  forget(change: TokenAccessChange): void {
    this.generationCount++;
    if (change.all) {
      this.entries.clear();
      return;
    }
    for (const [token, entry] of this.entries) {
      if (
        (change.tokenId !== undefined && entry.tokenId === change.tokenId) ||
        (change.userId !== undefined && entry.userId === change.userId) ||
        (change.appId !== undefined && entry.appId === change.appId) ||
        (change.refreshTokenId !== undefined &&
          (entry.refreshTokenId === change.refreshTokenId || entry.tokenId === change.refreshTokenId))
      ) {
        this.entries.delete(token);
      }
    }
  }
}

/** Tells the other processes what changed, and hears what they changed. */
export interface TokenInvalidationBus {
  /** Resolves once Redis has taken the message (or failed to); never rejects. */
  publish(change: TokenAccessChange): Promise<void>;
  subscribe(listener: (change: TokenAccessChange) => void): void;
  connect(): Promise<void>;
  close(): Promise<void>;
}

export interface RedisTokenInvalidationsOptions {
  channel: string;
  /** Told when Redis cannot be reached or a message cannot be sent; the TTL then bounds staleness. */
  onError?: (error: Error) => void;
}

/** The Redis channel's message: one TokenAccessChange as JSON, with the sender so it skips its own. */
interface Message {
  from: string;
  change: TokenAccessChange;
}

/**
 * Invalidations through Redis pub/sub (REDIS_URL): every process forgets the same tokens at
 * once. Pub/sub delivers only to processes connected at the time; one that was disconnected
 * clears its whole cache when it reconnects, since it may have missed messages.
 */
export class RedisTokenInvalidations implements TokenInvalidationBus {
  private readonly publisher: Redis;
  private readonly subscriber: Redis;
  private readonly listeners: Array<(change: TokenAccessChange) => void> = [];
  private readonly self = `${process.pid}:${Math.random().toString(36).slice(2)}`;
  private subscribedOnce = false;
  private closed = false;

  constructor(
    url: string,
    private readonly options: RedisTokenInvalidationsOptions,
  ) {
    const common = {
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      connectTimeout: 2000,
      retryStrategy: (times: number) => Math.min(times * 200, 2000),
    };
    this.publisher = new Redis(url, { ...common, commandTimeout: 500 });
    this.subscriber = new Redis(url, common);
    let reported = false;
    const onError = (error: Error) => {
      if (!reported) options.onError?.(error);
      reported = true;
    };
    this.publisher.on('error', onError);
    this.subscriber.on('error', onError);
    this.subscriber.on('ready', () => {
      reported = false;
      // ioredis re-subscribes by itself after a reconnect; messages sent meanwhile are lost.
      if (this.subscribedOnce) this.deliver({ all: true });
    });
    this.subscriber.on('message', (channel: string, text: string) => {
      if (channel !== options.channel) return;
      let message: Message;
      try {
        message = JSON.parse(text) as Message;
      } catch {
        return;
      }
      if (message.from !== this.self && message.change) this.deliver(message.change);
    });
  }

  async connect(): Promise<void> {
    try {
      await Promise.all([this.publisher.connect(), this.subscriber.connect()]);
      await this.subscriber.subscribe(this.options.channel);
      this.subscribedOnce = true;
    } catch (error) {
      this.options.onError?.(error as Error);
      this.subscribedOnce = true;
    }
  }

  async publish(change: TokenAccessChange): Promise<void> {
    if (this.closed || this.publisher.status !== 'ready') {
      if (!this.closed) this.options.onError?.(new Error(`Redis is ${this.publisher.status}`));
      return;
    }
    const message: Message = { from: this.self, change };
    await this.publisher.publish(this.options.channel, JSON.stringify(message)).then(
      () => undefined,
      (error: Error) => this.options.onError?.(error),
    );
  }

  subscribe(listener: (change: TokenAccessChange) => void): void {
    this.listeners.push(listener);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const client of [this.publisher, this.subscriber]) {
      if (client.status === 'ready') await client.quit().catch(() => client.disconnect());
      else client.disconnect();
    }
  }

  private deliver(change: TokenAccessChange): void {
    for (const listener of this.listeners) listener(change);
  }
}

import { Redis } from 'ioredis';

/**
 * Fixed-window counters for rate limits (API calls, log-in attempts). In memory for one
 * process; a Redis implementation shares them between processes (REDIS_URL). Never in the
 * database.
 */
export interface HitResult {
  allowed: boolean;
  /** Hits counted in the current window, this one included. */
  count: number;
  limit: number;
  /** Seconds until the window resets (for Retry-After). */
  resetSeconds: number;
}

export interface CounterHit {
  key: string;
  windowMs: number;
  limit: number;
}

export interface CounterStore {
  /** Counts one hit on `key` in a window of `windowMs`, allowing up to `limit`. */
  hit(key: string, windowMs: number, limit: number): Promise<HitResult>;
  /**
   * Counts one hit on each key at once (e.g. a per-second and a per-minute window): one round
   * trip to a shared store however many windows. Results are in the order given.
   */
  hitAll(hits: readonly CounterHit[]): Promise<HitResult[]>;
  /** The same, synchronously, for a store in this process's memory (absent for a shared store). */
  hitAllNow?(hits: readonly CounterHit[]): HitResult[];
  /** Forgets a key (e.g. after a successful log-in). */
  reset(key: string): Promise<void>;
  close(): Promise<void>;
}

export class MemoryCounterStore implements CounterStore {
  private readonly windows = new Map<string, { count: number; resetAt: number }>();
  private lastSweep = Date.now();

  async hit(key: string, windowMs: number, limit: number): Promise<HitResult> {
    const now = Date.now();
    this.sweep(now);
    return this.count(key, windowMs, limit, now);
  }

  private count(key: string, windowMs: number, limit: number, now: number): HitResult {
    let window = this.windows.get(key);
    if (!window || window.resetAt <= now) {
      // The window starts with its first hit, as in RedisCounterStore.
      window = { count: 0, resetAt: now + windowMs };
      this.windows.set(key, window);
    }
    window.count++;
    return {
      allowed: window.count <= limit,
      count: window.count,
      limit,
      resetSeconds: Math.max(1, Math.ceil((window.resetAt - now) / 1000)),
    };
  }

  async hitAll(hits: readonly CounterHit[]): Promise<HitResult[]> {
    return this.hitAllNow(hits);
  }

  /** hitAll without a promise: the counters are in this process. */
  hitAllNow(hits: readonly CounterHit[]): HitResult[] {
    // One clock read for every window of the call (it is on every API call's path).
    const now = Date.now();
    this.sweep(now);
    const results: HitResult[] = new Array(hits.length);
    for (let i = 0; i < hits.length; i++) {
      const hit = hits[i]!;
      results[i] = this.count(hit.key, hit.windowMs, hit.limit, now);
    }
    return results;
  }

  async reset(key: string): Promise<void> {
    this.windows.delete(key);
  }

  async close(): Promise<void> {
    this.windows.clear();
  }

  /** Drops expired windows now and then so memory stays bounded. */
  private sweep(now: number): void {
    if (now - this.lastSweep < 60_000) return;
    this.lastSweep = now;
    for (const [key, window] of this.windows) if (window.resetAt <= now) this.windows.delete(key);
  }
}

/**
 * INCR and set the expiry on the first hit, atomically, for every key given: a fixed window
 * that starts with its first hit and is timed by Redis's own clock (so every process agrees).
 * Returns count and milliseconds left per key.
 */
const HIT_SCRIPT = `
local out = {}
for i, key in ipairs(KEYS) do
  local count = redis.call('INCR', key)
  local ttl = redis.call('PTTL', key)
  if count == 1 or ttl < 0 then
    redis.call('PEXPIRE', key, ARGV[i])
    ttl = tonumber(ARGV[i])
  end
  out[#out + 1] = count
  out[#out + 1] = ttl
end
return out
`;

export interface RedisCounterStoreOptions {
  /** Prepended to every key (default `corkboard:rl:`); tests give each run its own. */
  keyPrefix?: string;
  /** A command that takes longer fails (and the caller fails open). Default 500 ms. */
  commandTimeoutMs?: number;
  /** Told when Redis cannot be reached; the store keeps reconnecting in the background. */
  onError?: (error: Error) => void;
}

/** The store is down: callers fail open (see http/rate-limit.ts). */
export class CounterStoreUnavailable extends Error {
  constructor(cause: string) {
    super(`rate-limit counters are unavailable: ${cause}`);
    this.name = 'CounterStoreUnavailable';
  }
}

/**
 * Counters in Redis (REDIS_URL), shared by every process. One round trip per call of
 * `hitAll`, whatever the number of windows. While Redis is unreachable every call rejects at
 * once with CounterStoreUnavailable instead of queueing, so requests never wait for it.
 */
export class RedisCounterStore implements CounterStore {
  private readonly redis: Redis;
  private readonly prefix: string;
  private lastError: string | null = null;
  private closed = false;

  constructor(url: string, options: RedisCounterStoreOptions = {}) {
    this.prefix = options.keyPrefix ?? 'corkboard:rl:';
    this.redis = new Redis(url, {
      lazyConnect: true,
      commandTimeout: options.commandTimeoutMs ?? 500,
      maxRetriesPerRequest: 0,
      connectTimeout: 2000,
      retryStrategy: (times) => Math.min(times * 200, 2000),
    });
    // EVALSHA, falling back to EVAL once per connection: the script is not resent per call.
    this.redis.defineCommand('corkboardHit', { lua: HIT_SCRIPT });
    this.redis.on('error', (error: Error) => {
      const first = this.lastError === null;
      this.lastError = error.message || String(error);
      if (first) options.onError?.(error);
    });
    this.redis.on('ready', () => {
      this.lastError = null;
    });
  }

  /**
   * Connects before the first request so the first hits are counted; when Redis cannot be
   * reached the server starts anyway (failing open) and the client keeps retrying.
   */
  async connect(): Promise<void> {
    try {
      await this.redis.connect();
    } catch (error) {
      this.lastError = (error as Error).message || 'connection failed';
    }
  }

  async hit(key: string, windowMs: number, limit: number): Promise<HitResult> {
    const [result] = await this.hitAll([{ key, windowMs, limit }]);
    return result!;
  }

  async hitAll(hits: readonly CounterHit[]): Promise<HitResult[]> {
    if (this.redis.status !== 'ready') {
      throw new CounterStoreUnavailable(this.lastError ?? `Redis is ${this.redis.status}`);
    }
    const redis = this.redis as Redis & {
      corkboardHit(numKeys: number, ...args: string[]): Promise<number[]>;
    };
    const raw = await redis.corkboardHit(
      hits.length,
      ...hits.map((h) => this.prefix + h.key),
      ...hits.map((h) => String(h.windowMs)),
    );
    return hits.map((h, i) => {
      const count = Number(raw[2 * i]);
      const ttlMs = Number(raw[2 * i + 1]);
      return {
        allowed: count <= h.limit,
        count,
        limit: h.limit,
        resetSeconds: Math.max(1, Math.ceil(ttlMs / 1000)),
      };
    });
  }

  async reset(key: string): Promise<void> {
    if (this.redis.status !== 'ready') return;
    await this.redis.del(this.prefix + key);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.redis.status === 'ready') await this.redis.quit().catch(() => this.redis.disconnect());
    else this.redis.disconnect();
  }
}

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

export interface CounterStore {
  /** Counts one hit on `key` in a window of `windowMs`, allowing up to `limit`. */
  hit(key: string, windowMs: number, limit: number): Promise<HitResult>;
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
    let window = this.windows.get(key);
    if (!window || window.resetAt <= now) {
      window = { count: 0, resetAt: Math.floor(now / windowMs) * windowMs + windowMs };
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

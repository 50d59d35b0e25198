const DAY_MS = 86_400_000;

/** Where the server reads "now" for rules that depend on the date (analytics' 90 days…). */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/**
 * A clock whose date can be set (sandbox analytics control): with `today` set, now() is that
 * UTC day at the real time of day, so a client's date-dependent code can be tested against
 * fixed numbers; unset, it is the real time.
 */
export class SettableClock implements Clock {
  private todayMs: number | null = null;

  now(): Date {
    const real = Date.now();
    return this.todayMs === null ? new Date(real) : new Date(this.todayMs + (real % DAY_MS));
  }

  /** The day set, as 'YYYY-MM-DD', or null when the clock runs on real time. */
  get today(): string | null {
    return this.todayMs === null ? null : new Date(this.todayMs).toISOString().slice(0, 10);
  }

  set(day: string | null): void {
    this.todayMs = day === null ? null : Date.parse(`${day}T00:00:00Z`);
  }
}

import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';

const DAY_MS = 86_400_000;
/** Rows per delete statement: short statements, so requests interleave with a long prune. */
const DELETE_BATCH = 5000;
/** How often a process checks whether a prune is due; one process per interval does it. */
const DEFAULT_INTERVAL_MS = 60 * 60 * 1000;
const FIRST_RUN_DELAY_MS = 60_000;
const CLAIM_KEY = 'analytics_retention_last_run';

export interface RetentionLogger {
  info(details: object, message: string): void;
  warn(details: object, message: string): void;
}

/** SQL of the raw-event pruning. */
export class AnalyticsRetentionRepo {
  constructor(private readonly db: Kysely<Database>) {}

  /** Deletes up to `limit` raw events that happened before `before`; returns how many. */
  async deleteBatch(before: string, limit: number): Promise<number> {
    const result = await this.db
      .deleteFrom('analytics_events')
      .where('id', 'in', (eb) =>
        eb
          .selectFrom('analytics_events')
          .select('id')
          .where('occurred_at', '<', before)
          .orderBy('occurred_at')
          .limit(limit),
      )
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  /**
   * Claims the run of this interval: true for exactly one caller per interval however many
   * processes ask (a compare-and-set on a settings row).
   */
  async claimRun(nowMs: number, intervalMs: number): Promise<boolean> {
    await this.db
      .insertInto('settings')
      .values({ key: CLAIM_KEY, value: '0' })
      .onConflict((oc) => oc.column('key').doNothing())
      .execute();
    const rows = await this.db
      .selectFrom('settings')
      .select('value')
      .where('key', '=', CLAIM_KEY)
      .executeTakeFirstOrThrow();
    const last = Number(rows.value);
    if (Number.isFinite(last) && nowMs - last < intervalMs) return false;
    const result = await this.db
      .updateTable('settings')
      .set({ value: String(nowMs) })
      .where('key', '=', CLAIM_KEY)
      .where('value', '=', rows.value)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }
}

/**
 * Raw analytics events are kept `retentionDays` (ANALYTICS_RETENTION_DAYS); the daily
 * roll-ups, which every analytics read uses, are kept for good. Each server process checks
 * hourly (timer unref'd); one of them per hour wins the claim and prunes in batches. Pruning
 * twice at once would only delete the same rows, so a lost claim is harmless too.
 */
export class AnalyticsRetention {
  private timer: NodeJS.Timeout | null = null;
  private first: NodeJS.Timeout | null = null;
  private running: Promise<number> | null = null;

  constructor(
    private readonly deps: {
      repo: AnalyticsRetentionRepo;
      retentionDays: number;
      log: RetentionLogger;
      intervalMs?: number;
    },
  ) {}

  start(): void {
    if (this.timer) return;
    const interval = this.deps.intervalMs ?? DEFAULT_INTERVAL_MS;
    this.first = setTimeout(() => void this.runIfDue(), FIRST_RUN_DELAY_MS);
    this.first.unref();
    this.timer = setInterval(() => void this.runIfDue(), interval);
    this.timer.unref();
  }

  /** Stops the timers and waits for a prune in progress. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    if (this.first) clearTimeout(this.first);
    this.timer = null;
    this.first = null;
    await this.running?.catch(() => undefined);
  }

  /** Prunes when this process wins this interval's claim; returns the rows deleted. */
  async runIfDue(now = new Date()): Promise<number> {
    if (this.running) return 0;
    try {
      if (!(await this.deps.repo.claimRun(now.getTime(), this.deps.intervalMs ?? DEFAULT_INTERVAL_MS)))
        return 0;
      return await this.prune(now);
    } catch (error) {
      this.deps.log.warn({ err: (error as Error).message }, 'analytics: pruning raw events failed');
      return 0;
    }
  }

  /** Deletes raw events older than the retention, batch by batch; returns how many. */
  async prune(now = new Date()): Promise<number> {
    if (this.running) return this.running;
    this.running = this.pruneBatches(now).finally(() => {
      this.running = null;
    });
    return this.running;
  }

  /** The instant before which raw events are pruned. */
  cutoff(now: Date): string {
    return new Date(now.getTime() - this.deps.retentionDays * DAY_MS).toISOString();
  }

  private async pruneBatches(now: Date): Promise<number> {
    const before = this.cutoff(now);
    let total = 0;
    for (;;) {
      const deleted = await this.deps.repo.deleteBatch(before, DELETE_BATCH);
      total += deleted;
      if (deleted < DELETE_BATCH) break;
      // Let requests in between batches (SQLite runs statements on this thread).
      await new Promise((resolve) => setImmediate(resolve));
    }
    if (total > 0)
      this.deps.log.info({ deleted: total, before }, 'analytics: pruned raw events past retention');
    return total;
  }
}

import { randomUUID } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import { MAX_WORKER_ID } from '../lib/ids.js';
import type { Database } from './schema.js';
import { intOf } from './values.js';

const LEASE_MS = 60_000;
const RENEW_MS = 20_000;

/**
 * Leases a worker number (0..1023) for this process's id generator, so many server processes
 * on one database never mint the same id. The lease is renewed while the process lives and
 * released on close; a crashed process's number frees itself after a minute.
 */
export class WorkerLease {
  private timer: NodeJS.Timeout | null = null;

  private constructor(
    private readonly db: Kysely<Database>,
    readonly workerId: number,
    private readonly holder: string,
  ) {}

  static async acquire(db: Kysely<Database>): Promise<WorkerLease> {
    const holder = randomUUID();
    for (let attempt = 0; attempt < 5; attempt++) {
      const now = Date.now();
      const taken = await db
        .selectFrom('worker_leases')
        .select(['worker_id'])
        .where('expires_at_ms', '>', now)
        .execute();
      const busy = new Set(taken.map((r) => intOf(r.worker_id)));
      const candidates: number[] = [];
      for (let i = 0; i <= MAX_WORKER_ID && candidates.length < 8; i++) if (!busy.has(i)) candidates.push(i);
      if (candidates.length === 0)
        throw new Error('no free worker number: more than 1024 live server processes?');
      for (const workerId of candidates) {
        // Insert a new lease or take over an expired one; the where clause makes it a compare-and-set.
        const result = await sql`
          insert into worker_leases (worker_id, holder, expires_at_ms) values (${workerId}, ${holder}, ${now + LEASE_MS})
          on conflict (worker_id) do update set holder = excluded.holder, expires_at_ms = excluded.expires_at_ms
          where worker_leases.expires_at_ms <= ${now}`.execute(db);
        if (Number(result.numAffectedRows ?? 0n) === 1) {
          const lease = new WorkerLease(db, workerId, holder);
          lease.timer = setInterval(() => void lease.renew(), RENEW_MS);
          lease.timer.unref();
          return lease;
        }
      }
    }
    throw new Error('could not lease a worker number after 5 attempts');
  }

  private async renew(): Promise<void> {
    try {
      await this.db
        .updateTable('worker_leases')
        .set({ expires_at_ms: Date.now() + LEASE_MS })
        .where('worker_id', '=', this.workerId)
        .where('holder', '=', this.holder)
        .execute();
    } catch {
      // The database may be closing; the next renewal or a new lease will follow.
    }
  }

  async release(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.db
      .deleteFrom('worker_leases')
      .where('worker_id', '=', this.workerId)
      .where('holder', '=', this.holder)
      .execute();
  }
}

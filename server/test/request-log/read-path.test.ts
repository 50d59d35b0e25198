import SQLite from 'better-sqlite3';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../helpers/app.js';

/**
 * "Nothing new on the read path" (DESIGN.md, Storage): a burst of API reads makes no database
 * write. Every statement either driver runs is recorded (better-sqlite3's Statement#run/all/get/iterate,
 * which also sees statements the driver reuses from its cache, and pg's Client#query, under
 * Kysely), so nothing can write without being seen.
 */
const WRITE = /^\s*(insert|update|delete|replace|create|drop|alter)\b/i;

describe('the API read path', () => {
  let t: TestApp;
  const statements: string[] = [];
  const probe = new SQLite(':memory:');
  const statementProto = Object.getPrototypeOf(probe.prepare('select 1')) as Record<string, unknown>;
  probe.close();
  const runners = ['run', 'all', 'get', 'iterate'] as const;
  const originals = Object.fromEntries(runners.map((name) => [name, statementProto[name]]));
  const pgQuery = pg.Client.prototype.query;

  beforeAll(async () => {
    // The timer never fires during the burst: the batch flush is separate, below.
    t = await buildTestApp({ REQUEST_LOG_FLUSH_MS: '60000' });
    for (const name of runners) {
      const original = originals[name] as (...a: unknown[]) => unknown;
      statementProto[name] = function (this: { source: string }, ...args: unknown[]) {
        statements.push(this.source);
        return original.apply(this, args);
      };
    }
    pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
      const first = args[0];
      statements.push(typeof first === 'string' ? first : String((first as { text?: string })?.text));
      return (pgQuery as (...a: unknown[]) => unknown).apply(this, args);
    } as typeof pgQuery;
  });
  afterAll(async () => {
    for (const name of runners) statementProto[name] = originals[name];
    pg.Client.prototype.query = pgQuery;
    await t?.close();
  });

  it('writes nothing during a burst of GET /v5/pins/{id} (token last-used once a minute, log batched, counters in memory)', async () => {
    const owner = await t.factories.user();
    const pins = await Promise.all([1, 2, 3].map(() => t.factories.pin({ owner })));
    // The first call may write the token's last_used (at most once a minute); let it land.
    expect(
      (await t.app.inject({ method: 'GET', url: `/v5/pins/${pins[0]!.id}`, headers: owner.auth })).statusCode,
    ).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 50));

    statements.length = 0;
    const results = await Promise.all(
      Array.from({ length: 60 }, (_, i) =>
        t.app.inject({ method: 'GET', url: `/v5/pins/${pins[i % 3]!.id}`, headers: owner.auth }),
      ),
    );
    expect(results.map((r) => r.statusCode).every((s) => s === 200)).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 50)); // anything deferred (setImmediate) has run
    expect(statements.length).toBeGreaterThan(0); // the spy sees the reads …
    expect(statements.filter((s) => WRITE.test(s))).toEqual([]); // … and no write among them

    // Positive control: the batch writer's insert is seen by the same spy.
    expect(t.app.ctx.requestLog.pending).toBeGreaterThanOrEqual(60);
    await t.app.ctx.requestLog.flush();
    expect(statements.filter((s) => WRITE.test(s)).some((s) => /request_log/.test(s))).toBe(true);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { ConfigError, loadConfig } from '../../src/config.js';
import type { AnalyticsEventInput } from '../../src/modules/analytics/events.js';
import { AnalyticsRetention, AnalyticsRetentionRepo } from '../../src/modules/analytics/retention.js';
import { buildTestApp, type TestApp } from '../helpers/app.js';

let t: TestApp;
const NOW = new Date('2027-03-01T12:00:00Z');
const DAY = 86_400_000;
const quiet = { info: () => undefined, warn: () => undefined };

beforeAll(async () => {
  t = await buildTestApp();
});
afterAll(async () => {
  await t?.close();
});

const db = () => t.app.ctx.database.db;
const retention = (intervalMs = 3_600_000) =>
  new AnalyticsRetention({
    repo: new AnalyticsRetentionRepo(db()),
    retentionDays: 400,
    log: quiet,
    intervalMs,
  });

async function rawCount(pinId: string): Promise<number> {
  const row = await db()
    .selectFrom('analytics_events')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('pin_id', '=', pinId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

async function impressionsInRollups(pinId: string): Promise<number> {
  const rows = await sql<{ n: string }>`
    select sum(impression) as n from analytics_account_pin_daily where pin_id = ${pinId}`.execute(db());
  return Number(rows.rows[0]!.n);
}

describe('raw analytics event retention', () => {
  it('prunes raw events older than ANALYTICS_RETENTION_DAYS in batches and keeps the roll-ups', async () => {
    const pin = await t.factories.pin();
    const at = (daysAgo: number, ms = 0) => new Date(NOW.getTime() - daysAgo * DAY + ms);
    const events: AnalyticsEventInput[] = [];
    const add = (count: number, occurredAt: Date) => {
      for (let i = 0; i < count; i += 1)
        events.push({ type: 'IMPRESSION', pinId: pin.id, viewerId: null, appType: 'WEB', occurredAt });
    };
    add(12_000, at(500)); // more than two delete batches
    add(3, at(400, -1)); // a millisecond past the retention
    add(5, at(400, 1)); // a millisecond inside it
    add(7, at(10));
    expect((await t.app.ctx.analyticsIngest.record(events)).accepted).toBe(12_015);

    expect(await retention().prune(NOW)).toBe(12_003);
    expect(await rawCount(pin.id)).toBe(12);
    expect(await impressionsInRollups(pin.id)).toBe(12_015);
    // Nothing more to prune.
    expect(await retention().prune(NOW)).toBe(0);
  });

  it('lets one process prune per interval however many ask', async () => {
    const pin = await t.factories.pin();
    const old = new Date(NOW.getTime() - 450 * DAY);
    const one = {
      type: 'IMPRESSION' as const,
      pinId: pin.id,
      viewerId: null,
      appType: 'WEB' as const,
      occurredAt: old,
    };
    await t.app.ctx.analyticsIngest.record([one, one]);
    const later = new Date(NOW.getTime() + 30 * DAY); // after any claim made by the other test
    const [a, b] = [retention(), retention()];
    // (Counted on this pin only: other tests' old events go too.)
    expect(await a.runIfDue(later)).toBeGreaterThanOrEqual(2);
    expect(await rawCount(pin.id)).toBe(0);
    await t.app.ctx.analyticsIngest.record([one]);
    expect(await b.runIfDue(new Date(later.getTime() + 1000))).toBe(0);
    expect(await rawCount(pin.id)).toBe(1);
    // The next interval, whoever asks prunes.
    expect(await b.runIfDue(new Date(later.getTime() + 3_600_000))).toBeGreaterThanOrEqual(1);
    expect(await rawCount(pin.id)).toBe(0);
  });

  it('reads ANALYTICS_RETENTION_DAYS from the environment, 400 days unless set', () => {
    expect(loadConfig({}).analytics.retentionDays).toBe(400);
    expect(loadConfig({ ANALYTICS_RETENTION_DAYS: '30' }).analytics.retentionDays).toBe(30);
    expect(() => loadConfig({ ANALYTICS_RETENTION_DAYS: '0' })).toThrow(ConfigError);
    expect(() => loadConfig({ ANALYTICS_RETENTION_DAYS: 'soon' })).toThrow(/ANALYTICS_RETENTION_DAYS/);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import {
  AnalyticsSimulator,
  SeededRandom,
  type SimulationSummary,
} from '../../src/modules/analytics/simulator.js';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import type { TestUser } from '../helpers/factories.js';

let t: TestApp;
const TODAY = new Date('2026-06-15T09:30:00Z'); // a Monday; the window is the 28 days before it
const DAYS = 28;
const PINS = 60;
const VIDEO_EVERY = 6; // pins 0, 6, 12 … are video pins

beforeAll(async () => {
  t = await buildTestApp();
});
afterAll(async () => {
  await t?.close();
});

const db = () => t.app.ctx.database.db;

/** A business account with PINS pins, every VIDEO_EVERY-th a video pin, half with a link. */
async function accountWithPins(): Promise<TestUser> {
  const owner = await t.factories.user({ accountType: 'BUSINESS' });
  const board = await t.factories.board({ owner });
  for (let i = 0; i < PINS; i += 1) {
    const pin = await t.factories.pin({ owner, board, link: i % 2 ? `https://shop.test/p/${i}` : null });
    if (i % VIDEO_EVERY === 0) {
      await db().updateTable('pins').set({ creative_type: 'VIDEO' }).where('id', '=', pin.id).execute();
    }
  }
  return owner;
}

async function simulate(owner: TestUser, seed: number): Promise<SimulationSummary> {
  return AnalyticsSimulator.for(t.app.ctx).run({
    userId: owner.user.id,
    days: DAYS,
    seed,
    today: TODAY,
    dailyImpressions: 700,
  });
}

describe('the traffic simulator', () => {
  let first: TestUser;
  let summary: SimulationSummary;

  beforeAll(async () => {
    first = await accountWithPins();
    summary = await simulate(first, 42);
  }, 120_000);

  it('writes every event it made through ingestion, so the roll-ups hold the same totals', async () => {
    expect(summary.rejected).toBe(0);
    expect(summary.accepted).toBe(summary.events);
    expect(summary.pins).toBe(PINS);
    expect(summary.videoPins).toBe(PINS / VIDEO_EVERY);
    expect(summary.firstDay).toBe('2026-05-18');
    expect(summary.lastDay).toBe('2026-06-14');
    const raw = await db()
      .selectFrom('analytics_events')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('owner_id', '=', first.user.id)
      .executeTakeFirstOrThrow();
    expect(Number(raw.n)).toBe(summary.events);
    const sums = await sql<{
      impression: string;
      save: string;
      pin_click: string;
      watch: string;
      visits: string;
    }>`
      select sum(impression) as impression, sum(save) as save, sum(pin_click) as pin_click,
             sum(video_watch_time_ms) as watch, sum(profile_visit) as visits
      from analytics_account_daily where user_id = ${first.user.id}`.execute(db());
    const row = sums.rows[0]!;
    expect(Number(row.impression)).toBe(summary.totals.IMPRESSION);
    expect(Number(row.save)).toBe(summary.totals.SAVE);
    expect(Number(row.pin_click)).toBe(summary.totals.PIN_CLICK);
    expect(Number(row.watch)).toBe(summary.watchTimeMs);
    expect(Number(row.visits)).toBe(summary.totals.PROFILE_VISIT);
    const days = await sql<{ first: string; last: string }>`
      select min(day) as first, max(day) as last from analytics_account_daily where user_id = ${first.user.id}`.execute(
      db(),
    );
    expect(days.rows[0]).toEqual({ first: '2026-05-18', last: '2026-06-14' });
  });

  it('gives the same seed the same history, and another seed another', async () => {
    const twin = await accountWithPins();
    const again = await simulate(twin, 42);
    expect(again.totals).toEqual(summary.totals);
    expect(again.watchTimeMs).toBe(summary.watchTimeMs);
    // Run again on the first account: its pins were moved back the same way, so the same events.
    expect((await simulate(first, 42)).totals).toEqual(summary.totals);
    const other = await accountWithPins();
    expect((await simulate(other, 43)).totals.IMPRESSION).not.toBe(summary.totals.IMPRESSION);
  }, 120_000); // three simulations: slow on PostgreSQL on a busy machine

  it('has a weekly rhythm: weekdays busier than weekends', () => {
    const ratio = summary.weekdayImpressions / summary.weekendImpressions;
    expect(ratio).toBeGreaterThan(1.2);
    expect(ratio).toBeLessThan(1.8);
  });

  it('has a daily rhythm: evenings (UTC) busier than the small hours', async () => {
    const rows = await db()
      .selectFrom('analytics_events')
      .select('occurred_at')
      .where('owner_id', '=', first.user.id)
      .where('event_type', '=', 'IMPRESSION')
      .execute();
    const hourOf = (iso: string) => Number(iso.slice(11, 13));
    const evening = rows.filter((r) => [18, 19, 20, 21].includes(hourOf(r.occurred_at))).length;
    const night = rows.filter((r) => [6, 7, 8, 9].includes(hourOf(r.occurred_at))).length;
    expect(evening / night).toBeGreaterThan(2);
  });

  it('keeps saves and clicks plausible fractions of impressions', () => {
    expect(summary.saveRate).toBeGreaterThan(0.008);
    expect(summary.saveRate).toBeLessThan(0.025);
    expect(summary.pinClickRate).toBeGreaterThan(0.015);
    expect(summary.pinClickRate).toBeLessThan(0.035);
    expect(summary.totals.OUTBOUND_CLICK).toBeLessThan(summary.totals.PIN_CLICK);
    expect(summary.totals.OUTBOUND_CLICK).toBeGreaterThan(0);
  });

  it('has a long tail: the top tenth of pins holds most impressions', async () => {
    expect(summary.topTenthShare).toBeGreaterThan(0.5);
    const perPin = await sql<{ n: string }>`
      select sum(impression) as n from analytics_account_pin_daily
      where user_id = ${first.user.id} group by pin_id order by sum(impression) desc`.execute(db());
    const counts = perPin.rows.map((r) => Number(r.n));
    const top = counts.slice(0, PINS / 10).reduce((a, b) => a + b, 0);
    expect(top / counts.reduce((a, b) => a + b, 0)).toBeGreaterThan(0.5);
  });

  it('makes video events for video pins only, with watch times', async () => {
    const rows = await sql<{ format: string; starts: string; watch: string; impression: string }>`
      select pin_format as format, sum(video_start) as starts, sum(video_watch_time_ms) as watch,
             sum(impression) as impression
      from analytics_account_pin_daily where user_id = ${first.user.id} group by pin_format order by pin_format`.execute(
      db(),
    );
    const byFormat = Object.fromEntries(rows.rows.map((r) => [r.format, r]));
    expect(Number(byFormat.ORGANIC_IMAGE!.starts)).toBe(0);
    expect(Number(byFormat.ORGANIC_IMAGE!.watch)).toBe(0);
    expect(Number(byFormat.ORGANIC_VIDEO!.starts)).toBeGreaterThan(0);
    expect(Number(byFormat.ORGANIC_VIDEO!.watch)).toBeGreaterThan(
      Number(byFormat.ORGANIC_VIDEO!.starts) * 500,
    );
  });

  it('mixes app types, mobile first', async () => {
    const rows = await sql<{ app: string; n: string }>`
      select app_type as app, sum(impression) as n from analytics_account_daily
      where user_id = ${first.user.id} group by app_type`.execute(db());
    const share = Object.fromEntries(rows.rows.map((r) => [r.app, Number(r.n) / summary.totals.IMPRESSION]));
    expect(share.MOBILE).toBeGreaterThan(0.5);
    expect(share.WEB).toBeGreaterThan(0.2);
    expect(share.TABLET).toBeGreaterThan(0.05);
  });

  it('never records activity before a pin or the account existed', async () => {
    const early = await sql<{ n: string }>`
      select count(*) as n from analytics_events e join pins p on p.id = e.pin_id
      where e.owner_id = ${first.user.id} and e.occurred_at < p.created_at`.execute(db());
    expect(Number(early.rows[0]!.n)).toBe(0);
    const account = await db()
      .selectFrom('users')
      .select('created_at')
      .where('id', '=', first.user.id)
      .executeTakeFirstOrThrow();
    expect(account.created_at < '2026-05-18').toBe(true);
    // Some pins start inside the window, so their first days are empty.
    const starts = await sql<{ first: string }>`
      select min(day) as first from analytics_account_pin_daily where user_id = ${first.user.id} group by pin_id`.execute(
      db(),
    );
    expect(starts.rows.some((r) => r.first > '2026-05-18')).toBe(true);
  });

  it('records profile visits and follows without a pin', async () => {
    const rows = await sql<{ visits: string; follows: string }>`
      select sum(profile_visit) as visits, sum(user_follow) as follows from analytics_account_daily
      where user_id = ${first.user.id} and pin_format = ''`.execute(db());
    expect(Number(rows.rows[0]!.visits)).toBeGreaterThan(0);
    expect(Number(rows.rows[0]!.follows)).toBeGreaterThan(0);
  });
});

describe('the seeded random generator', () => {
  it('repeats for a seed and stays in [0, 1)', () => {
    const a = new SeededRandom(5);
    const b = new SeededRandom(5);
    const xs = Array.from({ length: 1000 }, () => a.next());
    expect(Array.from({ length: 1000 }, () => b.next())).toEqual(xs);
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
    expect(new SeededRandom(6).next()).not.toBe(xs[0]);
  });

  it('draws Poisson and binomial counts with the right means', () => {
    const r = new SeededRandom(9);
    const mean = (draw: () => number) => Array.from({ length: 4000 }, draw).reduce((s, x) => s + x, 0) / 4000;
    expect(mean(() => r.poisson(4))).toBeCloseTo(4, 0);
    expect(mean(() => r.poisson(200))).toBeGreaterThan(195);
    expect(mean(() => r.binomial(20, 0.25))).toBeCloseTo(5, 0);
    expect(mean(() => r.binomial(1000, 0.02))).toBeCloseTo(20, 0);
  });
});

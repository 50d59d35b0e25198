import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { METRIC_COLUMNS } from '../../src/db/migrations/0003_analytics.js';
import type { AnalyticsEventInput } from '../../src/modules/analytics/events.js';
import { candidateClaimKeys, pinFormatOf } from '../../src/modules/analytics/dimensions.js';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { viewerOf, type TestUser } from '../helpers/factories.js';

let t: TestApp;

beforeAll(async () => {
  t = await buildTestApp();
});
afterAll(async () => {
  await t?.close();
});

const db = () => t.app.ctx.database.db;
const ingest = () => t.app.ctx.analyticsIngest;

async function claim(user: TestUser, website: string): Promise<void> {
  await db()
    .insertInto('websites')
    .values({
      id: t.app.ctx.ids.next(),
      user_id: user.user.id,
      website,
      website_key: website,
      method: 'METATAG',
      verified_at: new Date().toISOString(),
    })
    .execute();
}

type Metrics = Partial<Record<(typeof METRIC_COLUMNS)[number], number>>;

/** Roll-up rows of one account, as plain objects with only the non-zero metrics. */
async function pinRows(userId: string) {
  const rows = await db()
    .selectFrom('analytics_account_pin_daily')
    .selectAll()
    .where('user_id', '=', userId)
    .execute();
  return rows
    .map((r) => ({
      pin: String(r.pin_id),
      day: r.day,
      app: r.app_type,
      source: r.source,
      claimed: Number(r.claimed),
      format: r.pin_format,
      metrics: nonZero(r),
    }))
    .sort((a, b) => `${a.pin}${a.day}${a.app}`.localeCompare(`${b.pin}${b.day}${b.app}`));
}

async function accountRows(userId: string) {
  const rows = await db()
    .selectFrom('analytics_account_daily')
    .selectAll()
    .where('user_id', '=', userId)
    .execute();
  return rows
    .map((r) => ({
      day: r.day,
      app: r.app_type,
      source: r.source,
      claimed: Number(r.claimed),
      format: r.pin_format,
      metrics: nonZero(r),
    }))
    .sort((a, b) => `${a.day}${a.app}${a.format}`.localeCompare(`${b.day}${b.app}${b.format}`));
}

function nonZero(row: Record<string, unknown>): Metrics {
  const out: Metrics = {};
  for (const column of METRIC_COLUMNS) {
    const value = Number(row[column]);
    if (value !== 0) out[column] = value;
  }
  return out;
}

async function rawCount(pinId: string | null, ownerId?: string): Promise<number> {
  let query = db()
    .selectFrom('analytics_events')
    .select((eb) => eb.fn.countAll<string>().as('n'));
  query =
    pinId === null
      ? query.where('pin_id', 'is', null).where('owner_id', '=', ownerId!)
      : query.where('pin_id', '=', pinId);
  return Number((await query.executeTakeFirstOrThrow()).n);
}

const at = (iso: string) => new Date(iso);
const event = (
  e: Partial<AnalyticsEventInput> & Pick<AnalyticsEventInput, 'type' | 'pinId'>,
): AnalyticsEventInput => ({
  viewerId: null,
  appType: 'WEB',
  occurredAt: at('2026-03-02T10:00:00Z'),
  ...e,
});

describe('analytics ingestion', () => {
  it("adds every event to the owner's pin and account roll-ups by UTC day and app type, summed", async () => {
    const owner = await t.factories.user({ accountType: 'BUSINESS' });
    const viewer = await t.factories.user();
    const pin = await t.factories.pin({ owner, link: null });
    const events: AnalyticsEventInput[] = [
      event({ type: 'IMPRESSION', pinId: pin.id, occurredAt: at('2026-03-01T00:00:00Z') }),
      event({ type: 'IMPRESSION', pinId: pin.id, occurredAt: at('2026-03-01T23:59:59.999Z') }),
      event({
        type: 'IMPRESSION',
        pinId: pin.id,
        occurredAt: at('2026-03-01T12:00:00Z'),
        viewerId: viewer.user.id,
      }),
      event({ type: 'IMPRESSION', pinId: pin.id, occurredAt: at('2026-03-01T12:00:00Z'), appType: 'MOBILE' }),
      event({ type: 'PIN_CLICK', pinId: pin.id, occurredAt: at('2026-03-01T13:00:00Z'), appType: 'MOBILE' }),
      event({ type: 'IMPRESSION', pinId: pin.id, occurredAt: at('2026-03-02T00:00:00Z') }),
      event({
        type: 'SAVE',
        pinId: pin.id,
        occurredAt: at('2026-03-02T08:00:00Z'),
        appType: 'TABLET',
        viewerId: viewer.user.id,
      }),
      event({ type: 'OUTBOUND_CLICK', pinId: pin.id, occurredAt: at('2026-03-02T08:00:00Z') }),
      // A count type ignores `value`: every non-duration event counts one.
      event({ type: 'COMMENT', pinId: pin.id, occurredAt: at('2026-03-02T09:00:00Z'), value: 7 }),
      event({ type: 'REACTION', pinId: pin.id, occurredAt: at('2026-03-02T09:00:00Z') }),
    ];
    expect(await ingest().record(events)).toEqual({ accepted: 10, duplicates: 0, rejected: 0 });
    // A second batch adds to the same rows.
    expect(
      await ingest().record([
        event({ type: 'IMPRESSION', pinId: pin.id, occurredAt: at('2026-03-01T18:00:00Z') }),
      ]),
    ).toEqual({ accepted: 1, duplicates: 0, rejected: 0 });

    const mine = { pin: pin.id, source: 'YOUR_PINS', claimed: 0, format: 'ORGANIC_IMAGE' };
    expect(await pinRows(owner.user.id)).toEqual([
      { ...mine, day: '2026-03-01', app: 'MOBILE', metrics: { impression: 1, pin_click: 1 } },
      { ...mine, day: '2026-03-01', app: 'WEB', metrics: { impression: 4 } },
      { ...mine, day: '2026-03-02', app: 'TABLET', metrics: { save: 1 } },
      {
        ...mine,
        day: '2026-03-02',
        app: 'WEB',
        metrics: { impression: 1, outbound_click: 1, comment: 1, reaction: 1 },
      },
    ]);
    const { pin: _pin, ...account } = mine;
    expect(await accountRows(owner.user.id)).toEqual([
      { ...account, day: '2026-03-01', app: 'MOBILE', metrics: { impression: 1, pin_click: 1 } },
      { ...account, day: '2026-03-01', app: 'WEB', metrics: { impression: 4 } },
      { ...account, day: '2026-03-02', app: 'TABLET', metrics: { save: 1 } },
      {
        ...account,
        day: '2026-03-02',
        app: 'WEB',
        metrics: { impression: 1, outbound_click: 1, comment: 1, reaction: 1 },
      },
    ]);
    expect(await rawCount(pin.id)).toBe(11);
    // The viewer gets nothing: activity is counted for the pin's owner.
    expect(await pinRows(viewer.user.id)).toEqual([]);
  });

  it('gives the owner claimed YOUR_PINS rows and every other claimant OTHER_PINS rows', async () => {
    const owner = await t.factories.user({ accountType: 'BUSINESS' });
    const shop = await t.factories.user({ accountType: 'BUSINESS' }); // claims the whole domain
    const store = await t.factories.user({ accountType: 'BUSINESS' }); // claims a path that covers the link
    const elsewhere = await t.factories.user({ accountType: 'BUSINESS' }); // claims another path
    const other = await t.factories.user({ accountType: 'BUSINESS' }); // claims another domain
    await claim(owner, 'claimed-a.test');
    await claim(shop, 'claimed-a.test');
    await claim(store, 'www.claimed-a.test/store');
    await claim(elsewhere, 'www.claimed-a.test/blog');
    await claim(other, 'claimed-b.test');
    const pin = await t.factories.pin({ owner, link: 'https://www.claimed-a.test/store/item?id=3' });

    const result = await ingest().record([
      event({ type: 'IMPRESSION', pinId: pin.id }),
      event({ type: 'IMPRESSION', pinId: pin.id }),
      event({ type: 'SAVE', pinId: pin.id, appType: 'MOBILE' }),
    ]);
    expect(result).toEqual({ accepted: 3, duplicates: 0, rejected: 0 });

    const rows = (source: string, claimed: number) => [
      {
        pin: pin.id,
        day: '2026-03-02',
        app: 'MOBILE',
        source,
        claimed,
        format: 'ORGANIC_IMAGE',
        metrics: { save: 1 },
      },
      {
        pin: pin.id,
        day: '2026-03-02',
        app: 'WEB',
        source,
        claimed,
        format: 'ORGANIC_IMAGE',
        metrics: { impression: 2 },
      },
    ];
    expect(await pinRows(owner.user.id)).toEqual(rows('YOUR_PINS', 1));
    expect(await pinRows(shop.user.id)).toEqual(rows('OTHER_PINS', 1));
    expect(await pinRows(store.user.id)).toEqual(rows('OTHER_PINS', 1));
    expect(await pinRows(elsewhere.user.id)).toEqual([]);
    expect(await pinRows(other.user.id)).toEqual([]);
    expect(await accountRows(shop.user.id)).toEqual(rows('OTHER_PINS', 1).map(({ pin: _p, ...r }) => r));
    // One raw row per event, however many accounts it is counted for.
    expect(await rawCount(pin.id)).toBe(3);
  });

  it('counts the owner unclaimed when only others claimed the link', async () => {
    const owner = await t.factories.user();
    const claimant = await t.factories.user({ accountType: 'BUSINESS' });
    await claim(claimant, 'claimed-c.test');
    const pin = await t.factories.pin({ owner, link: 'http://claimed-c.test/' });
    await ingest().record([event({ type: 'PIN_CLICK', pinId: pin.id })]);
    expect((await pinRows(owner.user.id)).map((r) => [r.source, r.claimed])).toEqual([['YOUR_PINS', 0]]);
    expect((await pinRows(claimant.user.id)).map((r) => [r.source, r.claimed])).toEqual([['OTHER_PINS', 1]]);
  });

  it('counts activity on a saved pin for the saver, as YOUR_PINS', async () => {
    const creator = await t.factories.user({ accountType: 'BUSINESS' });
    const saver = await t.factories.user({ accountType: 'BUSINESS' });
    const original = await t.factories.pin({ owner: creator });
    const board = await t.factories.board({ owner: saver });
    const saved = await t.app.ctx.pins.save(viewerOf(saver), original.id, { boardId: board.id });
    await ingest().record([
      event({ type: 'IMPRESSION', pinId: saved.id }),
      event({ type: 'IMPRESSION', pinId: saved.id }),
      event({ type: 'IMPRESSION', pinId: original.id }),
    ]);
    expect(await pinRows(saver.user.id)).toEqual([
      {
        pin: saved.id,
        day: '2026-03-02',
        app: 'WEB',
        source: 'YOUR_PINS',
        claimed: 0,
        format: 'ORGANIC_IMAGE',
        metrics: { impression: 2 },
      },
    ]);
    expect(await pinRows(creator.user.id)).toEqual([
      {
        pin: original.id,
        day: '2026-03-02',
        app: 'WEB',
        source: 'YOUR_PINS',
        claimed: 0,
        format: 'ORGANIC_IMAGE',
        metrics: { impression: 1 },
      },
    ]);
  });

  it('adds watch time in milliseconds and files video pins as ORGANIC_VIDEO', async () => {
    const owner = await t.factories.user({ accountType: 'BUSINESS' });
    const pin = await t.factories.pin({ owner });
    await db().updateTable('pins').set({ creative_type: 'VIDEO' }).where('id', '=', pin.id).execute();
    const result = await ingest().record([
      event({ type: 'VIDEO_START', pinId: pin.id }),
      event({ type: 'VIDEO_START', pinId: pin.id }),
      event({ type: 'VIDEO_10S_VIEW', pinId: pin.id }),
      event({ type: 'VIDEO_MRC_VIEW', pinId: pin.id }),
      event({ type: 'VIDEO_Q95_VIEW', pinId: pin.id }),
      event({ type: 'VIDEO_WATCH_TIME', pinId: pin.id, value: 12_500 }),
      event({ type: 'VIDEO_WATCH_TIME', pinId: pin.id, value: 3_250 }),
      event({ type: 'VIDEO_V50_WATCH_TIME', pinId: pin.id, value: 4_000 }),
      // A watch time without a value, negative or fractional is rejected.
      event({ type: 'VIDEO_WATCH_TIME', pinId: pin.id }),
      event({ type: 'VIDEO_WATCH_TIME', pinId: pin.id, value: -5 }),
      event({ type: 'VIDEO_WATCH_TIME', pinId: pin.id, value: 1.5 }),
    ]);
    expect(result).toEqual({ accepted: 8, duplicates: 0, rejected: 3 });
    expect(await pinRows(owner.user.id)).toEqual([
      {
        pin: pin.id,
        day: '2026-03-02',
        app: 'WEB',
        source: 'YOUR_PINS',
        claimed: 0,
        format: 'ORGANIC_VIDEO',
        metrics: {
          video_start: 2,
          video_10s_view: 1,
          video_mrc_view: 1,
          video_q95_view: 1,
          video_watch_time_ms: 15_750,
          video_v50_watch_time_ms: 4_000,
        },
      },
    ]);
  });

  it('counts an event with the same dedupe key once, within a batch and across batches', async () => {
    const owner = await t.factories.user();
    const pin = await t.factories.pin({ owner });
    const key = `imp-${pin.id}`;
    expect(
      await ingest().record([
        event({ type: 'IMPRESSION', pinId: pin.id, dedupeKey: key }),
        event({ type: 'IMPRESSION', pinId: pin.id, dedupeKey: key }),
        event({ type: 'IMPRESSION', pinId: pin.id, dedupeKey: `${key}-2` }),
        event({ type: 'IMPRESSION', pinId: pin.id }),
      ]),
    ).toEqual({ accepted: 3, duplicates: 1, rejected: 0 });
    expect(
      await ingest().record([
        event({ type: 'IMPRESSION', pinId: pin.id, dedupeKey: key }),
        event({ type: 'IMPRESSION', pinId: pin.id, dedupeKey: `${key}-3` }),
      ]),
    ).toEqual({ accepted: 1, duplicates: 1, rejected: 0 });
    expect((await pinRows(owner.user.id)).map((r) => r.metrics)).toEqual([{ impression: 4 }]);
    expect(await rawCount(pin.id)).toBe(4);
  });

  it('drops events of unknown or deleted pins and malformed events as rejected, writing nothing for them', async () => {
    const owner = await t.factories.user();
    const pin = await t.factories.pin({ owner });
    const gone = await t.factories.pin({ owner });
    await t.app.ctx.pins.delete(viewerOf(owner), gone.id);
    const result = await ingest().record([
      event({ type: 'IMPRESSION', pinId: gone.id }),
      event({ type: 'IMPRESSION', pinId: '999999999999999' }),
      event({ type: 'IMPRESSION', pinId: 'not-an-id' }),
      event({ type: 'NOPE' as never, pinId: pin.id }),
      event({ type: 'IMPRESSION', pinId: pin.id, appType: 'DESKTOP' as never }),
      event({ type: 'IMPRESSION', pinId: pin.id, occurredAt: new Date('nope') }),
      event({ type: 'IMPRESSION', pinId: pin.id, dedupeKey: 'x'.repeat(121) }),
      // Only profile visits and follows may come without a pin, and they need an owner.
      event({ type: 'IMPRESSION', pinId: null, ownerId: owner.user.id }),
      event({ type: 'PROFILE_VISIT', pinId: null }),
      event({ type: 'IMPRESSION', pinId: pin.id }),
    ]);
    expect(result).toEqual({ accepted: 1, duplicates: 0, rejected: 9 });
    expect(await rawCount(gone.id)).toBe(0);
    expect((await pinRows(owner.user.id)).map((r) => r.metrics)).toEqual([{ impression: 1 }]);
  });

  it('files profile visits and follows without a pin on the account roll-up only, with no pin format', async () => {
    const owner = await t.factories.user({ accountType: 'BUSINESS' });
    const fan = await t.factories.user();
    const pin = await t.factories.pin({ owner });
    const result = await ingest().record([
      event({ type: 'PROFILE_VISIT', pinId: null, ownerId: owner.user.id, viewerId: fan.user.id }),
      event({ type: 'PROFILE_VISIT', pinId: null, ownerId: owner.user.id, appType: 'MOBILE' }),
      event({ type: 'USER_FOLLOW', pinId: null, ownerId: owner.user.id, viewerId: fan.user.id }),
      // From a pin's close-up: counted on the pin too.
      event({ type: 'PROFILE_VISIT', pinId: pin.id }),
      event({ type: 'PROFILE_VISIT', pinId: null, ownerId: '999999999999999' }),
    ]);
    expect(result).toEqual({ accepted: 4, duplicates: 0, rejected: 1 });
    expect(await accountRows(owner.user.id)).toEqual([
      {
        day: '2026-03-02',
        app: 'MOBILE',
        source: 'YOUR_PINS',
        claimed: 0,
        format: '',
        metrics: { profile_visit: 1 },
      },
      {
        day: '2026-03-02',
        app: 'WEB',
        source: 'YOUR_PINS',
        claimed: 0,
        format: '',
        metrics: { profile_visit: 1, user_follow: 1 },
      },
      {
        day: '2026-03-02',
        app: 'WEB',
        source: 'YOUR_PINS',
        claimed: 0,
        format: 'ORGANIC_IMAGE',
        metrics: { profile_visit: 1 },
      },
    ]);
    expect(await pinRows(owner.user.id)).toEqual([
      {
        pin: pin.id,
        day: '2026-03-02',
        app: 'WEB',
        source: 'YOUR_PINS',
        claimed: 0,
        format: 'ORGANIC_IMAGE',
        metrics: { profile_visit: 1 },
      },
    ]);
    expect(await rawCount(null, owner.user.id)).toBe(3);
  });

  it('buffers enqueued events until flush, then counts them', async () => {
    const owner = await t.factories.user();
    const pin = await t.factories.pin({ owner });
    ingest().enqueue([event({ type: 'IMPRESSION', pinId: pin.id }), event({ type: 'SAVE', pinId: pin.id })]);
    ingest().enqueue([event({ type: 'IMPRESSION', pinId: pin.id, dedupeKey: `q-${pin.id}` })]);
    ingest().enqueue([event({ type: 'IMPRESSION', pinId: pin.id, dedupeKey: `q-${pin.id}` })]);
    expect(await rawCount(pin.id)).toBe(0);
    await ingest().flush();
    expect(ingest().pending).toBe(0);
    expect((await pinRows(owner.user.id)).map((r) => r.metrics)).toEqual([{ impression: 2, save: 1 }]);
  });

  it('keeps the account roll-up equal to the sum of its pin rows over a large batch', async () => {
    const owner = await t.factories.user({ accountType: 'BUSINESS' });
    const pins = await Promise.all([0, 1, 2].map(() => t.factories.pin({ owner })));
    const events: AnalyticsEventInput[] = [];
    const apps = ['WEB', 'MOBILE', 'TABLET'] as const;
    for (let i = 0; i < 3000; i += 1) {
      events.push(
        event({
          type: i % 10 === 0 ? 'SAVE' : 'IMPRESSION',
          pinId: pins[i % 3]!.id,
          appType: apps[Math.floor(i / 3) % 3]!,
          occurredAt: new Date(Date.UTC(2026, 2, 1 + (i % 7), 12)),
        }),
      );
    }
    expect(await ingest().record(events)).toEqual({ accepted: 3000, duplicates: 0, rejected: 0 });
    const sums = await sql<{ impression: string; save: string; n: string }>`
      select sum(impression) as impression, sum(save) as save, count(*) as n
      from analytics_account_pin_daily where user_id = ${owner.user.id}`.execute(db());
    const account = await sql<{ impression: string; save: string; n: string }>`
      select sum(impression) as impression, sum(save) as save, count(*) as n
      from analytics_account_daily where user_id = ${owner.user.id}`.execute(db());
    expect(Number(sums.rows[0]!.impression)).toBe(2700);
    expect(Number(sums.rows[0]!.save)).toBe(300);
    // 3 pins × 7 days × 3 app types, every combination present.
    expect(Number(sums.rows[0]!.n)).toBe(63);
    expect(Number(account.rows[0]!.impression)).toBe(2700);
    expect(Number(account.rows[0]!.save)).toBe(300);
    expect(Number(account.rows[0]!.n)).toBe(21);
  });
});

describe('analytics dimensions', () => {
  it('maps creative types to pin formats', () => {
    expect(pinFormatOf('REGULAR')).toBe('ORGANIC_IMAGE');
    expect(pinFormatOf('CAROUSEL')).toBe('ORGANIC_IMAGE');
    expect(pinFormatOf('VIDEO')).toBe('ORGANIC_VIDEO');
    expect(pinFormatOf('SHOPPING')).toBe('ORGANIC_PRODUCT');
  });

  it('lists every website key that could claim a link', () => {
    expect(candidateClaimKeys('https://Www.Shop.test/store/item?x=1')).toEqual([
      'www.shop.test',
      'www.shop.test/store',
      'www.shop.test/store/item',
      'shop.test',
      'test',
    ]);
    expect(candidateClaimKeys('ftp://shop.test/x')).toEqual([]);
    expect(candidateClaimKeys('not a url')).toEqual([]);
  });
});

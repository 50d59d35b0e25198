import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { bareTopPinsQuery, runBareQuery } from '../../src/modules/analytics/query-repo.js';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { viewerOf, type TestUser } from '../helpers/factories.js';
import { expectSpecResponse, specScopes } from '../helpers/spec.js';
import { backdatePin, claim, day, events, record } from './reads-support.js';

/**
 * A business account's pins with known events between 5 and 1 days ago (all WEB unless said):
 *
 *   P1 image, created 40 days ago   30 impressions, 1 save, 2 pin clicks          engagement 3
 *   P2 image                        20 impressions, 5 saves (MOBILE)              engagement 5
 *   P3 image                        20 impressions, 2 saves, 3 outbound clicks    engagement 5
 *                                   (+500 impressions 30 days ago: outside the range)
 *   V1 video                        10 impressions, 4 starts, 8000 ms watched, 1 MRC view
 *   V2 video                         5 impressions, 1 start, 3000 ms watched, 3 MRC views
 *   SECRET image on a secret board  50 impressions
 *   GONE image, deleted after      999 impressions
 *   S  a stranger's pin linking to the account's claimed site (OTHER_PINS): 100 impressions, 1 save
 *
 * Pins were created in that order, so their ids ascend in that order (ties sort by pin id).
 */
describe('user_account/analytics/top_pins and top_video_pins', () => {
  let t: TestApp;
  let owner: TestUser;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    t = await buildTestApp();
    owner = await t.factories.user({ accountType: 'BUSINESS' });
    const stranger = await t.factories.user({ accountType: 'BUSINESS' });
    await claim(t, owner, 'owner.example');
    const secretBoard = await t.factories.board({ owner, privacy: 'SECRET' });
    for (const name of ['P1', 'P2', 'P3', 'V1', 'V2', 'SECRET', 'GONE']) {
      ids[name] = (await t.factories.pin({ owner, ...(name === 'SECRET' ? { board: secretBoard } : {}) })).id;
    }
    ids.S = (await t.factories.pin({ owner: stranger, link: 'https://owner.example/s' })).id;
    await backdatePin(t, ids.P1!, 40);
    await backdatePin(t, ids.V1!, 1, 'VIDEO');
    await backdatePin(t, ids.V2!, 1, 'VIDEO');
    const at = (name: string, dayOffset = -3, appType: 'WEB' | 'MOBILE' = 'WEB') => ({
      pinId: ids[name]!,
      dayOffset,
      appType,
    });
    await record(t, [
      ...events('IMPRESSION', 30, at('P1', -5)),
      ...events('SAVE', 1, at('P1', -5)),
      ...events('PIN_CLICK', 2, at('P1', -1)),
      ...events('IMPRESSION', 20, at('P2', -3, 'MOBILE')),
      ...events('SAVE', 5, at('P2', -3, 'MOBILE')),
      ...events('IMPRESSION', 20, at('P3')),
      ...events('SAVE', 2, at('P3')),
      ...events('OUTBOUND_CLICK', 3, at('P3')),
      ...events('IMPRESSION', 500, at('P3', -30)),
      ...events('IMPRESSION', 10, at('V1')),
      ...events('VIDEO_START', 4, at('V1')),
      ...events('VIDEO_WATCH_TIME', 1, { ...at('V1'), value: 8000 }),
      ...events('VIDEO_MRC_VIEW', 1, at('V1')),
      ...events('IMPRESSION', 5, at('V2')),
      ...events('VIDEO_START', 1, at('V2')),
      ...events('VIDEO_WATCH_TIME', 1, { ...at('V2'), value: 3000 }),
      ...events('VIDEO_MRC_VIEW', 3, at('V2')),
      ...events('IMPRESSION', 50, at('SECRET')),
      ...events('IMPRESSION', 999, at('GONE')),
      ...events('IMPRESSION', 100, at('S')),
      ...events('SAVE', 1, at('S')),
    ]);
    await t.app.ctx.pins.delete(viewerOf(owner), ids.GONE!);
  });
  afterEach(() => {
    expect(t.serverErrors).toEqual([]);
  });
  afterAll(async () => {
    await t.close();
  });

  const range = `start_date=${day(-5)}&end_date=${day(-1)}`;
  const nameOf = (pinId: string) => Object.entries(ids).find(([, id]) => id === pinId)![0];

  async function top(query: string, operation: 'top_pins' | 'top_video_pins' = 'top_pins', user = owner) {
    const res = await t.app.inject({
      method: 'GET',
      url: `/v5/user_account/analytics/${operation}?${range}&${query}`,
      headers: user.auth,
    });
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expectSpecResponse(`user_account/analytics/${operation}`, 200, body);
    return body as {
      sort_by: string;
      date_availability: { is_realtime: boolean; latest_available_timestamp: number };
      pins: Array<{ pin_id: string; metrics: Record<string, number>; data_status: Record<string, string> }>;
    };
  }

  const order = async (query: string, operation: 'top_pins' | 'top_video_pins' = 'top_pins') =>
    (await top(query, operation)).pins.map((p) => nameOf(p.pin_id));

  it('sorts by impressions, largest first, ties by pin id; deleted pins and days outside the range do not count', async () => {
    expect(await order('sort_by=IMPRESSION')).toEqual(['S', 'SECRET', 'P1', 'P2', 'P3', 'V1', 'V2']);
  });

  it('sorts by engagement (clicks, saves, comments, reactions) with ties by pin id', async () => {
    expect(await order('sort_by=ENGAGEMENT')).toEqual(['P2', 'P3', 'P1', 'S', 'V1', 'V2', 'SECRET']);
    expect(await order('sort_by=SAVE')).toEqual(['P2', 'P3', 'P1', 'S', 'V1', 'V2', 'SECRET']);
    expect(await order('sort_by=OUTBOUND_CLICK')).toEqual(['P3', 'P1', 'P2', 'V1', 'V2', 'SECRET', 'S']);
    expect(await order('sort_by=PIN_CLICK')).toEqual(['P1', 'P2', 'P3', 'V1', 'V2', 'SECRET', 'S']);
  });

  it('gives each pin every account metric by default, rates from its counts', async () => {
    const body = await top('sort_by=IMPRESSION');
    expect(body.sort_by).toBe('IMPRESSION');
    expect(body.date_availability.is_realtime).toBe(true);
    expect(body.date_availability.latest_available_timestamp).toBeGreaterThan(0);
    const p1 = body.pins.find((p) => p.pin_id === ids.P1)!;
    expect(p1.metrics).toEqual({
      ENGAGEMENT: 3,
      ENGAGEMENT_RATE: 3 / 30,
      IMPRESSION: 30,
      OUTBOUND_CLICK: 0,
      OUTBOUND_CLICK_RATE: 0,
      PIN_CLICK: 2,
      PIN_CLICK_RATE: 2 / 30,
      SAVE: 1,
      SAVE_RATE: 1 / 30,
    });
    expect(Object.values(p1.data_status).every((s) => s === 'READY')).toBe(true);
    expect(Object.keys(p1.data_status).sort()).toEqual(Object.keys(p1.metrics).sort());
  });

  it('returns only the metric types asked for', async () => {
    const body = await top('sort_by=SAVE&metric_types=SAVE,SAVE_RATE&num_of_pins=1');
    expect(body.pins).toEqual([
      {
        pin_id: ids.P2,
        metrics: { SAVE: 5, SAVE_RATE: 5 / 20 },
        data_status: { SAVE: 'READY', SAVE_RATE: 'READY' },
      },
    ]);
  });

  it('limits to num_of_pins (10 by default)', async () => {
    expect(await order('sort_by=IMPRESSION&num_of_pins=2')).toEqual(['S', 'SECRET']);
    expect((await top('sort_by=IMPRESSION')).pins).toHaveLength(7);
  });

  it('filters by source, app type, pin format, claimed content, content type and creation date', async () => {
    expect(await order('sort_by=IMPRESSION&source=YOUR_PINS')).toEqual([
      'SECRET',
      'P1',
      'P2',
      'P3',
      'V1',
      'V2',
    ]);
    expect(await order('sort_by=IMPRESSION&source=OTHER_PINS')).toEqual(['S']);
    expect(await order('sort_by=IMPRESSION&from_claimed_content=CLAIMED')).toEqual(['S']);
    expect(await order('sort_by=IMPRESSION&app_types=MOBILE')).toEqual(['P2']);
    expect(await order('sort_by=IMPRESSION&pin_format=ORGANIC_VIDEO')).toEqual(['V1', 'V2']);
    expect(await order('sort_by=IMPRESSION&pin_format=ADS_STANDARD')).toEqual([]);
    expect(await order('sort_by=IMPRESSION&content_type=PAID')).toEqual([]);
    expect(await order('sort_by=IMPRESSION&content_type=ORGANIC')).toHaveLength(7);
    expect(await order('sort_by=IMPRESSION&created_in_last_n_days=30')).toEqual([
      'S',
      'SECRET',
      'P2',
      'P3',
      'V1',
      'V2',
    ]);
  });

  it('leaves out secret pins without pins:read_secret', async () => {
    const headers = await t.factories.tokenWithout(owner.user.id, ['pins:read_secret']);
    const res = await t.app.inject({
      method: 'GET',
      url: `/v5/user_account/analytics/top_pins?${range}&sort_by=IMPRESSION`,
      headers,
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().pins.map((p: { pin_id: string }) => nameOf(p.pin_id))).toEqual([
      'S',
      'P1',
      'P2',
      'P3',
      'V1',
      'V2',
    ]);
  });

  it('top_video_pins ranks only video pins, with the video metric set', async () => {
    expect(await order('sort_by=VIDEO_AVG_WATCH_TIME', 'top_video_pins')).toEqual(['V2', 'V1']);
    expect(await order('sort_by=VIDEO_MRC_VIEW', 'top_video_pins')).toEqual(['V2', 'V1']);
    expect(await order('sort_by=VIDEO_START', 'top_video_pins')).toEqual(['V1', 'V2']);
    expect(await order('sort_by=IMPRESSION&pin_format=ORGANIC_IMAGE', 'top_video_pins')).toEqual([]);
    const body = await top('sort_by=IMPRESSION', 'top_video_pins');
    expect(body.sort_by).toBe('IMPRESSION');
    expect(body.pins[0]).toEqual({
      pin_id: ids.V1,
      metrics: {
        IMPRESSION: 10,
        SAVE: 0,
        VIDEO_MRC_VIEW: 1,
        VIDEO_AVG_WATCH_TIME: 8000 / 4,
        VIDEO_V50_WATCH_TIME: 0,
        QUARTILE_95_PERCENT_VIEW: 0,
        VIDEO_10S_VIEW: 0,
        VIDEO_START: 4,
        OUTBOUND_CLICK: 0,
      },
      data_status: expect.any(Object),
    });
    expect(body.pins[1]!.metrics.VIDEO_AVG_WATCH_TIME).toBe(3000);
  });

  it('refuses bad parameters with 400s naming them', async () => {
    const cases: Array<[string, string, 'top_pins' | 'top_video_pins']> = [
      ['', 'sort_by', 'top_pins'],
      ['sort_by=VIDEO_START', 'sort_by', 'top_pins'],
      ['sort_by=ENGAGEMENT', 'sort_by', 'top_video_pins'],
      ['sort_by=SAVE&num_of_pins=51', 'num_of_pins', 'top_pins'],
      ['sort_by=SAVE&num_of_pins=0', 'num_of_pins', 'top_pins'],
      ['sort_by=SAVE&created_in_last_n_days=7', 'created_in_last_n_days', 'top_pins'],
      ['sort_by=SAVE&metric_types=VIDEO_START', 'metric_types', 'top_pins'],
      ['sort_by=SAVE&metric_types=ENGAGEMENT', 'metric_types', 'top_video_pins'],
      ['sort_by=SAVE&source=THEIRS', 'source', 'top_pins'],
    ];
    for (const [query, field, operation] of cases) {
      const res = await t.app.inject({
        method: 'GET',
        url: `/v5/user_account/analytics/${operation}?${range}&${query}`,
        headers: owner.auth,
      });
      expect(res.statusCode, `${operation}?${query}`).toBe(400);
      expect(res.json().code).toBe(1);
      expect(res.json().message).toContain(field);
    }
    const badRange = await t.app.inject({
      method: 'GET',
      url: `/v5/user_account/analytics/top_pins?start_date=${day(-1)}&end_date=${day(-2)}&sort_by=SAVE`,
      headers: owner.auth,
    });
    expect(badRange.statusCode).toBe(400);
    expect(badRange.json().message).toContain('end_date');
  });

  it('refuses a pinner account and a token missing either scope', async () => {
    const pinner = await t.factories.user({ accountType: 'PINNER' });
    for (const operation of ['top_pins', 'top_video_pins']) {
      const url = `/v5/user_account/analytics/${operation}?${range}&sort_by=IMPRESSION`;
      const res = await t.app.inject({ method: 'GET', url, headers: pinner.auth });
      expect(res.statusCode).toBe(403);
      expect(res.json()).toMatchObject({
        code: 403,
        message: expect.stringContaining('Not authorized to access the user account analytics.'),
      });
      expectSpecResponse(`user_account/analytics/${operation}`, 403, res.json());
      expect(specScopes(`user_account/analytics/${operation}`).sort()).toEqual([
        'pins:read',
        'user_accounts:read',
      ]);
      for (const scope of ['pins:read', 'user_accounts:read']) {
        const headers = await t.factories.tokenWithout(owner.user.id, [scope]);
        const missing = await t.app.inject({ method: 'GET', url, headers });
        expect(missing.statusCode, `${operation} without ${scope}`).toBe(403);
        expect(missing.json().code).toBe(3);
      }
    }
  });

  it("the benchmark's bare SQL ranks the same sums, without the visibility join", async () => {
    const rows = (await runBareQuery(
      t.app.ctx.database,
      bareTopPinsQuery(owner.user.id, day(-5), day(-1), 50),
    )) as Array<Record<string, unknown>>;
    // The deleted pin's roll-up rows remain; only the endpoint's join to pins drops them.
    expect(rows.map((r) => nameOf(String(r.pin_id)))).toEqual([
      'GONE',
      'S',
      'SECRET',
      'P1',
      'P2',
      'P3',
      'V1',
      'V2',
    ]);
    expect(Number(rows[0]!.impression)).toBe(999);
  });
});

import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { bareAccountAnalyticsQuery, runBareQuery } from '../../src/modules/analytics/query-repo.js';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import type { TestUser } from '../helpers/factories.js';
import { expectSpecResponse, specScopes } from '../helpers/spec.js';
import {
  backdatePin,
  backdateUser,
  claim,
  day,
  events,
  metricsByDate,
  record,
  sumOver,
  type Daily,
} from './reads-support.js';

/**
 * A business account with three pins' worth of known events over three days (d0 = 5 days ago):
 *
 *   pin A (own, image, links to the claimed site → YOUR_PINS, claimed)
 *     d0 WEB    10 impressions, 2 pin clicks, 1 save, 1 outbound click
 *     d0 MOBILE  5 impressions, 1 save
 *     d1 WEB     4 impressions, 1 comment, 2 reactions
 *   pin B (own, video, links elsewhere → YOUR_PINS, not claimed)
 *     d1 TABLET  6 impressions, 3 outbound clicks, 2 video starts
 *     d2 MOBILE  5 impressions, 1 pin click
 *   pin C (another account's image pin linking to the claimed site → OTHER_PINS, claimed)
 *     d2 WEB    20 impressions, 4 saves
 *   3 profile visits on d0 (WEB), no pin.
 *
 * Totals: 50 impressions, 3 pin clicks, 4 outbound clicks, 6 saves, 1 comment, 2 reactions;
 * engagement = 3 + 4 + 6 + 1 + 2 = 16.
 */
describe('user_account/analytics', () => {
  let t: TestApp;
  let business: TestUser;
  const D0 = -5;
  const D1 = -4;
  const D2 = -3;

  beforeAll(async () => {
    t = await buildTestApp();
    business = await t.factories.user({ accountType: 'BUSINESS' });
    await backdateUser(t, business, 8);
    await claim(t, business, 'shop.example');
    const other = await t.factories.user({ accountType: 'BUSINESS' });
    const pinA = await t.factories.pin({ owner: business, link: 'https://shop.example/a' });
    const pinB = await t.factories.pin({ owner: business, link: 'https://elsewhere.example/b' });
    const pinC = await t.factories.pin({ owner: other, link: 'https://shop.example/c' });
    await backdatePin(t, pinA.id, 8);
    await backdatePin(t, pinB.id, 8, 'VIDEO');
    await backdatePin(t, pinC.id, 8);
    const a = (dayOffset: number, appType: 'WEB' | 'MOBILE' | 'TABLET') => ({
      pinId: pinA.id,
      dayOffset,
      appType,
    });
    const b = (dayOffset: number, appType: 'WEB' | 'MOBILE' | 'TABLET') => ({
      pinId: pinB.id,
      dayOffset,
      appType,
    });
    const c = (dayOffset: number, appType: 'WEB' | 'MOBILE' | 'TABLET') => ({
      pinId: pinC.id,
      dayOffset,
      appType,
    });
    await record(t, [
      ...events('IMPRESSION', 10, a(D0, 'WEB')),
      ...events('PIN_CLICK', 2, a(D0, 'WEB')),
      ...events('SAVE', 1, a(D0, 'WEB')),
      ...events('OUTBOUND_CLICK', 1, a(D0, 'WEB')),
      ...events('IMPRESSION', 5, a(D0, 'MOBILE')),
      ...events('SAVE', 1, a(D0, 'MOBILE')),
      ...events('IMPRESSION', 4, a(D1, 'WEB')),
      ...events('COMMENT', 1, a(D1, 'WEB')),
      ...events('REACTION', 2, a(D1, 'WEB')),
      ...events('IMPRESSION', 6, b(D1, 'TABLET')),
      ...events('OUTBOUND_CLICK', 3, b(D1, 'TABLET')),
      ...events('VIDEO_START', 2, b(D1, 'TABLET')),
      ...events('IMPRESSION', 5, b(D2, 'MOBILE')),
      ...events('PIN_CLICK', 1, b(D2, 'MOBILE')),
      ...events('IMPRESSION', 20, c(D2, 'WEB')),
      ...events('SAVE', 4, c(D2, 'WEB')),
      ...events('PROFILE_VISIT', 3, {
        pinId: null,
        ownerId: business.user.id,
        dayOffset: D0,
        appType: 'WEB',
      }),
    ]);
  });
  afterEach(() => {
    expect(t.serverErrors).toEqual([]);
  });
  afterAll(async () => {
    await t.close();
  });

  const range = `start_date=${day(D0)}&end_date=${day(D2)}`;

  async function analytics(query: string, user: TestUser = business) {
    const res = await t.app.inject({
      method: 'GET',
      url: `/v5/user_account/analytics?${query}`,
      headers: user.auth,
    });
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expectSpecResponse('user_account/analytics', 200, body);
    return body;
  }

  async function refused(query: string, user: TestUser = business) {
    const res = await t.app.inject({
      method: 'GET',
      url: `/v5/user_account/analytics?${query}`,
      headers: user.auth,
    });
    expect(res.statusCode, res.body).toBe(400);
    const body = res.json();
    expect(body.code).toBe(1);
    return body.message as string;
  }

  it('sums every metric over the range and computes rates from the counts', async () => {
    const body = await analytics(range);
    expect(Object.keys(body)).toEqual(['all']);
    expect(body.all.summary_metrics).toEqual({
      ENGAGEMENT: 16,
      ENGAGEMENT_RATE: 16 / 50,
      IMPRESSION: 50,
      OUTBOUND_CLICK: 4,
      OUTBOUND_CLICK_RATE: 4 / 50,
      PIN_CLICK: 3,
      PIN_CLICK_RATE: 3 / 50,
      SAVE: 6,
      SAVE_RATE: 6 / 50,
    });
  });

  it('gives each day its own metrics, oldest first, every day READY', async () => {
    const body = await analytics(`${range}&metric_types=IMPRESSION,ENGAGEMENT,ENGAGEMENT_RATE,SAVE_RATE`);
    const daily: Daily[] = body.all.daily_metrics;
    expect(daily.map((d) => d.date)).toEqual([day(D0), day(D1), day(D2)]);
    expect(daily.map((d) => d.data_status)).toEqual(['READY', 'READY', 'READY']);
    expect(metricsByDate(daily)).toEqual({
      [day(D0)]: { IMPRESSION: 15, ENGAGEMENT: 5, ENGAGEMENT_RATE: 5 / 15, SAVE_RATE: 2 / 15 },
      [day(D1)]: { IMPRESSION: 10, ENGAGEMENT: 6, ENGAGEMENT_RATE: 6 / 10, SAVE_RATE: 0 },
      [day(D2)]: { IMPRESSION: 25, ENGAGEMENT: 5, ENGAGEMENT_RATE: 5 / 25, SAVE_RATE: 4 / 25 },
    });
    expect(body.all.summary_metrics).toEqual({
      IMPRESSION: 50,
      ENGAGEMENT: 16,
      ENGAGEMENT_RATE: 16 / 50,
      SAVE_RATE: 6 / 50,
    });
  });

  it('marks days before the account existed and days after today, with zero metrics', async () => {
    const body = await analytics(
      `start_date=${day(-10)}&end_date=${day(2)}&metric_types=IMPRESSION,SAVE_RATE`,
    );
    const daily: Daily[] = body.all.daily_metrics;
    expect(daily).toHaveLength(13);
    const status = Object.fromEntries(daily.map((d) => [d.date, d.data_status]));
    expect(status[day(-10)]).toBe('BEFORE_BUSINESS_CREATED');
    expect(status[day(-9)]).toBe('BEFORE_BUSINESS_CREATED');
    expect(status[day(-8)]).toBe('READY');
    expect(status[day(0)]).toBe('READY');
    expect(status[day(1)]).toBe('PROCESSING');
    expect(status[day(2)]).toBe('PROCESSING');
    expect(daily[0]!.metrics).toEqual({ IMPRESSION: 0, SAVE_RATE: 0 });
    expect(body.all.summary_metrics).toEqual({ IMPRESSION: 50, SAVE_RATE: 6 / 50 });
  });

  it('splits by app type, source, owned content and pin format; each split sums to the total', async () => {
    const metrics = 'metric_types=IMPRESSION,PIN_CLICK,OUTBOUND_CLICK,SAVE,ENGAGEMENT';
    const byApp = await analytics(`${range}&${metrics}&split_field=APP_TYPE`);
    expect(Object.keys(byApp).sort()).toEqual(['MOBILE', 'TABLET', 'WEB']);
    expect(byApp.WEB.summary_metrics).toEqual({
      IMPRESSION: 34,
      PIN_CLICK: 2,
      OUTBOUND_CLICK: 1,
      SAVE: 5,
      ENGAGEMENT: 11,
    });
    expect(byApp.MOBILE.summary_metrics).toEqual({
      IMPRESSION: 10,
      PIN_CLICK: 1,
      OUTBOUND_CLICK: 0,
      SAVE: 1,
      ENGAGEMENT: 2,
    });
    expect(byApp.TABLET.summary_metrics).toEqual({
      IMPRESSION: 6,
      PIN_CLICK: 0,
      OUTBOUND_CLICK: 3,
      SAVE: 0,
      ENGAGEMENT: 3,
    });
    expect(metricsByDate(byApp.TABLET.daily_metrics)[day(D1)]).toEqual({
      IMPRESSION: 6,
      PIN_CLICK: 0,
      OUTBOUND_CLICK: 3,
      SAVE: 0,
      ENGAGEMENT: 3,
    });

    const bySource = await analytics(`${range}&${metrics}&split_field=SOURCE`);
    expect(Object.keys(bySource).sort()).toEqual(['OTHER_PINS', 'YOUR_PINS']);
    expect(bySource.YOUR_PINS.summary_metrics).toEqual({
      IMPRESSION: 30,
      PIN_CLICK: 3,
      OUTBOUND_CLICK: 4,
      SAVE: 2,
      ENGAGEMENT: 12,
    });
    expect(bySource.OTHER_PINS.summary_metrics).toEqual({
      IMPRESSION: 20,
      PIN_CLICK: 0,
      OUTBOUND_CLICK: 0,
      SAVE: 4,
      ENGAGEMENT: 4,
    });

    const byOwned = await analytics(`${range}&${metrics}&split_field=OWNED_CONTENT`);
    expect(Object.keys(byOwned).sort()).toEqual(['CLAIMED', 'OTHER']);
    expect(byOwned.CLAIMED.summary_metrics).toEqual({
      IMPRESSION: 39,
      PIN_CLICK: 2,
      OUTBOUND_CLICK: 1,
      SAVE: 6,
      ENGAGEMENT: 12,
    });
    expect(byOwned.OTHER.summary_metrics).toEqual({
      IMPRESSION: 11,
      PIN_CLICK: 1,
      OUTBOUND_CLICK: 3,
      SAVE: 0,
      ENGAGEMENT: 4,
    });

    const byFormat = await analytics(`${range}&${metrics}&split_field=PIN_FORMAT`);
    expect(Object.keys(byFormat).sort()).toEqual(['ORGANIC_IMAGE', 'ORGANIC_PRODUCT', 'ORGANIC_VIDEO']);
    expect(byFormat.ORGANIC_IMAGE.summary_metrics.IMPRESSION).toBe(39);
    expect(byFormat.ORGANIC_VIDEO.summary_metrics).toEqual({
      IMPRESSION: 11,
      PIN_CLICK: 1,
      OUTBOUND_CLICK: 3,
      SAVE: 0,
      ENGAGEMENT: 4,
    });
    expect(byFormat.ORGANIC_PRODUCT.summary_metrics.IMPRESSION).toBe(0);

    for (const split of [byApp, bySource, byOwned, byFormat]) {
      const groups = Object.values(split) as Array<{
        summary_metrics: Record<string, number>;
        daily_metrics: Daily[];
      }>;
      for (const metric of ['IMPRESSION', 'PIN_CLICK', 'OUTBOUND_CLICK', 'SAVE', 'ENGAGEMENT']) {
        expect(sumOver(groups, metric), metric).toBe(
          { IMPRESSION: 50, PIN_CLICK: 3, OUTBOUND_CLICK: 4, SAVE: 6, ENGAGEMENT: 16 }[metric],
        );
      }
      const d1Impressions = groups.reduce(
        (n, g) => n + metricsByDate(g.daily_metrics)[day(D1)]!.IMPRESSION!,
        0,
      );
      expect(d1Impressions).toBe(10);
    }
  });

  it('filters by source, claimed content, pin format, app type and content type', async () => {
    const impressions = async (filter: string) =>
      (await analytics(`${range}&metric_types=IMPRESSION&${filter}`)).all.summary_metrics.IMPRESSION;
    expect(await impressions('source=ALL')).toBe(50);
    expect(await impressions('source=YOUR_PINS')).toBe(30);
    expect(await impressions('source=OTHER_PINS')).toBe(20);
    expect(await impressions('from_claimed_content=BOTH')).toBe(50);
    expect(await impressions('from_claimed_content=CLAIMED')).toBe(39);
    expect(await impressions('from_claimed_content=OTHER')).toBe(11);
    expect(await impressions('pin_format=ORGANIC_IMAGE')).toBe(39);
    expect(await impressions('pin_format=ORGANIC_VIDEO')).toBe(11);
    expect(await impressions('pin_format=ORGANIC_PRODUCT')).toBe(0);
    expect(await impressions('pin_format=ADS_STANDARD')).toBe(0);
    expect(await impressions('app_types=WEB')).toBe(34);
    expect(await impressions('app_types=MOBILE')).toBe(10);
    expect(await impressions('app_types=TABLET')).toBe(6);
    expect(await impressions('content_type=ORGANIC')).toBe(50);
    expect(await impressions('content_type=PAID')).toBe(0);
    expect(await impressions('source=YOUR_PINS&from_claimed_content=CLAIMED&app_types=WEB')).toBe(14);
  });

  it('keeps only the split values a filter leaves', async () => {
    const body = await analytics(`${range}&metric_types=IMPRESSION&split_field=APP_TYPE&app_types=MOBILE`);
    expect(Object.keys(body)).toEqual(['MOBILE']);
    expect(body.MOBILE.summary_metrics).toEqual({ IMPRESSION: 10 });
    const bySource = await analytics(`${range}&metric_types=IMPRESSION&split_field=SOURCE&source=OTHER_PINS`);
    expect(Object.keys(bySource)).toEqual(['OTHER_PINS']);
    expect(bySource.OTHER_PINS.summary_metrics).toEqual({ IMPRESSION: 20 });
  });

  it('takes metric_types comma-separated or repeated, each once', async () => {
    const csv = await analytics(`${range}&metric_types=SAVE,IMPRESSION`);
    const repeated = await analytics(`${range}&metric_types=SAVE&metric_types=IMPRESSION&metric_types=SAVE`);
    expect(csv.all.summary_metrics).toEqual({ SAVE: 6, IMPRESSION: 50 });
    expect(repeated).toEqual(csv);
  });

  it('refuses each broken date rule with a 400 naming it', async () => {
    expect(await refused(`start_date=${day(-91)}&end_date=${day(-80)}`)).toMatch(/start_date.*90 days back/);
    expect(await refused(`start_date=${day(-3)}&end_date=${day(-4)}`)).toMatch(/end_date.*before start_date/);
    expect(await refused(`start_date=${day(-10)}&end_date=${day(81)}`)).toMatch(
      /end_date.*90 days past start_date/,
    );
    expect(await refused(`start_date=2026-02-30&end_date=${day(0)}`)).toMatch(/start_date/);
    expect(await refused(`start_date=yesterday&end_date=${day(0)}`)).toMatch(/start_date/);
    expect(await refused(`end_date=${day(0)}`)).toMatch(/start_date/);
    expect(await refused(`start_date=${day(0)}`)).toMatch(/end_date/);
    // The edges themselves are fine: 90 days back, 90 days long.
    await analytics(`start_date=${day(-90)}&end_date=${day(0)}&metric_types=IMPRESSION`);
  });

  it('refuses values outside every enum with a 400 naming the parameter', async () => {
    for (const [param, value] of [
      ['metric_types', 'VIDEO_START'],
      ['metric_types', 'IMPRESSION,NOPE'],
      ['split_field', 'DEVICE'],
      ['app_types', 'DESKTOP'],
      ['source', 'MINE'],
      ['from_claimed_content', 'YES'],
      ['pin_format', 'ORGANIC_GIF'],
      ['content_type', 'FREE'],
    ]) {
      expect(await refused(`${range}&${param}=${value}`), `${param}=${value}`).toContain(param);
    }
  });

  it('refuses a pinner account with the spec’s 403', async () => {
    const pinner = await t.factories.user({ accountType: 'PINNER' });
    const res = await t.app.inject({
      method: 'GET',
      url: `/v5/user_account/analytics?${range}`,
      headers: pinner.auth,
    });
    expect(res.statusCode).toBe(403);
    expect(res.json()).toMatchObject({
      code: 403,
      message: expect.stringContaining('Not authorized to access the user account analytics.'),
    });
    expectSpecResponse('user_account/analytics', 403, res.json());
  });

  it('needs the user_accounts:read scope and refuses ad_account_id', async () => {
    expect(specScopes('user_account/analytics')).toEqual(['user_accounts:read']);
    const without = await t.factories.tokenWithout(business.user.id, ['user_accounts:read']);
    const res = await t.app.inject({
      method: 'GET',
      url: `/v5/user_account/analytics?${range}`,
      headers: without,
    });
    expect(res.statusCode).toBe(403);
    expect(res.json().code).toBe(3);
    const ads = await t.app.inject({
      method: 'GET',
      url: `/v5/user_account/analytics?${range}&ad_account_id=123`,
      headers: business.auth,
    });
    expect(ads.statusCode).toBe(403);
    expect(ads.json().code).toBe(29);
  });

  it('shows an account only its own numbers', async () => {
    const fresh = await t.factories.user({ accountType: 'BUSINESS' });
    const body = await analytics(`${range}&metric_types=IMPRESSION`, fresh);
    expect(body.all.summary_metrics).toEqual({ IMPRESSION: 0 });
  });

  it("the benchmark's bare SQL reads the same daily sums", async () => {
    const rows = (await runBareQuery(
      t.app.ctx.database,
      bareAccountAnalyticsQuery(business.user.id, day(D0), day(D2)),
    )) as Array<Record<string, unknown>>;
    const byDay = Object.fromEntries(rows.map((r) => [String(r.day), Number(r.impression)]));
    expect(byDay).toEqual({ [day(D0)]: 15, [day(D1)]: 10, [day(D2)]: 25 });
  });
});

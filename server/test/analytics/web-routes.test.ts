import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import type { TestUser } from '../helpers/factories.js';
import { backdatePin, backdateUser, day, events, record } from './reads-support.js';

/**
 * The analytics page's JSON under /api: the same query service as the /v5 operations, reached
 * with the cookie session. Known events (d0 = 4 days ago):
 *
 *   image pin I   d0 WEB 12 impressions, 2 saves; d1 MOBILE 8 impressions, 1 pin click
 *   video pin V   d1 TABLET 5 impressions, 3 video starts (9000 ms watched), 1 outbound click
 */
describe('the web analytics JSON', () => {
  let t: TestApp;
  let business: TestUser;
  let pinner: TestUser;
  const ids: Record<string, string> = {};
  const D0 = -4;
  const D1 = -3;

  /** A signed-in browser's GET (cookie session). */
  async function asBrowser(user: TestUser, url: string) {
    const { token } = await t.app.ctx.sessions.create(user.user.id, 'vitest');
    return t.app.inject({ method: 'GET', url, cookies: { cb_session: token } });
  }
  const asApi = (user: TestUser, url: string) => t.app.inject({ method: 'GET', url, headers: user.auth });

  beforeAll(async () => {
    t = await buildTestApp();
    business = await t.factories.user({ accountType: 'BUSINESS' });
    pinner = await t.factories.user();
    await backdateUser(t, business, 10);
    ids.I = (await t.factories.pin({ owner: business, title: 'Blue bowl' })).id;
    ids.V = (await t.factories.pin({ owner: business, title: 'Wheel video' })).id;
    await backdatePin(t, ids.I, 10);
    await backdatePin(t, ids.V, 10, 'VIDEO');
    const i = (dayOffset: number, appType: 'WEB' | 'MOBILE' | 'TABLET') => ({
      pinId: ids.I!,
      dayOffset,
      appType,
    });
    const v = { pinId: ids.V, dayOffset: D1, appType: 'TABLET' as const };
    await record(t, [
      ...events('IMPRESSION', 12, i(D0, 'WEB')),
      ...events('SAVE', 2, i(D0, 'WEB')),
      ...events('IMPRESSION', 8, i(D1, 'MOBILE')),
      ...events('PIN_CLICK', 1, i(D1, 'MOBILE')),
      ...events('IMPRESSION', 5, v),
      ...events('VIDEO_START', 3, v),
      ...events('VIDEO_WATCH_TIME', 3, { ...v, value: 3000 }),
      ...events('OUTBOUND_CLICK', 1, v),
    ]);
  });
  afterEach(() => {
    expect(t.serverErrors).toEqual([]);
  });
  afterAll(async () => {
    await t.close();
  });

  const range = () => `start_date=${day(D0 - 1)}&end_date=${day(0)}`;

  it('gives a signed-in business account the same numbers as user_account/analytics', async () => {
    for (const query of [range(), `${range()}&split_field=APP_TYPE&metric_types=IMPRESSION,SAVE_RATE`]) {
      const web = await asBrowser(business, `/api/analytics/account?${query}`);
      const v5 = await asApi(business, `/v5/user_account/analytics?${query}`);
      expect(web.statusCode, web.body).toBe(200);
      expect(v5.statusCode, v5.body).toBe(200);
      expect(web.json()).toEqual(v5.json());
    }
    const all = (await asBrowser(business, `/api/analytics/account?${range()}`)).json().all;
    expect(all.summary_metrics).toMatchObject({
      IMPRESSION: 25,
      SAVE: 2,
      PIN_CLICK: 1,
      OUTBOUND_CLICK: 1,
      ENGAGEMENT: 4,
      ENGAGEMENT_RATE: 4 / 25,
      SAVE_RATE: 2 / 25,
    });
    const byDay = Object.fromEntries(
      all.daily_metrics.map((d: { date: string; metrics: Record<string, number> }) => [
        d.date,
        d.metrics.IMPRESSION,
      ]),
    );
    expect(byDay).toMatchObject({ [day(D0)]: 12, [day(D1)]: 13, [day(0)]: 0 });
    const split = (
      await asBrowser(
        business,
        `/api/analytics/account?${range()}&split_field=APP_TYPE&metric_types=IMPRESSION`,
      )
    ).json();
    expect(Object.keys(split).sort()).toEqual(['MOBILE', 'TABLET', 'WEB']);
    expect(split.WEB.summary_metrics).toEqual({ IMPRESSION: 12 });
    expect(split.MOBILE.summary_metrics).toEqual({ IMPRESSION: 8 });
    expect(split.TABLET.summary_metrics).toEqual({ IMPRESSION: 5 });
  });

  it('gives top pins and top video pins as v5 does, each with the pin for its thumbnail', async () => {
    for (const [web, v5, sort] of [
      ['/api/analytics/top_pins', '/v5/user_account/analytics/top_pins', 'IMPRESSION'],
      ['/api/analytics/top_video_pins', '/v5/user_account/analytics/top_video_pins', 'VIDEO_START'],
    ] as const) {
      const query = `${range()}&sort_by=${sort}`;
      const fromWeb = await asBrowser(business, `${web}?${query}`);
      const fromApi = await asApi(business, `${v5}?${query}`);
      expect(fromWeb.statusCode, fromWeb.body).toBe(200);
      const { pins, ...rest } = fromWeb.json();
      const { pins: apiPins, ...apiRest } = fromApi.json();
      expect({ ...rest, date_availability: null }).toEqual({ ...apiRest, date_availability: null });
      expect(pins.map(({ pin: _pin, ...entry }: { pin: unknown }) => entry)).toEqual(apiPins);
      for (const entry of pins) {
        expect(entry.pin.id).toBe(entry.pin_id);
        expect(Object.keys(entry.pin.media.images).length).toBeGreaterThan(0);
      }
    }
    const top = (await asBrowser(business, `/api/analytics/top_pins?${range()}&sort_by=IMPRESSION`)).json();
    expect(top.pins.map((p: { pin_id: string }) => p.pin_id)).toEqual([ids.I, ids.V]);
    expect(top.pins[0].pin.title).toBe('Blue bowl');
    expect(top.pins[0].metrics.IMPRESSION).toBe(20);
    const video = (
      await asBrowser(business, `/api/analytics/top_video_pins?${range()}&sort_by=VIDEO_START`)
    ).json();
    expect(video.pins[0]).toMatchObject({
      pin_id: ids.V,
      metrics: { VIDEO_START: 3, VIDEO_AVG_WATCH_TIME: 3000 },
    });
  });

  it('refuses a personal account with the same error as v5', async () => {
    for (const [web, v5, extra] of [
      ['/api/analytics/account', '/v5/user_account/analytics', ''],
      ['/api/analytics/top_pins', '/v5/user_account/analytics/top_pins', '&sort_by=SAVE'],
      ['/api/analytics/top_video_pins', '/v5/user_account/analytics/top_video_pins', '&sort_by=SAVE'],
    ] as const) {
      const fromWeb = await asBrowser(pinner, `${web}?${range()}${extra}`);
      const fromApi = await asApi(pinner, `${v5}?${range()}${extra}`);
      expect(fromWeb.statusCode).toBe(403);
      expect(fromWeb.statusCode).toBe(fromApi.statusCode);
      expect(fromWeb.json()).toEqual(fromApi.json());
      expect(fromWeb.json().message).toMatch(/business account/);
    }
  });

  it('asks a signed-out browser to log in (401)', async () => {
    for (const url of [
      `/api/analytics/account?${range()}`,
      `/api/analytics/top_pins?${range()}&sort_by=SAVE`,
      `/api/analytics/top_video_pins?${range()}&sort_by=SAVE`,
      '/api/analytics/definition',
    ]) {
      const res = await t.app.inject({ method: 'GET', url });
      expect(res.statusCode, url).toBe(401);
      expect(res.json()).toMatchObject({ code: 2 });
    }
  });

  it('refuses a bad range with a 400 naming the rule, the same as v5', async () => {
    const cases = [
      [`start_date=${day(-91)}&end_date=${day(-1)}`, /start_date.*90 days back/],
      [`start_date=${day(-2)}&end_date=${day(-3)}`, /end_date.*before start_date/],
      [`start_date=${day(-10)}&end_date=${day(81)}`, /end_date.*90 days past start_date/],
      [`start_date=2026-02-30&end_date=${day(0)}`, /start_date/],
    ] as const;
    for (const [query, rule] of cases) {
      const web = await asBrowser(business, `/api/analytics/account?${query}`);
      const v5 = await asApi(business, `/v5/user_account/analytics?${query}`);
      expect(web.statusCode, query).toBe(400);
      expect(web.json()).toEqual(v5.json());
      expect(web.json().message).toMatch(rule);
    }
    const badSort = await asBrowser(business, `/api/analytics/top_pins?${range()}&sort_by=VIDEO_START`);
    expect(badSort.statusCode).toBe(400);
    expect(badSort.json().message).toMatch(/sort_by/);
    const badMetric = await asBrowser(business, `/api/analytics/account?${range()}&metric_types=NOPE`);
    expect(badMetric.statusCode).toBe(400);
    expect(badMetric.json().message).toMatch(/metric_types/);
  });

  it("describes the page's choices and date rules from the operations' own lists", async () => {
    const res = await asBrowser(business, '/api/analytics/definition');
    expect(res.statusCode).toBe(200);
    const definition = res.json();
    expect(definition).toMatchObject({ today: day(0), max_days_back: 90, max_range_days: 90 });
    expect(definition.app_types).toEqual(['WEB', 'MOBILE', 'TABLET']);
    const units = Object.fromEntries(
      definition.account_metrics.map((m: { type: string; unit: string }) => [m.type, m.unit]),
    );
    expect(units).toMatchObject({ IMPRESSION: 'count', ENGAGEMENT_RATE: 'ratio', SAVE_RATE: 'ratio' });
    // Every metric it offers is one user_account/analytics answers with.
    const body = (await asBrowser(business, `/api/analytics/account?${range()}`)).json();
    expect(Object.keys(body.all.summary_metrics).sort()).toEqual(Object.keys(units).sort());
    const video = Object.fromEntries(
      definition.video_metrics.map((m: { type: string; unit: string }) => [m.type, m.unit]),
    );
    expect(video.VIDEO_AVG_WATCH_TIME).toBe('milliseconds');
    expect(definition.top_pins_sort_by).toContain('ENGAGEMENT');
    expect(definition.top_video_pins_sort_by).toContain('VIDEO_MRC_VIEW');
  });
});

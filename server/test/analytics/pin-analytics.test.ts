import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import type { TestUser } from '../helpers/factories.js';
import { expectSpecResponse, specScopes } from '../helpers/spec.js';
import { backdatePin, claim, day, events, metricsByDate, record, type Daily } from './reads-support.js';

/**
 * One business account's video pin V (created 6 days ago) with known events:
 *
 *   d(-20) WEB     4 impressions, 1 comment              (before the range below: lifetime only)
 *   d(-4)  WEB    10 impressions, 2 saves, 1 pin click, 3 video starts, 9000 ms watched,
 *                  6000 ms v50 watch time, 2 MRC views, 1 10s view, 1 q95 view, 2 reactions
 *   d(-4)  MOBILE  6 impressions, 1 save, 1 outbound click, 1 video start, 1000 ms watched
 *   d(-2)  TABLET  4 impressions, 1 comment, 1 profile visit, 1 follow
 *
 * The pin's data starts 20 days ago (before it was "created"), so data_status is READY from
 * then; an image pin I created 3 days ago has no data: days before are BEFORE_PIN_CREATED.
 * Another account's pin linking to the owner's claimed site adds OTHER_PINS rows for the
 * owner, which a pin's own analytics never count.
 */
describe('pins/analytics and multi_pins/analytics', () => {
  let t: TestApp;
  let owner: TestUser;
  let stranger: TestUser;
  let videoPin: string;
  let imagePin: string;
  let strangersPin: string;
  let secretPin: string;

  beforeAll(async () => {
    t = await buildTestApp();
    owner = await t.factories.user({ accountType: 'BUSINESS' });
    stranger = await t.factories.user({ accountType: 'BUSINESS' });
    await claim(t, owner, 'owner.example');
    videoPin = (await t.factories.pin({ owner, link: 'https://owner.example/v' })).id;
    imagePin = (await t.factories.pin({ owner })).id;
    strangersPin = (await t.factories.pin({ owner: stranger, link: 'https://owner.example/s' })).id;
    const secretBoard = await t.factories.board({ owner, privacy: 'SECRET' });
    secretPin = (await t.factories.pin({ owner, board: secretBoard })).id;
    await backdatePin(t, videoPin, 6, 'VIDEO');
    await backdatePin(t, imagePin, 3);
    const v = (dayOffset: number, appType: 'WEB' | 'MOBILE' | 'TABLET') => ({
      pinId: videoPin,
      dayOffset,
      appType,
    });
    await record(t, [
      ...events('IMPRESSION', 4, v(-20, 'WEB')),
      ...events('COMMENT', 1, v(-20, 'WEB')),
      ...events('IMPRESSION', 10, v(-4, 'WEB')),
      ...events('SAVE', 2, v(-4, 'WEB')),
      ...events('PIN_CLICK', 1, v(-4, 'WEB')),
      ...events('VIDEO_START', 3, v(-4, 'WEB')),
      ...events('VIDEO_WATCH_TIME', 1, { ...v(-4, 'WEB'), value: 9000 }),
      ...events('VIDEO_V50_WATCH_TIME', 1, { ...v(-4, 'WEB'), value: 6000 }),
      ...events('VIDEO_MRC_VIEW', 2, v(-4, 'WEB')),
      ...events('VIDEO_10S_VIEW', 1, v(-4, 'WEB')),
      ...events('VIDEO_Q95_VIEW', 1, v(-4, 'WEB')),
      ...events('REACTION', 2, v(-4, 'WEB')),
      ...events('IMPRESSION', 6, v(-4, 'MOBILE')),
      ...events('SAVE', 1, v(-4, 'MOBILE')),
      ...events('OUTBOUND_CLICK', 1, v(-4, 'MOBILE')),
      ...events('VIDEO_START', 1, v(-4, 'MOBILE')),
      ...events('VIDEO_WATCH_TIME', 1, { ...v(-4, 'MOBILE'), value: 1000 }),
      ...events('IMPRESSION', 4, v(-2, 'TABLET')),
      ...events('COMMENT', 1, v(-2, 'TABLET')),
      ...events('PROFILE_VISIT', 1, v(-2, 'TABLET')),
      ...events('USER_FOLLOW', 1, v(-2, 'TABLET')),
      ...events('IMPRESSION', 50, { pinId: strangersPin, dayOffset: -4, appType: 'WEB' }),
    ]);
  });
  afterEach(() => {
    expect(t.serverErrors).toEqual([]);
  });
  afterAll(async () => {
    await t.close();
  });

  const range = `start_date=${day(-5)}&end_date=${day(-1)}`;
  const ALL_PIN_METRICS =
    'IMPRESSION,OUTBOUND_CLICK,PIN_CLICK,SAVE,SAVE_RATE,TOTAL_COMMENTS,TOTAL_REACTIONS,USER_FOLLOW,PROFILE_VISIT,VIDEO_MRC_VIEW,VIDEO_10S_VIEW,QUARTILE_95_PERCENT_VIEW,VIDEO_V50_WATCH_TIME,VIDEO_START,VIDEO_AVG_WATCH_TIME';

  async function get(url: string, user: TestUser = owner) {
    return t.app.inject({ method: 'GET', url, headers: user.auth });
  }

  async function pinAnalytics(pinId: string, query: string) {
    const res = await get(`/v5/pins/${pinId}/analytics?${query}`);
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expectSpecResponse('pins/analytics', 200, body);
    return body;
  }

  it("sums every pin metric over the range, with rates and the pin's lifetime counts", async () => {
    const body = await pinAnalytics(videoPin, `${range}&metric_types=${ALL_PIN_METRICS}`);
    expect(Object.keys(body)).toEqual(['all']);
    expect(body.all.summary_metrics).toEqual({
      IMPRESSION: 20,
      OUTBOUND_CLICK: 1,
      PIN_CLICK: 1,
      SAVE: 3,
      SAVE_RATE: 3 / 20,
      TOTAL_COMMENTS: 1,
      TOTAL_REACTIONS: 2,
      USER_FOLLOW: 1,
      PROFILE_VISIT: 1,
      VIDEO_MRC_VIEW: 2,
      VIDEO_10S_VIEW: 1,
      QUARTILE_95_PERCENT_VIEW: 1,
      VIDEO_V50_WATCH_TIME: 6000,
      VIDEO_START: 4,
      VIDEO_AVG_WATCH_TIME: 10000 / 4,
    });
    // Lifetime: the counts including the day 20 days ago (4 more impressions, 1 more comment).
    expect(body.all.lifetime_metrics).toEqual({
      IMPRESSION: 24,
      OUTBOUND_CLICK: 1,
      PIN_CLICK: 1,
      SAVE: 3,
      TOTAL_COMMENTS: 2,
      TOTAL_REACTIONS: 2,
      USER_FOLLOW: 1,
      PROFILE_VISIT: 1,
      VIDEO_MRC_VIEW: 2,
      VIDEO_10S_VIEW: 1,
      QUARTILE_95_PERCENT_VIEW: 1,
      VIDEO_V50_WATCH_TIME: 6000,
      VIDEO_START: 4,
    });
  });

  it('gives every day of the range, READY from the first day with data', async () => {
    const body = await pinAnalytics(
      videoPin,
      `${range}&metric_types=IMPRESSION,SAVE_RATE,VIDEO_AVG_WATCH_TIME`,
    );
    const daily: Daily[] = body.all.daily_metrics;
    expect(daily.map((d) => d.date)).toEqual([day(-5), day(-4), day(-3), day(-2), day(-1)]);
    expect(daily.every((d) => d.data_status === 'READY')).toBe(true);
    expect(metricsByDate(daily)).toEqual({
      [day(-5)]: { IMPRESSION: 0, SAVE_RATE: 0, VIDEO_AVG_WATCH_TIME: 0 },
      [day(-4)]: { IMPRESSION: 16, SAVE_RATE: 3 / 16, VIDEO_AVG_WATCH_TIME: 10000 / 4 },
      [day(-3)]: { IMPRESSION: 0, SAVE_RATE: 0, VIDEO_AVG_WATCH_TIME: 0 },
      [day(-2)]: { IMPRESSION: 4, SAVE_RATE: 0, VIDEO_AVG_WATCH_TIME: 0 },
      [day(-1)]: { IMPRESSION: 0, SAVE_RATE: 0, VIDEO_AVG_WATCH_TIME: 0 },
    });
  });

  it('marks the days before a pin was created BEFORE_PIN_CREATED', async () => {
    const body = await pinAnalytics(
      imagePin,
      `start_date=${day(-5)}&end_date=${day(1)}&metric_types=IMPRESSION`,
    );
    const status = body.all.daily_metrics.map((d: Daily) => d.data_status);
    expect(status).toEqual([
      'BEFORE_PIN_CREATED',
      'BEFORE_PIN_CREATED',
      'READY',
      'READY',
      'READY',
      'READY',
      'PROCESSING',
    ]);
    expect(body.all.summary_metrics).toEqual({ IMPRESSION: 0 });
    expect(body.all.lifetime_metrics).toEqual({ IMPRESSION: 0 });
  });

  it('splits by app type; the groups sum to the unsplit numbers', async () => {
    const metrics = 'IMPRESSION,SAVE,VIDEO_START,TOTAL_COMMENTS';
    const body = await pinAnalytics(videoPin, `${range}&metric_types=${metrics}&split_field=APP_TYPE`);
    expect(Object.keys(body).sort()).toEqual(['MOBILE', 'TABLET', 'WEB']);
    expect(body.WEB.summary_metrics).toEqual({ IMPRESSION: 10, SAVE: 2, VIDEO_START: 3, TOTAL_COMMENTS: 0 });
    expect(body.MOBILE.summary_metrics).toEqual({
      IMPRESSION: 6,
      SAVE: 1,
      VIDEO_START: 1,
      TOTAL_COMMENTS: 0,
    });
    expect(body.TABLET.summary_metrics).toEqual({
      IMPRESSION: 4,
      SAVE: 0,
      VIDEO_START: 0,
      TOTAL_COMMENTS: 1,
    });
    expect(body.WEB.lifetime_metrics).toEqual({ IMPRESSION: 14, SAVE: 2, VIDEO_START: 3, TOTAL_COMMENTS: 1 });
    const unsplit = await pinAnalytics(videoPin, `${range}&metric_types=${metrics}`);
    for (const metric of metrics.split(',')) {
      const sum = ['WEB', 'MOBILE', 'TABLET'].reduce((n, k) => n + body[k].summary_metrics[metric], 0);
      expect(sum, metric).toBe(unsplit.all.summary_metrics[metric]);
      const lifetime = ['WEB', 'MOBILE', 'TABLET'].reduce((n, k) => n + body[k].lifetime_metrics[metric], 0);
      expect(lifetime, metric).toBe(unsplit.all.lifetime_metrics[metric]);
    }
  });

  it('filters by app type, split or not', async () => {
    const body = await pinAnalytics(videoPin, `${range}&metric_types=IMPRESSION&app_types=MOBILE`);
    expect(body.all.summary_metrics).toEqual({ IMPRESSION: 6 });
    expect(body.all.lifetime_metrics).toEqual({ IMPRESSION: 6 });
    const split = await pinAnalytics(
      videoPin,
      `${range}&metric_types=IMPRESSION&app_types=WEB&split_field=APP_TYPE`,
    );
    expect(Object.keys(split)).toEqual(['WEB']);
    expect(split.WEB.summary_metrics).toEqual({ IMPRESSION: 10 });
  });

  it('multi_pins/analytics answers per pin id, comma-separated or repeated', async () => {
    const url = `/v5/pins/analytics?${range}&metric_types=IMPRESSION,SAVE`;
    const res = await get(`${url}&pin_ids=${videoPin},${imagePin}`);
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expectSpecResponse('multi_pins/analytics', 200, body);
    expect(Object.keys(body).sort()).toEqual([videoPin, imagePin].sort());
    expect(body[videoPin].all.summary_metrics).toEqual({ IMPRESSION: 20, SAVE: 3 });
    expect(body[videoPin].all.lifetime_metrics).toEqual({ IMPRESSION: 24, SAVE: 3 });
    expect(body[imagePin].all.summary_metrics).toEqual({ IMPRESSION: 0, SAVE: 0 });
    const single = await pinAnalytics(videoPin, `${range}&metric_types=IMPRESSION,SAVE`);
    expect(body[videoPin]).toEqual(single);
    const repeated = await get(`${url}&pin_ids=${videoPin}&pin_ids=${imagePin}&pin_ids=${videoPin}`);
    expect(repeated.json()).toEqual(body);
  });

  it('refuses 0 or more than 100 pin ids and ids that are not numbers', async () => {
    const url = `/v5/pins/analytics?${range}&metric_types=IMPRESSION`;
    for (const ids of ['', Array.from({ length: 101 }, (_, i) => String(1000 + i)).join(','), 'abc']) {
      const res = await get(`${url}${ids === '' ? '' : `&pin_ids=${ids}`}`);
      expect(res.statusCode, ids.slice(0, 20)).toBe(400);
      expect(res.json().code).toBe(1);
      expect(res.json().message).toContain('pin_ids');
    }
  });

  it("answers 404 for another user's pin, a missing pin and one the caller does not own among many", async () => {
    const res = await get(`/v5/pins/${strangersPin}/analytics?${range}&metric_types=IMPRESSION`);
    expect(res.statusCode).toBe(404);
    expect(res.json()).toEqual({ code: 404, message: 'Pin not found.' });
    expectSpecResponse('pins/analytics', 404, res.json());
    const missing = await get(`/v5/pins/999999999/analytics?${range}&metric_types=IMPRESSION`);
    expect(missing.statusCode).toBe(404);
    const multi = await get(
      `/v5/pins/analytics?${range}&metric_types=IMPRESSION&pin_ids=${videoPin},${strangersPin}`,
    );
    expect(multi.statusCode).toBe(404);
    expect(multi.json()).toMatchObject({ code: 50, message: 'Pin not found.' });
    expectSpecResponse('multi_pins/analytics', 404, multi.json());
  });

  it('multi_pins/analytics reads every pin in one query, each under the visibility rule', async () => {
    const repo = t.app.ctx.pins.deps.pinsRepo;
    const byId = vi.spyOn(repo, 'findById');
    const byIds = vi.spyOn(repo, 'findByIds');
    try {
      const url = `/v5/pins/analytics?${range}&metric_types=IMPRESSION`;
      const ok = await get(`${url}&pin_ids=${imagePin},${videoPin},${secretPin}`);
      expect(ok.statusCode, ok.body).toBe(200);
      expect(Object.keys(ok.json()).sort()).toEqual([imagePin, videoPin, secretPin].sort());
      expect(ok.json()[videoPin].all.summary_metrics).toEqual({ IMPRESSION: 20 });
      expect(byIds).toHaveBeenCalledTimes(1);
      expect(byId).not.toHaveBeenCalled();
      // Visible and invisible mixed, wherever the invisible one is: 404, nothing of the others.
      for (const ids of [
        [strangersPin, videoPin, imagePin],
        [videoPin, imagePin, strangersPin],
        [videoPin, '999999999', imagePin],
      ]) {
        const res = await get(`${url}&pin_ids=${ids.join(',')}`);
        expect(res.statusCode, ids.join(',')).toBe(404);
        expect(res.json()).toEqual({ code: 50, message: 'Pin not found.' });
      }
      // The stranger cannot read the owner's pins (a secret one is not even seen), with their own mixed in.
      const theirs = await get(`${url}&pin_ids=${strangersPin},${secretPin}`, stranger);
      expect(theirs.statusCode).toBe(404);
      // A secret pin among public ones still needs pins:read_secret.
      const without = await t.factories.tokenWithout(owner.user.id, ['pins:read_secret']);
      const secret = await t.app.inject({
        method: 'GET',
        url: `${url}&pin_ids=${videoPin},${secretPin}`,
        headers: without,
      });
      expect(secret.statusCode).toBe(403);
      expect(secret.json().code).toBe(3);
    } finally {
      byId.mockRestore();
      byIds.mockRestore();
    }
  });

  it('treats a secret pin as pins/get does: pins:read_secret needed', async () => {
    const without = await t.factories.tokenWithout(owner.user.id, ['pins:read_secret']);
    const res = await t.app.inject({
      method: 'GET',
      url: `/v5/pins/${secretPin}/analytics?${range}&metric_types=IMPRESSION`,
      headers: without,
    });
    expect(res.statusCode).toBe(403);
    expect(res.json().code).toBe(3);
    await pinAnalytics(secretPin, `${range}&metric_types=IMPRESSION`);
    const strangerSees = await get(
      `/v5/pins/${secretPin}/analytics?${range}&metric_types=IMPRESSION`,
      stranger,
    );
    expect(strangerSees.statusCode).toBe(404);
  });

  it('refuses a pinner account with the spec’s answer for each operation', async () => {
    const pinner = await t.factories.user({ accountType: 'PINNER' });
    const own = (await t.factories.pin({ owner: pinner })).id;
    const res = await get(`/v5/pins/${own}/analytics?${range}&metric_types=IMPRESSION`, pinner);
    expect(res.statusCode).toBe(403);
    expect(res.json()).toMatchObject({
      code: 403,
      message: expect.stringContaining('Not authorized to access board or Pin.'),
    });
    expectSpecResponse('pins/analytics', 403, res.json());
    const multi = await get(`/v5/pins/analytics?${range}&metric_types=IMPRESSION&pin_ids=${own}`, pinner);
    expect(multi.statusCode).toBe(401);
    expect(multi.json()).toMatchObject({
      code: 7,
      message: expect.stringContaining('Not authorized to access board or Pin.'),
    });
    expectSpecResponse('multi_pins/analytics', 401, multi.json());
  });

  it('needs boards:read and pins:read', async () => {
    expect(specScopes('pins/analytics').sort()).toEqual(['boards:read', 'pins:read']);
    expect(specScopes('multi_pins/analytics').sort()).toEqual(['boards:read', 'pins:read']);
    for (const scope of ['boards:read', 'pins:read']) {
      const headers = await t.factories.tokenWithout(owner.user.id, [scope]);
      for (const url of [
        `/v5/pins/${videoPin}/analytics?${range}&metric_types=IMPRESSION`,
        `/v5/pins/analytics?${range}&metric_types=IMPRESSION&pin_ids=${videoPin}`,
      ]) {
        const res = await t.app.inject({ method: 'GET', url, headers });
        expect(res.statusCode, `${url} without ${scope}`).toBe(403);
        expect(res.json().code).toBe(3);
      }
    }
  });

  it('refuses bad dates, metric types and split fields with 400s naming them', async () => {
    const cases: Array<[string, string]> = [
      [`start_date=${day(-91)}&end_date=${day(-1)}&metric_types=IMPRESSION`, 'start_date'],
      [`start_date=${day(-1)}&end_date=${day(-2)}&metric_types=IMPRESSION`, 'end_date'],
      [`${range}`, 'metric_types'],
      [`${range}&metric_types=ENGAGEMENT`, 'metric_types'],
      [`${range}&metric_types=IMPRESSION&split_field=SOURCE`, 'split_field'],
      [`${range}&metric_types=IMPRESSION&app_types=PHONE`, 'app_types'],
    ];
    for (const [query, field] of cases) {
      const res = await get(`/v5/pins/${videoPin}/analytics?${query}`);
      expect(res.statusCode, query).toBe(400);
      expect(res.json().code).toBe(1);
      expect(res.json().message).toContain(field);
      const multi = await get(`/v5/pins/analytics?pin_ids=${videoPin}&${query}`);
      if (field === 'split_field') continue; // multi_pins has no split_field: it is ignored
      expect(multi.statusCode, query).toBe(400);
      expect(multi.json().message).toContain(field);
    }
  });
});

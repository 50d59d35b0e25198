import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, TEST_DATABASE, type TestApp } from '../helpers/app.js';
import type { TestUser } from '../helpers/factories.js';
import { makeAdmin, webSession } from '../oauth/helpers.js';

const LONG_AGO = '2026-01-01T00:00:00.000Z';

describe(`sandbox analytics control on ${TEST_DATABASE}`, () => {
  let t: TestApp;
  let admin: TestUser;
  let business: TestUser;
  let pinId: string;

  beforeAll(async () => {
    t = await buildTestApp();
    admin = await t.factories.user();
    await makeAdmin(t, admin.user.id);
    business = await t.factories.user({ accountType: 'BUSINESS' });
    pinId = (await t.factories.pin({ owner: business })).id;
    // The account and its pin existed long before the days the tests look at.
    const db = t.app.ctx.database.db;
    await db.updateTable('users').set({ created_at: LONG_AGO }).where('id', '=', business.user.id).execute();
    await db.updateTable('pins').set({ created_at: LONG_AGO }).where('id', '=', pinId).execute();
  });
  afterAll(async () => {
    await t.app.inject({ method: 'DELETE', url: '/_corkboard/clock', headers: admin.auth });
    await t.close();
  });

  const control = (method: 'GET' | 'PUT' | 'DELETE' | 'POST', url: string, payload?: object, who = admin) =>
    t.app.inject({ method, url, headers: who.auth, payload });
  const analytics = (start: string, end: string, extra = '') =>
    t.app.inject({
      method: 'GET',
      url: `/v5/user_account/analytics?start_date=${start}&end_date=${end}${extra}`,
      headers: business.auth,
    });

  it("sets the server's today, and analytics' date rules follow it", async () => {
    // Real today is far from March 2026: more than 90 days back is refused.
    expect((await analytics('2026-03-01', '2026-03-15')).statusCode).toBe(400);

    const set = await control('PUT', '/_corkboard/clock', { today: '2026-03-15' });
    expect(set.statusCode, set.body).toBe(200);
    expect(set.json().today).toBe('2026-03-15');
    expect(set.json().now.slice(0, 10)).toBe('2026-03-15');
    expect((await control('GET', '/_corkboard/clock')).json().today).toBe('2026-03-15');

    const res = await analytics('2026-03-01', '2026-03-17');
    expect(res.statusCode, res.body).toBe(200);
    const status = Object.fromEntries(
      res.json().all.daily_metrics.map((d: { date: string; data_status: string }) => [d.date, d.data_status]),
    );
    expect(status['2026-03-15']).toBe('READY');
    expect(status['2026-03-16']).toBe('PROCESSING');
    // 90 days back from the set today, not from the real one.
    expect((await analytics('2025-12-01', '2025-12-10')).statusCode).toBe(400);
  });

  it('injects events for given pins and days, read back exactly', async () => {
    const injected = await control('POST', '/_corkboard/analytics/events', {
      events: [
        { type: 'IMPRESSION', pin_id: pinId, date: '2026-03-10', count: 40 },
        { type: 'IMPRESSION', pin_id: pinId, date: '2026-03-14', count: 10, app_type: 'MOBILE' },
        { type: 'SAVE', pin_id: pinId, date: '2026-03-10', count: 3 },
        { type: 'PIN_CLICK', pin_id: pinId, date: '2026-03-14', count: 5, app_type: 'MOBILE' },
        { type: 'OUTBOUND_CLICK', pin_id: pinId, date: '2026-03-14', count: 2 },
      ],
    });
    expect(injected.statusCode, injected.body).toBe(200);
    expect(injected.json()).toEqual({ accepted: 60, duplicates: 0, rejected: 0 });

    const res = await analytics(
      '2026-03-09',
      '2026-03-15',
      '&metric_types=IMPRESSION,SAVE,PIN_CLICK,OUTBOUND_CLICK,SAVE_RATE',
    );
    expect(res.statusCode, res.body).toBe(200);
    const all = res.json().all;
    expect(all.summary_metrics).toEqual({
      IMPRESSION: 50,
      SAVE: 3,
      PIN_CLICK: 5,
      OUTBOUND_CLICK: 2,
      SAVE_RATE: 3 / 50,
    });
    const byDate = Object.fromEntries(
      all.daily_metrics.map((d: { date: string; metrics: object }) => [d.date, d.metrics]),
    );
    expect(byDate['2026-03-10']).toEqual({
      IMPRESSION: 40,
      SAVE: 3,
      PIN_CLICK: 0,
      OUTBOUND_CLICK: 0,
      SAVE_RATE: 3 / 40,
    });
    expect(byDate['2026-03-14']).toEqual({
      IMPRESSION: 10,
      SAVE: 0,
      PIN_CLICK: 5,
      OUTBOUND_CLICK: 2,
      SAVE_RATE: 0,
    });

    const split = (
      await analytics('2026-03-09', '2026-03-15', '&metric_types=IMPRESSION&split_field=APP_TYPE')
    ).json();
    expect(split.WEB.summary_metrics.IMPRESSION).toBe(40);
    expect(split.MOBILE.summary_metrics.IMPRESSION).toBe(10);

    const pin = await t.app.inject({
      method: 'GET',
      url: `/v5/pins/${pinId}/analytics?start_date=2026-03-14&end_date=2026-03-14&metric_types=PIN_CLICK`,
      headers: business.auth,
    });
    expect(pin.statusCode, pin.body).toBe(200);
    expect(pin.json().all.summary_metrics).toEqual({ PIN_CLICK: 5 });
  });

  it('refuses bad input with 400 or 404 naming the problem, and changes nothing', async () => {
    const before = (await analytics('2026-03-09', '2026-03-15', '&metric_types=IMPRESSION')).json().all
      .summary_metrics;
    const cases: Array<[object, number, string]> = [
      [{ events: [{ type: 'IMPRESSION', pin_id: pinId, date: '2026-02-30' }] }, 400, 'events[0].date'],
      [{ events: [{ type: 'IMPRESSION', date: '2026-03-10' }] }, 400, 'events[0].pin_id'],
      [{ events: [{ type: 'VIDEO_WATCH_TIME', pin_id: pinId, date: '2026-03-10' }] }, 400, 'value_ms'],
      [{ events: [{ type: 'BOGUS', pin_id: pinId, date: '2026-03-10' }] }, 400, 'type'],
      [
        {
          events: [
            { type: 'IMPRESSION', pin_id: pinId, date: '2026-03-10', count: 5 },
            { type: 'IMPRESSION', pin_id: '999999999', date: '2026-03-10' },
          ],
        },
        404,
        '999999999',
      ],
    ];
    for (const [body, status, mention] of cases) {
      const res = await control('POST', '/_corkboard/analytics/events', body);
      expect(res.statusCode, res.body).toBe(status);
      expect(res.json().message).toContain(mention);
    }
    const bad = await control('PUT', '/_corkboard/clock', { today: '15/03/2026' });
    expect(bad.statusCode).toBe(400);
    expect((await control('GET', '/_corkboard/clock')).json().today).toBe('2026-03-15');
    expect(
      (await analytics('2026-03-09', '2026-03-15', '&metric_types=IMPRESSION')).json().all.summary_metrics,
    ).toEqual(before);
  });

  it('is for administrators only; a session needs the CSRF token', async () => {
    const res = await control('PUT', '/_corkboard/clock', { today: '2026-01-01' }, business);
    expect(res.statusCode).toBe(403);
    expect((await t.app.inject({ method: 'GET', url: '/_corkboard/clock' })).statusCode).toBe(401);
    const session = await webSession(t, admin.user.id);
    const noCsrf = await t.app.inject({
      method: 'PUT',
      url: '/_corkboard/clock',
      cookies: { cb_session: (await t.app.ctx.sessions.create(admin.user.id, 'vitest')).token },
      payload: { today: '2026-01-01' },
    });
    expect(noCsrf.statusCode).toBe(403);
    expect((await session.get('/_corkboard/clock')).json().today).toBe('2026-03-15');
  });

  it('goes back to real time', async () => {
    const res = await control('DELETE', '/_corkboard/clock');
    expect(res.json().today).toBeNull();
    expect(res.json().now.slice(0, 10)).toBe(new Date().toISOString().slice(0, 10));
    expect((await analytics('2026-03-01', '2026-03-15')).statusCode).toBe(400);
  });
});

describe(`analytics control in production on ${TEST_DATABASE}`, () => {
  it('does not exist', async () => {
    const t = await buildTestApp({ CORKBOARD_MODE: 'production' });
    try {
      const admin = await t.factories.user();
      await makeAdmin(t, admin.user.id);
      const res = await t.app.inject({
        method: 'PUT',
        url: '/_corkboard/clock',
        headers: admin.auth,
        payload: { today: '2026-01-01' },
      });
      expect(res.statusCode).toBe(403);
      expect(res.json().message).toContain('sandbox mode only');
    } finally {
      await t.close();
    }
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Browser } from '../accounts/browser.js';
import { buildTestApp, TEST_DATABASE, type TestApp } from '../helpers/app.js';
import type { TestUser } from '../helpers/factories.js';
import { makeAdmin } from '../oauth/helpers.js';
import { signedInBrowser } from './live-helpers.js';

/**
 * What e2e/journey.test.ts does last, at the HTTP level: a signed-out visitor's browser reports
 * an impression and a pin click through the beacon and follows the pin's link through /r/ (an
 * outbound click recorded by the server); right after, the owner opens the analytics page,
 * which asks for its definition (the server's today), then the account totals of the last 30
 * days, then top pins. Every event the server accepted before those reads is in their answers.
 *
 * The flush timer is set to a minute, so nothing here is written by the timer: the reads
 * themselves must see what was accepted (before the fix the page got all zeros, "No data yet",
 * whenever it asked within a flush interval of the visit, and it never asks again).
 */
const FLUSH_MS = '60000';
const COUNTED = ['IMPRESSION', 'PIN_CLICK', 'OUTBOUND_CLICK'] as const;
const LINK = 'https://teahouse.test/teapots/celadon';

interface Totals {
  all: {
    daily_metrics: Array<{ date: string; data_status: string; metrics: Record<string, number> }>;
    summary_metrics: Record<string, number>;
  };
}

const addDays = (day: string, days: number) =>
  new Date(Date.parse(`${day}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

describe(`a visit, then the owner's analytics page, on ${TEST_DATABASE}`, () => {
  let t: TestApp;
  let owner: TestUser;
  let admin: TestUser;
  let page: Browser;
  let visits = 0;

  beforeAll(async () => {
    t = await buildTestApp({ ANALYTICS_FLUSH_MS: FLUSH_MS });
    owner = await t.factories.user({ accountType: 'BUSINESS' });
    admin = await t.factories.user();
    await makeAdmin(t, admin.user.id);
    page = await signedInBrowser(t, owner);
  });
  afterAll(async () => {
    await t?.app.inject({ method: 'DELETE', url: '/_corkboard/clock', headers: admin.auth });
    await t?.close();
  });

  /** A signed-out visitor (its own address): sees the pin, opens it, follows its link out. */
  async function visit(pinId: string): Promise<void> {
    const visitor = new Browser(t.app, `10.20.0.${++visits}`);
    const beacon = await visitor.post('/api/analytics/events', {
      events: [
        { id: `seen-${visits}`, type: 'IMPRESSION', pin_id: pinId },
        { id: `open-${visits}`, type: 'PIN_CLICK', pin_id: pinId },
      ],
    });
    expect(beacon.statusCode, beacon.body).toBe(200);
    expect(beacon.json()).toEqual({ accepted: 2, rejected: [] });
    const out = await visitor.get(`/r/${pinId}`);
    expect(out.statusCode).toBe(302);
    expect(out.headers.location).toBe(LINK);
  }

  /** The analytics page's first requests: its definition, then the default range (last 30 days). */
  async function openAnalyticsPage(): Promise<{ today: string; totals: Totals; topPins: string[] }> {
    const definition = await page.get('/api/analytics/definition');
    expect(definition.statusCode, definition.body).toBe(200);
    const today = (definition.json() as { today: string }).today;
    const range = `start_date=${addDays(today, -29)}&end_date=${today}`;
    const totals = await page.get(`/api/analytics/account?${range}&split_field=NO_SPLIT`);
    expect(totals.statusCode, totals.body).toBe(200);
    const top = await page.get(`/api/analytics/top_pins?${range}&sort_by=IMPRESSION&num_of_pins=10`);
    expect(top.statusCode, top.body).toBe(200);
    const topPins = (top.json() as { pins: Array<{ pin_id: string }> }).pins.map((p) => p.pin_id);
    return { today, totals: totals.json() as Totals, topPins };
  }

  const counts = (metrics: Record<string, number> | undefined) =>
    Object.fromEntries(COUNTED.map((type) => [type, metrics?.[type] ?? 0]));
  const onDay = (totals: Totals, day: string) =>
    counts(totals.all.daily_metrics.find((d) => d.date === day)?.metrics);

  it('shows the visit on the first load, on the day it happened', async () => {
    const pin = await t.factories.pin({ owner, title: 'Celadon teapot', link: LINK });
    await visit(pin.id);

    const { today, totals, topPins } = await openAnalyticsPage();
    const once = { IMPRESSION: 1, PIN_CLICK: 1, OUTBOUND_CLICK: 1 };
    expect(counts(totals.all.summary_metrics)).toEqual(once);
    expect(onDay(totals, today)).toEqual(once);
    expect(topPins).toEqual([pin.id]);

    // The same numbers as pins/analytics reports for the pin (the account and pin roll-ups agree).
    const pinAnalytics = await t.app.inject({
      method: 'GET',
      url: `/v5/pins/${pin.id}/analytics?start_date=${today}&end_date=${today}&metric_types=${COUNTED.join(',')}`,
      headers: owner.auth,
    });
    expect(pinAnalytics.statusCode, pinAnalytics.body).toBe(200);
    expect(pinAnalytics.json().all.summary_metrics).toEqual(once);
  });

  it("counts a visit by the sandbox clock's day, and the page still shows it once that day is over", async () => {
    const setToday = async (today: string) => {
      const res = await t.app.inject({
        method: 'PUT',
        url: '/_corkboard/clock',
        headers: admin.auth,
        payload: { today },
      });
      expect(res.statusCode, res.body).toBe(200);
    };
    const visitDay = addDays(new Date().toISOString().slice(0, 10), -40);
    await setToday(visitDay);
    const pin = await t.factories.pin({ owner, title: 'Tenmoku bowl', link: LINK });
    await visit(pin.id);
    const first = await openAnalyticsPage();
    expect(first.today).toBe(visitDay);
    expect(onDay(first.totals, visitDay)).toEqual({ IMPRESSION: 1, PIN_CLICK: 1, OUTBOUND_CLICK: 1 });

    // Midnight passes between the visit and the page (UTC, on the server's clock): the visit
    // stays on its own day, which the default range (the last 30 days) still covers.
    await setToday(addDays(visitDay, 1));
    const next = await openAnalyticsPage();
    expect(next.today).toBe(addDays(visitDay, 1));
    expect(onDay(next.totals, visitDay)).toEqual({ IMPRESSION: 1, PIN_CLICK: 1, OUTBOUND_CLICK: 1 });
    expect(onDay(next.totals, next.today)).toEqual({ IMPRESSION: 0, PIN_CLICK: 0, OUTBOUND_CLICK: 0 });
    expect(next.topPins).toContain(pin.id);
  });
});

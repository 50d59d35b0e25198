import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Browser } from '../accounts/browser.js';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import type { TestUser } from '../helpers/factories.js';
import { makeAdmin } from '../oauth/helpers.js';
import { countsOf, rawEventsOf, signedInBrowser } from './live-helpers.js';

const BEACON = '/api/analytics/events';
const IPHONE =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1';
const PER_MINUTE = 4;

let t: TestApp;
let owner: TestUser;
let addressCounter = 0;
/** Each test reports from its own address, so the rate limit of one never touches another. */
const address = () => `10.0.0.${++addressCounter}`;

beforeAll(async () => {
  t = await buildTestApp({ ANALYTICS_BEACON_PER_MINUTE: String(PER_MINUTE) });
  owner = await t.factories.user({ accountType: 'BUSINESS' });
});
afterAll(async () => {
  await t?.close();
});

const impressions = (pinId: string, ids: string[]) => ({
  events: ids.map((id) => ({ id, type: 'IMPRESSION', pin_id: pinId })),
});

describe('the analytics beacon', () => {
  it("counts an anonymous browser's impressions and pin clicks once per event id", async () => {
    const pin = await t.factories.pin({ owner });
    const browser = new Browser(t.app, address());
    const first = await browser.post(
      BEACON,
      {
        events: [
          { id: 'imp-1', type: 'IMPRESSION', pin_id: pin.id },
          { id: 'imp-2', type: 'IMPRESSION', pin_id: pin.id },
          { id: 'click-1', type: 'PIN_CLICK', pin_id: pin.id },
          // The same id and type twice in one batch: once.
          { id: 'imp-1', type: 'IMPRESSION', pin_id: pin.id },
        ],
      },
      { csrf: false },
    );
    expect(first.statusCode).toBe(200);
    expect(first.json()).toEqual({ accepted: 4, rejected: [] });
    expect(browser.cookies.get('cb_anon')).toBeTruthy();
    // The same browser sends them again (a retry): nothing more is counted.
    const again = await browser.post(BEACON, impressions(pin.id, ['imp-1', 'imp-2']), { csrf: false });
    expect(again.json()).toEqual({ accepted: 2, rejected: [] });
    expect(await countsOf(t, pin.id)).toMatchObject({ impression: 2, pin_click: 1 });

    // Another browser using the same ids counts for itself: one client cannot cancel another's events.
    const other = new Browser(t.app, address());
    await other.post(BEACON, impressions(pin.id, ['imp-1', 'imp-2']), { csrf: false });
    expect(await countsOf(t, pin.id)).toMatchObject({ impression: 4, pin_click: 1 });
    expect((await rawEventsOf(t, pin.id)).every((e) => e.viewer === null && e.app === 'WEB')).toBe(true);
  });

  it('checks each event on its own and says why one was not counted', async () => {
    const pin = await t.factories.pin({ owner });
    const secret = await t.factories.pin({
      owner,
      board: await t.factories.board({ owner, privacy: 'SECRET' }),
    });
    const browser = new Browser(t.app, address());
    const res = await browser.post(
      BEACON,
      {
        events: [
          { id: 'ok-1', type: 'IMPRESSION', pin_id: pin.id },
          { id: 'bad type', type: 'IMPRESSION', pin_id: pin.id },
          { id: 'x-1', type: 'SAVE', pin_id: pin.id },
          { id: 'x-2', type: 'IMPRESSION', pin_id: '999999999999999' },
          { id: 'x-3', type: 'IMPRESSION', pin_id: 'abc' },
          { id: 'x-4', type: 'IMPRESSION', pin_id: secret.id },
          { id: 'x-5', type: 'VIDEO_START', pin_id: pin.id },
          { id: 'ok-2', type: 'PIN_CLICK', pin_id: pin.id },
        ],
      },
      { csrf: false },
    );
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      accepted: 2,
      rejected: [
        { index: 1, id: 'bad type', reason: expect.stringContaining("'id'") },
        {
          index: 2,
          id: 'x-1',
          reason: expect.stringMatching(/^'type' must be one of IMPRESSION, PIN_CLICK, VIDEO_START/),
        },
        { index: 3, id: 'x-2', reason: "'pin_id' names no pin you can see" },
        { index: 4, id: 'x-3', reason: "'pin_id' names no pin you can see" },
        { index: 5, id: 'x-4', reason: "'pin_id' names no pin you can see" },
        { index: 6, id: 'x-5', reason: "'type' VIDEO_START is for video pins only" },
      ],
    });
    expect(await countsOf(t, pin.id)).toMatchObject({ impression: 1, pin_click: 1 });
    expect(await countsOf(t, secret.id)).toMatchObject({ impression: 0 });
  });

  it('takes video progress and watch time for video pins', async () => {
    const pin = await t.factories.pin({ owner });
    await t.app.ctx.database.db
      .updateTable('pins')
      .set({ creative_type: 'VIDEO' })
      .where('id', '=', pin.id)
      .execute();
    const browser = new Browser(t.app, address());
    const res = await browser.post(
      BEACON,
      {
        events: [
          { id: 'v1', type: 'VIDEO_START', pin_id: pin.id },
          { id: 'v1', type: 'VIDEO_10S_VIEW', pin_id: pin.id },
          { id: 'v1', type: 'VIDEO_MRC_VIEW', pin_id: pin.id },
          { id: 'v1', type: 'VIDEO_Q95_VIEW', pin_id: pin.id },
          { id: 'v1', type: 'VIDEO_WATCH_TIME', pin_id: pin.id, value: 12_345 },
          { id: 'v1', type: 'VIDEO_V50_WATCH_TIME', pin_id: pin.id, value: 12_345 },
          { id: 'v2', type: 'VIDEO_WATCH_TIME', pin_id: pin.id },
          { id: 'v3', type: 'VIDEO_WATCH_TIME', pin_id: pin.id, value: 2.5 },
          { id: 'v4', type: 'VIDEO_WATCH_TIME', pin_id: pin.id, value: 3_600_001 },
        ],
      },
      { csrf: false },
    );
    expect(res.json()).toMatchObject({ accepted: 6 });
    expect(
      res.json().rejected.map((r: { index: number; reason: string }) => [r.index, r.reason.slice(0, 7)]),
    ).toEqual([
      [6, "'value'"],
      [7, "'value'"],
      [8, "'value'"],
    ]);
    expect(await countsOf(t, pin.id)).toMatchObject({ video_start: 1, video_watch_time_ms: 12_345 });
  });

  it("takes the app type from the client's report, else from the User-Agent", async () => {
    const pin = await t.factories.pin({ owner });
    const browser = new Browser(t.app, address());
    await browser.request('POST', BEACON, impressions(pin.id, ['ua-1']), {
      csrf: false,
      headers: { 'user-agent': IPHONE },
    });
    await browser.request(
      'POST',
      BEACON,
      { app_type: 'TABLET', ...impressions(pin.id, ['ua-2']) },
      {
        csrf: false,
        headers: { 'user-agent': IPHONE },
      },
    );
    expect((await rawEventsOf(t, pin.id)).map((e) => e.app)).toEqual(['MOBILE', 'TABLET']);
  });

  it('needs the CSRF token with a session, and records the signed-in viewer, who sees their own secret pins', async () => {
    const viewer = await t.factories.user();
    const secret = await t.factories.pin({
      owner: viewer,
      board: await t.factories.board({ owner: viewer, privacy: 'SECRET' }),
    });
    const publicPin = await t.factories.pin({ owner });
    const browser = await signedInBrowser(t, viewer, address());
    const noToken = await browser.post(BEACON, impressions(publicPin.id, ['s-1']), { csrf: false });
    expect(noToken.statusCode).toBe(403);
    expect(noToken.json()).toMatchObject({ code: 29 });
    const res = await browser.post(BEACON, {
      events: [
        { id: 's-1', type: 'IMPRESSION', pin_id: publicPin.id },
        { id: 's-2', type: 'IMPRESSION', pin_id: secret.id },
      ],
    });
    expect(res.json()).toEqual({ accepted: 2, rejected: [] });
    expect(await rawEventsOf(t, publicPin.id)).toEqual([
      { type: 'IMPRESSION', viewer: viewer.user.id, app: 'WEB' },
    ]);
    expect(await countsOf(t, secret.id)).toMatchObject({ impression: 1 });
  });

  it('refuses a malformed batch with a 400 naming the field, counting nothing', async () => {
    const pin = await t.factories.pin({ owner });
    const browser = new Browser(t.app, address());
    const tooMany = await browser.post(
      BEACON,
      impressions(
        pin.id,
        Array.from({ length: 101 }, (_, i) => `m-${i}`),
      ),
      {
        csrf: false,
      },
    );
    expect(tooMany.statusCode).toBe(400);
    expect(tooMany.json()).toEqual({ code: 1, message: expect.stringContaining("'events'") });
    const empty = await new Browser(t.app, address()).post(BEACON, { events: [] }, { csrf: false });
    expect(empty.statusCode).toBe(400);
    const badApp = await new Browser(t.app, address()).post(
      BEACON,
      { app_type: 'DESKTOP', ...impressions(pin.id, ['m-1']) },
      { csrf: false },
    );
    expect(badApp.statusCode).toBe(400);
    expect(badApp.json()).toEqual({ code: 1, message: expect.stringContaining("'app_type'") });
    const noPin = await new Browser(t.app, address()).post(
      BEACON,
      { events: [{ id: 'm-2', type: 'IMPRESSION' }] },
      { csrf: false },
    );
    expect(noPin.statusCode).toBe(400);
    expect(noPin.json().message).toContain('pin_id');
    expect(await countsOf(t, pin.id)).toMatchObject({ impression: 0 });
  });

  it('rate limits reports per client address with 429 and Retry-After', async () => {
    const pin = await t.factories.pin({ owner });
    const from = address();
    for (let i = 0; i < PER_MINUTE; i += 1) {
      const ok = await new Browser(t.app, from).post(BEACON, impressions(pin.id, [`r-${i}`]), {
        csrf: false,
      });
      expect(ok.statusCode).toBe(200);
    }
    const limited = await new Browser(t.app, from).post(BEACON, impressions(pin.id, ['r-x']), {
      csrf: false,
    });
    expect(limited.statusCode).toBe(429);
    expect(limited.json()).toMatchObject({ code: 8 });
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    const elsewhere = await new Browser(t.app, address()).post(BEACON, impressions(pin.id, ['r-y']), {
      csrf: false,
    });
    expect(elsewhere.statusCode).toBe(200);
    expect(await countsOf(t, pin.id)).toMatchObject({ impression: PER_MINUTE + 1 });
  });
});

describe('events the server records itself', () => {
  it('pins/save records a SAVE on the pin saved, by the saver', async () => {
    const pin = await t.factories.pin({ owner });
    const saver = await t.factories.user();
    const board = await t.factories.board({ owner: saver });
    const res = await t.app.inject({
      method: 'POST',
      url: `/v5/pins/${pin.id}/save`,
      headers: { ...saver.auth, 'user-agent': IPHONE },
      payload: { board_id: board.id },
    });
    expect(res.statusCode).toBe(201);
    expect(await rawEventsOf(t, pin.id)).toEqual([{ type: 'SAVE', viewer: saver.user.id, app: 'MOBILE' }]);
    expect(await countsOf(t, pin.id)).toMatchObject({ save: 1 });
    // The new pin has no activity yet.
    expect(await rawEventsOf(t, res.json().id)).toEqual([]);
  });

  it("pins/save counts the save on the sandbox clock's day, not the machine's", async () => {
    const admin = await t.factories.user();
    await makeAdmin(t, admin.user.id);
    const pin = await t.factories.pin({ owner });
    const saver = await t.factories.user();
    const board = await t.factories.board({ owner: saver });
    // A day well before the real one, so the two cannot agree by chance.
    const day = new Date(Date.now() - 20 * 86_400_000).toISOString().slice(0, 10);
    const set = await t.app.inject({
      method: 'PUT',
      url: '/_corkboard/clock',
      headers: admin.auth,
      payload: { today: day },
    });
    expect(set.statusCode, set.body).toBe(200);
    try {
      const res = await t.app.inject({
        method: 'POST',
        url: `/v5/pins/${pin.id}/save`,
        headers: saver.auth,
        payload: { board_id: board.id },
      });
      expect(res.statusCode).toBe(201);
      await t.app.ctx.analyticsIngest.flush();
      const rows = await t.app.ctx.database.db
        .selectFrom('analytics_account_pin_daily')
        .select(['day', 'save'])
        .where('pin_id', '=', pin.id)
        .where('source', '=', 'YOUR_PINS')
        .execute();
      expect(rows.map((r) => ({ day: String(r.day), save: Number(r.save) }))).toEqual([{ day, save: 1 }]);
      const read = await t.app.inject({
        method: 'GET',
        url: `/v5/pins/${pin.id}/analytics?start_date=${day}&end_date=${day}&metric_types=SAVE`,
        headers: owner.auth,
      });
      expect(read.statusCode, read.body).toBe(200);
      expect(read.json().all.summary_metrics).toEqual({ SAVE: 1 });
    } finally {
      await t.app.inject({ method: 'DELETE', url: '/_corkboard/clock', headers: admin.auth });
    }
  });

  it('records nothing when the API reads pins', async () => {
    const pin = await t.factories.pin({ owner });
    for (const url of [`/v5/pins/${pin.id}`, '/v5/pins', `/v5/boards/${pin.boardId}/pins`]) {
      const res = await t.app.inject({ method: 'GET', url, headers: owner.auth });
      expect(res.statusCode).toBe(200);
    }
    expect(await rawEventsOf(t, pin.id)).toEqual([]);
  });
});

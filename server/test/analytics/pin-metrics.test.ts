import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import type { TestUser } from '../helpers/factories.js';
import { expectSpecResponse } from '../helpers/spec.js';
import { backdatePin, claim, events, record } from './reads-support.js';

/**
 * pin_metrics on pins/get, pins/list and boards/list_pins. A business account's pin P:
 *
 *   100 days ago  7 impressions, 1 comment          (lifetime only)
 *    90 days ago  3 impressions                     (lifetime only: "90d" is today and the 89 days before)
 *    89 days ago  2 impressions                     (inside "90d")
 *     1 day ago  10 impressions, 5 pin clicks, 2 outbound clicks, 3 reactions
 *
 * "90d": 12 impressions, 5 pin clicks, 2 clickthroughs. Lifetime: 22 impressions, 5 pin
 * clicks, 2 clickthroughs, 3 reactions, 1 comment. A stranger's pin linking to the owner's
 * claimed site gives the owner OTHER_PINS rows, which never count in a pin's own metrics.
 */
describe('pin_metrics', () => {
  let t: TestApp;
  let owner: TestUser;
  let stranger: TestUser;
  let pinId: string;
  let quietPinId: string;
  let strangersPinId: string;
  let boardId: string;

  const expected = {
    '90d': { pin_click: 5, impression: 12, clickthrough: 2 },
    lifetime_metrics: { pin_click: 5, impression: 22, clickthrough: 2, reaction: 3, comment: 1 },
  };
  const zero = {
    '90d': { pin_click: 0, impression: 0, clickthrough: 0 },
    lifetime_metrics: { pin_click: 0, impression: 0, clickthrough: 0, reaction: 0, comment: 0 },
  };

  beforeAll(async () => {
    t = await buildTestApp();
    owner = await t.factories.user({ accountType: 'BUSINESS' });
    stranger = await t.factories.user({ accountType: 'BUSINESS' });
    await claim(t, owner, 'owner.example');
    const board = await t.factories.board({ owner });
    boardId = board.id;
    pinId = (await t.factories.pin({ owner, board })).id;
    quietPinId = (await t.factories.pin({ owner, board })).id;
    strangersPinId = (await t.factories.pin({ owner: stranger, link: 'https://owner.example/x' })).id;
    await backdatePin(t, pinId, 120);
    const at = (dayOffset: number) => ({ pinId, dayOffset, appType: 'WEB' as const });
    await record(t, [
      ...events('IMPRESSION', 7, at(-100)),
      ...events('COMMENT', 1, at(-100)),
      ...events('IMPRESSION', 3, at(-90)),
      ...events('IMPRESSION', 2, at(-89)),
      ...events('IMPRESSION', 10, at(-1)),
      ...events('PIN_CLICK', 5, { ...at(-1), appType: 'MOBILE' }),
      ...events('OUTBOUND_CLICK', 2, at(-1)),
      ...events('REACTION', 3, { ...at(-1), appType: 'TABLET' }),
      ...events('IMPRESSION', 40, { pinId: strangersPinId, dayOffset: -1, appType: 'WEB' }),
    ]);
  });
  afterEach(() => {
    expect(t.serverErrors).toEqual([]);
  });
  afterAll(async () => {
    await t.close();
  });

  async function get(url: string, user: TestUser = owner) {
    const res = await t.app.inject({ method: 'GET', url, headers: user.auth });
    expect(res.statusCode, res.body).toBe(200);
    return res.json();
  }

  it("pins/get gives the owner's pin its last 90 days and lifetime, in the spec's shape", async () => {
    const body = await get(`/v5/pins/${pinId}?pin_metrics=true`);
    expectSpecResponse('pins/get', 200, body, { optional: [] });
    expect(body.pin_metrics).toEqual(expected);
  });

  it('gives a pin without events zeros, and leaves the field out unless asked', async () => {
    expect((await get(`/v5/pins/${quietPinId}?pin_metrics=true`)).pin_metrics).toEqual(zero);
    expect(await get(`/v5/pins/${pinId}`)).not.toHaveProperty('pin_metrics');
    expect(await get(`/v5/pins/${pinId}?pin_metrics=false`)).not.toHaveProperty('pin_metrics');
  });

  it('pins/list and boards/list_pins give each pin its own metrics', async () => {
    const list = await get('/v5/pins?pin_metrics=true&page_size=250');
    expectSpecResponse('pins/list', 200, list, { optional: [] });
    const byId = Object.fromEntries(
      list.items.map((p: { id: string; pin_metrics: unknown }) => [p.id, p.pin_metrics]),
    );
    expect(byId[pinId]).toEqual(expected);
    expect(byId[quietPinId]).toEqual(zero);
    const onBoard = await get(`/v5/boards/${boardId}/pins?pin_metrics=true`);
    expectSpecResponse('boards/list_pins', 200, onBoard, { optional: [] });
    expect(onBoard.items.find((p: { id: string }) => p.id === pinId).pin_metrics).toEqual(expected);
  });

  it("is null for another user's pin and for a pinner's own pins", async () => {
    const strangers = await get(`/v5/pins/${strangersPinId}?pin_metrics=true`);
    expect(strangers.pin_metrics).toBeNull();
    const seenByStranger = await get(`/v5/pins/${pinId}?pin_metrics=true`, stranger);
    expect(seenByStranger.pin_metrics).toBeNull();
    const pinner = await t.factories.user({ accountType: 'PINNER' });
    const own = await t.factories.pin({ owner: pinner });
    await record(t, events('IMPRESSION', 2, { pinId: own.id, dayOffset: -1, appType: 'WEB' }));
    const body = await get(`/v5/pins/${own.id}?pin_metrics=true`, pinner);
    expectSpecResponse('pins/get', 200, body, { optional: [] });
    expect(body.pin_metrics).toBeNull();
  });

  it('the stranger sees its own pin metrics, not counting other accounts’ rows', async () => {
    const body = await get(`/v5/pins/${strangersPinId}?pin_metrics=true`, stranger);
    expect(body.pin_metrics).toEqual({
      '90d': { pin_click: 0, impression: 40, clickthrough: 0 },
      lifetime_metrics: { pin_click: 0, impression: 40, clickthrough: 0, reaction: 0, comment: 0 },
    });
  });
});

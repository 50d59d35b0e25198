import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import type { TestUser } from '../helpers/factories.js';
import { countsOf, rawEventsOf, signedInBrowser } from './live-helpers.js';

const ANDROID_TABLET =
  'Mozilla/5.0 (Linux; Android 13; SM-X710) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36';

let t: TestApp;
let owner: TestUser;

beforeAll(async () => {
  t = await buildTestApp();
  owner = await t.factories.user({ accountType: 'BUSINESS' });
});
afterAll(async () => {
  await t?.close();
});

describe('the outbound-click redirect /r/{pin_id}', () => {
  it("sends the browser to the pin's link with a 302 and counts an outbound click", async () => {
    const pin = await t.factories.pin({ owner, link: 'https://shop.test/item?id=7&ref=a%20b' });
    const res = await t.app.inject({
      method: 'GET',
      url: `/r/${pin.id}`,
      headers: { 'user-agent': ANDROID_TABLET },
    });
    expect(res.statusCode).toBe(302);
    expect(res.headers.location).toBe('https://shop.test/item?id=7&ref=a%20b');
    expect(res.headers['cache-control']).toBe('no-store');
    await t.app.inject({ method: 'GET', url: `/r/${pin.id}` });
    expect(await rawEventsOf(t, pin.id)).toEqual([
      { type: 'OUTBOUND_CLICK', viewer: null, app: 'TABLET' },
      { type: 'OUTBOUND_CLICK', viewer: null, app: 'WEB' },
    ]);
    expect(await countsOf(t, pin.id)).toMatchObject({ outbound_click: 2, impression: 0 });
  });

  it('counts nothing for HEAD', async () => {
    const pin = await t.factories.pin({ owner, link: 'http://shop.test/' });
    const res = await t.app.inject({ method: 'HEAD', url: `/r/${pin.id}` });
    expect(res.statusCode).toBe(302);
    expect(await rawEventsOf(t, pin.id)).toEqual([]);
  });

  it('answers 404 for a pin without an http(s) link, an unknown pin or a malformed id', async () => {
    const noLink = await t.factories.pin({ owner, link: null });
    const oddLink = await t.factories.pin({ owner });
    await t.app.ctx.database.db
      .updateTable('pins')
      .set({ link: 'ftp://shop.test/file' })
      .where('id', '=', oddLink.id)
      .execute();
    for (const url of [`/r/${noLink.id}`, `/r/${oddLink.id}`, '/r/999999999999999', '/r/not-a-pin']) {
      const res = await t.app.inject({ method: 'GET', url });
      expect(res.statusCode, url).toBe(404);
      expect(res.json()).toMatchObject({ code: 404 });
    }
    expect(await rawEventsOf(t, noLink.id)).toEqual([]);
    expect(await rawEventsOf(t, oddLink.id)).toEqual([]);
  });

  it("hides a secret pin from others and follows it for its owner's session", async () => {
    const board = await t.factories.board({ owner, privacy: 'SECRET' });
    const pin = await t.factories.pin({ owner, board, link: 'https://shop.test/secret' });
    const anonymous = await t.app.inject({ method: 'GET', url: `/r/${pin.id}` });
    expect(anonymous.statusCode).toBe(404);
    const stranger = await signedInBrowser(t, await t.factories.user());
    expect((await stranger.get(`/r/${pin.id}`)).statusCode).toBe(404);
    const mine = await signedInBrowser(t, owner);
    const res = await mine.get(`/r/${pin.id}`);
    expect(res.statusCode).toBe(302);
    expect(res.headers.location).toBe('https://shop.test/secret');
    expect(await rawEventsOf(t, pin.id)).toEqual([
      { type: 'OUTBOUND_CLICK', viewer: owner.user.id, app: 'WEB' },
    ]);
  });
});

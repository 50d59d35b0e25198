import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Browser, signUp } from '../accounts/browser.js';
import type { TestApp } from '../helpers/app.js';
import { buildWebTestApp } from '../helpers/web-build.js';
import type { TestUser } from '../helpers/factories.js';

const HOSTILE_TITLE = '</script><script>alert(1)</script><!-- & "quoted"';

interface FeedPage {
  items: Array<{ id: string; title: string | null; is_owner: boolean }>;
  bookmark: string | null;
}

/** The JSON the home page carries, read as the web app reads it (textContent, JSON.parse). */
function inlinedFeed(html: string): FeedPage {
  const match = /<script type="application\/json" id="home-feed">([^<]*)<\/script>/.exec(html);
  if (!match) throw new Error(`no inlined feed in:\n${html.slice(0, 2000)}`);
  return JSON.parse(match[1]!) as FeedPage;
}

/** The static cards' pin links, in order. */
function cardPinIds(html: string): string[] {
  const row = /<div class="feed-first-row">(.*?)<\/ul><\/div>/s.exec(html)?.[1] ?? '';
  return [...row.matchAll(/<a class="pin-card" href="\/pin\/(\d+)">/g)].map((m) => m[1]!);
}

describe('the home page with the first page of the feed in it', () => {
  let t: TestApp;
  let other: TestUser;
  let hostilePin: string;
  let secretPin: string;
  let me: Browser;
  let myPin: string;

  beforeAll(async () => {
    t = await buildWebTestApp();
    other = await t.factories.user({ username: 'home_other' });
    const board = await t.factories.board({ owner: other });
    // More than a page (25), so the first page has a bookmark.
    for (let i = 0; i < 26; i++) await t.factories.pin({ owner: other, board, title: `Public ${i}` });
    hostilePin = (await t.factories.pin({ owner: other, board, title: HOSTILE_TITLE })).id;
    const secret = await t.factories.board({ owner: other, privacy: 'SECRET' });
    secretPin = (await t.factories.pin({ owner: other, board: secret, title: 'Secret sauce' })).id;
    const signed = await signUp(t.app, { username: 'home_me' });
    me = signed.browser;
    const meUser = await t.app.ctx.accounts.getByUsername('home_me');
    const owner: TestUser = { user: meUser!, token: '', auth: { authorization: '' } };
    myPin = (await t.factories.pin({ owner, title: 'My own pin' })).id;
  });
  afterAll(async () => {
    await t?.close();
  });

  it('carries exactly what GET /api/feed answers an anonymous visitor', async () => {
    const home = await t.app.inject({ method: 'GET', url: '/' });
    expect(home.statusCode).toBe(200);
    const feed = await t.app.inject({ method: 'GET', url: '/api/feed' });
    expect(inlinedFeed(home.body)).toEqual(feed.json());
    expect(inlinedFeed(home.body).items).toHaveLength(25);
    expect(inlinedFeed(home.body).bookmark).toEqual(expect.any(String));
    // The static first row: as many cards as the widest grid has columns, the feed's first.
    const firstIds = (feed.json() as FeedPage).items.map((pin) => pin.id);
    expect(cardPinIds(home.body)).toEqual(firstIds.slice(0, 8));
  });

  it('escapes user text: a title cannot end the script element or add markup', async () => {
    const home = await t.app.inject({ method: 'GET', url: '/' });
    // Only the page's own script elements end in the page: the one with the feed.
    expect(home.body.match(/<\/script>/g)).toHaveLength(1);
    expect(home.body).not.toContain('<script>alert(1)');
    expect(home.body).not.toContain('<!--');
    // Read back, the title is the text as written; shown, it is text (entities), not HTML.
    expect(inlinedFeed(home.body).items.find((pin) => pin.id === hostilePin)?.title).toBe(HOSTILE_TITLE);
    expect(home.body).toContain(
      '<span class="pin-card-title">&#60;/script&#62;&#60;script&#62;alert(1)&#60;/script&#62;&#60;!-- &#38; &#34;quoted&#34;</span>',
    );
  });

  it('holds no secret pin of anyone, not even its title', async () => {
    for (const res of [await t.app.inject({ method: 'GET', url: '/' }), await me.get('/')]) {
      expect(inlinedFeed(res.body).items.map((pin) => pin.id)).not.toContain(secretPin);
      expect(res.body).not.toContain(secretPin);
      expect(res.body).not.toContain('Secret sauce');
    }
  });

  it("is the signed-in visitor's own feed page, whose bookmark pages on with their session", async () => {
    const home = await me.get('/');
    const page = inlinedFeed(home.body);
    expect(page).toEqual((await me.get('/api/feed')).json());
    expect(page.items[0]).toMatchObject({ id: myPin, is_owner: true });
    const anonymous = inlinedFeed((await t.app.inject({ method: 'GET', url: '/' })).body);
    expect(anonymous.items[0]).toMatchObject({ id: myPin, is_owner: false });

    const next = await me.get(`/api/feed?bookmark=${encodeURIComponent(page.bookmark!)}`);
    expect(next.statusCode).toBe(200);
    const nextIds = (next.json() as FeedPage).items.map((pin) => pin.id);
    expect(nextIds.length).toBeGreaterThan(0);
    expect(nextIds.filter((id) => page.items.some((pin) => pin.id === id))).toEqual([]);
    // The bookmark is bound to its visitor: an anonymous visitor cannot use it.
    const foreign = await t.app.inject({
      method: 'GET',
      url: `/api/feed?bookmark=${encodeURIComponent(page.bookmark!)}`,
    });
    expect(foreign.statusCode).toBe(400);
  });

  it('is gzipped for a browser that accepts it', async () => {
    const plain = await t.app.inject({ method: 'GET', url: '/' });
    const zipped = await t.app.inject({
      method: 'GET',
      url: '/',
      headers: { 'accept-encoding': 'gzip, br' },
    });
    expect(zipped.headers['content-encoding']).toBe('gzip');
    expect(zlib.gunzipSync(zipped.rawPayload).toString()).toBe(plain.body);
  });
});

describe('the home page of an empty site', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildWebTestApp();
  });
  afterAll(async () => {
    await t?.close();
  });

  it('says the feed is empty, with no cards, so the app shows its empty state without asking', async () => {
    const home = await t.app.inject({ method: 'GET', url: '/' });
    expect(home.statusCode).toBe(200);
    expect(inlinedFeed(home.body)).toEqual({ items: [], bookmark: null });
    expect(home.body).not.toContain('feed-first-row');
    expect(home.body).toContain('<header class="site-header">');
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Browser, signUp } from '../accounts/browser.js';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import type { TestUser } from '../helpers/factories.js';
import { testPng } from '../helpers/images.js';

interface PinJson {
  id: string;
  title: string | null;
  is_owner: boolean;
  dominant_color: string | null;
  media: { images?: Record<string, { url: string; width: number; height: number }> };
}
interface BoardJson {
  id: string;
  name: string;
  privacy: string;
}
const ids = (items: Array<{ id: string }>) => items.map((item) => item.id);

describe('the web app JSON under /api', () => {
  let t: TestApp;
  let me: Browser;
  let myId: string;
  let other: TestUser;
  let othersPublicPin: string;
  let othersSecretPin: string;
  let othersSecretBoard: string;

  beforeAll(async () => {
    t = await buildTestApp();
    const signed = await signUp(t.app, { username: 'web_me' });
    me = signed.browser;
    myId = signed.res.json().id;
    other = await t.factories.user({ username: 'web_other' });
    othersPublicPin = (await t.factories.pin({ owner: other, title: 'Public <b>pin</b>' })).id;
    const secret = await t.factories.board({ owner: other, privacy: 'SECRET' });
    othersSecretBoard = secret.id;
    othersSecretPin = (await t.factories.pin({ owner: other, board: secret, title: 'Hidden' })).id;
  });
  afterAll(() => t.close());

  it('gives the field limits the server enforces', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/limits' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      pin: { title: 100, description: 800, link: 2048, alt_text: 500 },
      board: { name: 180, description: 500 },
      password: { min: 8, max: 200 },
      username: { pattern: '^[A-Za-z0-9_]{3,30}$' },
      image: { max_bytes: 20 * 1024 * 1024, content_types: ['image/jpeg', 'image/png'] },
    });
  });

  it('shows public pins in the home feed to anyone, and no secret pin', async () => {
    const anonymous = await t.app.inject({ method: 'GET', url: '/api/feed' });
    expect(anonymous.statusCode).toBe(200);
    const feed = anonymous.json() as { items: PinJson[]; bookmark: string | null };
    expect(ids(feed.items)).toContain(othersPublicPin);
    expect(ids(feed.items)).not.toContain(othersSecretPin);
    expect(feed.items.find((p) => p.id === othersPublicPin)?.title).toBe('Public <b>pin</b>');
    expect((await me.get('/api/feed')).json().items.map((p: PinJson) => p.id)).not.toContain(othersSecretPin);
  });

  it('leaves my own secret pins out of the home feed but shows them on my board', async () => {
    const board = (
      await me.post('/api/boards', { name: 'Mine secret', privacy: 'SECRET' })
    ).json() as BoardJson;
    expect(board.privacy).toBe('SECRET');
    const image = await testPng();
    const created = await me.post('/api/pins', {
      board_id: board.id,
      title: 'My secret pin',
      media_source: { source_type: 'image_base64', content_type: image.contentType, data: image.base64 },
    });
    expect(created.statusCode).toBe(201);
    const pin = created.json() as PinJson;
    expect(pin.is_owner).toBe(true);
    expect(pin.media.images?.['600x']?.url).toMatch(/\/media\//);
    expect(ids((await me.get('/api/feed')).json().items)).not.toContain(pin.id);
    expect(ids((await me.get(`/api/boards/${board.id}/pins`)).json().items)).toEqual([pin.id]);
    expect((await me.get(`/api/pins/${pin.id}`)).statusCode).toBe(200);
    // Nobody else finds it: not signed in, nor signed in as someone else.
    expect((await t.app.inject({ method: 'GET', url: `/api/pins/${pin.id}` })).statusCode).toBe(404);
    const stranger = (await signUp(t.app, { username: 'web_stranger' })).browser;
    expect((await stranger.get(`/api/pins/${pin.id}`)).statusCode).toBe(404);
    expect((await stranger.get(`/api/boards/${board.id}`)).statusCode).toBe(404);
    expect((await stranger.get(`/api/boards/${board.id}/pins`)).statusCode).toBe(404);
    expect(ids((await stranger.get('/api/users/web_me/boards')).json().items)).not.toContain(board.id);
    expect(ids((await me.get('/api/users/web_me/boards')).json().items)).toContain(board.id);
  });

  it("answers another person's secret board and pin with 404", async () => {
    for (const url of [
      `/api/pins/${othersSecretPin}`,
      `/api/boards/${othersSecretBoard}`,
      `/api/boards/${othersSecretBoard}/pins`,
      `/api/boards/${othersSecretBoard}/sections`,
    ]) {
      const res = await me.get(url);
      expect(res.statusCode, url).toBe(404);
    }
    const boards = (await me.get('/api/users/web_other/boards')).json() as { items: BoardJson[] };
    expect(ids(boards.items)).not.toContain(othersSecretBoard);
    const pins = (await me.get('/api/users/web_other/pins')).json() as { items: PinJson[] };
    expect(ids(pins.items)).toEqual([othersPublicPin]);
  });

  it('pages the feed by bookmark without repeats', async () => {
    const owner = await t.factories.user();
    for (let i = 0; i < 3; i++) await t.factories.pin({ owner, title: `Paged ${i}` });
    const seen: string[] = [];
    let bookmark: string | null = null;
    do {
      const url: string = `/api/feed?page_size=2${bookmark ? `&bookmark=${encodeURIComponent(bookmark)}` : ''}`;
      const page = (await t.app.inject({ method: 'GET', url })).json() as {
        items: PinJson[];
        bookmark: string | null;
      };
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...ids(page.items));
      bookmark = page.bookmark;
    } while (bookmark);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.length).toBeGreaterThanOrEqual(4);
    const bad = await t.app.inject({ method: 'GET', url: '/api/feed?bookmark=forged.value' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().code).toBe(1);
  });

  it('needs a session for writes (401) and the CSRF token (403)', async () => {
    const anonymous = new Browser(t.app);
    const noSession = await anonymous.post('/api/boards', { name: 'Nope' });
    expect(noSession.statusCode).toBe(401);
    expect(noSession.json().code).toBe(2);
    const noCsrf = await me.post('/api/boards', { name: 'No token' }, { csrf: false });
    expect(noCsrf.statusCode).toBe(403);
    expect((await me.get('/api/boards')).json().items.map((b: BoardJson) => b.name)).not.toContain(
      'No token',
    );
  });

  it('names the bad field of a pin and creates nothing', async () => {
    const board = (await me.post('/api/boards', { name: 'Checked' })).json() as BoardJson;
    const image = await testPng();
    const res = await me.post('/api/pins', {
      board_id: board.id,
      title: 'x'.repeat(101),
      media_source: { source_type: 'image_base64', content_type: image.contentType, data: image.base64 },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: 1 });
    expect(res.json().message).toContain("'title'");
    const link = await me.post('/api/pins', {
      board_id: board.id,
      link: 'javascript:alert(1)',
      media_source: { source_type: 'image_base64', content_type: image.contentType, data: image.base64 },
    });
    expect(link.statusCode).toBe(400);
    expect(link.json().message).toContain("'link'");
    expect((await me.get(`/api/boards/${board.id}/pins`)).json().items).toEqual([]);
  });

  it("edits, saves and deletes pins as their services allow; never another's", async () => {
    const board = (await me.post('/api/boards', { name: 'Saves' })).json() as BoardJson;
    const saved = await me.post(`/api/pins/${othersPublicPin}/save`, { board_id: board.id });
    expect(saved.statusCode).toBe(201);
    const copy = saved.json() as PinJson & { parent_pin_id: string };
    expect(copy.parent_pin_id).toBe(othersPublicPin);
    expect(ids((await me.get('/api/users/web_me/pins?origin=saved')).json().items)).toContain(copy.id);

    const edited = await me.request('PATCH', `/api/pins/${copy.id}`, { title: 'Renamed' });
    expect(edited.statusCode).toBe(200);
    expect(edited.json().title).toBe('Renamed');

    const notMine = await me.request('PATCH', `/api/pins/${othersPublicPin}`, { title: 'Hijack' });
    expect(notMine.statusCode).toBe(403);
    expect((await me.request('DELETE', `/api/pins/${othersPublicPin}`)).statusCode).toBe(403);

    expect((await me.request('DELETE', `/api/pins/${copy.id}`)).statusCode).toBe(204);
    expect((await me.get(`/api/pins/${copy.id}`)).statusCode).toBe(404);
  });

  it('edits and deletes my board with its sections', async () => {
    const board = (await me.post('/api/boards', { name: 'To edit' })).json() as BoardJson;
    const section = await me.post(`/api/boards/${board.id}/sections`, { name: 'Part one' });
    expect(section.statusCode).toBe(201);
    expect((await me.get(`/api/boards/${board.id}/sections`)).json().items).toEqual([section.json()]);
    const edited = await me.request('PATCH', `/api/boards/${board.id}`, {
      name: 'Edited',
      privacy: 'SECRET',
    });
    expect(edited.json()).toMatchObject({ name: 'Edited', privacy: 'SECRET' });
    const duplicate = await me.post('/api/boards', { name: 'edited' });
    expect(duplicate.statusCode).toBe(409);
    expect((await me.request('DELETE', `/api/boards/${board.id}`)).statusCode).toBe(204);
    expect((await me.get(`/api/boards/${board.id}`)).statusCode).toBe(404);
  });

  it('shows profiles, and 404 for nobody', async () => {
    const profile = await me.get('/api/users/web_me');
    expect(profile.json()).toMatchObject({ username: 'web_me', account_type: 'PINNER', is_you: true });
    expect((await me.get('/api/users/web_other')).json().is_you).toBe(false);
    expect((await me.get('/api/users/nobody_here')).statusCode).toBe(404);
    expect(myId).toMatch(/^\d+$/);
  });
});

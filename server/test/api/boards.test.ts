import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import type { TestUser } from '../helpers/factories.js';
import { mediaOf } from '../../src/modules/pins/repo.js';
import { expectSpecResponse, specScopes } from '../helpers/spec.js';

type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';

describe('boards', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp();
  });
  afterEach(() => {
    expect(t.serverErrors).toEqual([]);
  });
  afterAll(async () => {
    await t.close();
  });

  async function call(method: Method, url: string, headers: Record<string, string>, payload?: object) {
    const res = await t.app.inject({ method, url, headers, ...(payload ? { payload } : {}) });
    expect(res.statusCode, `${method} ${url}: ${res.body}`).toBeLessThan(500);
    return res;
  }

  async function listAll(user: TestUser, query = ''): Promise<Array<Record<string, unknown>>> {
    const res = await call('GET', `/v5/boards?page_size=250${query}`, user.auth);
    expect(res.statusCode).toBe(200);
    return res.json().items;
  }

  describe('boards/create', () => {
    it('creates a public board and answers 201 in the spec Board shape', async () => {
      const alice = await t.factories.user();
      const res = await call('POST', '/v5/boards', alice.auth, {
        name: '  Summer recipes ',
        description: 'Salads',
      });
      expect(res.statusCode).toBe(201);
      const body = res.json();
      expectSpecResponse('boards/create', 201, body);
      expect(body).toMatchObject({
        name: 'Summer recipes',
        description: 'Salads',
        privacy: 'PUBLIC',
        is_ads_only: false,
        owner: { username: alice.user.username },
        media: { image_cover_url: null, pin_thumbnail_urls: [] },
        pin_count: 0,
        follower_count: 0,
        collaborator_count: 0,
      });
      expect(body.id).toMatch(/^\d+$/);
      expect(body.created_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
      expect(body.board_pins_modified_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    });

    it('makes ads-only boards PROTECTED and PROTECTED boards ads-only', async () => {
      const alice = await t.factories.user();
      const adsOnly = await call('POST', '/v5/boards', alice.auth, {
        name: 'Ads',
        is_ads_only: true,
        privacy: 'PUBLIC',
      });
      expect(adsOnly.json()).toMatchObject({ privacy: 'PROTECTED', is_ads_only: true });
      const protectedBoard = await call('POST', '/v5/boards', alice.auth, {
        name: 'Protected',
        privacy: 'PROTECTED',
      });
      expect(protectedBoard.json()).toMatchObject({ privacy: 'PROTECTED', is_ads_only: true });
    });

    it('refuses a name the owner already uses, ignoring case, with 409', async () => {
      const alice = await t.factories.user();
      expect((await call('POST', '/v5/boards', alice.auth, { name: 'Recipes' })).statusCode).toBe(201);
      const dup = await call('POST', '/v5/boards', alice.auth, { name: 'RECIPES' });
      expect(dup.statusCode).toBe(409);
      expect(dup.json()).toEqual({ code: 409, message: 'You already have a board with this name.' });
      expect(await listAll(alice)).toHaveLength(1);
      // Another owner may use the same name.
      const bob = await t.factories.user();
      expect((await call('POST', '/v5/boards', bob.auth, { name: 'recipes' })).statusCode).toBe(201);
    });

    it.each([
      [{}, 'name'],
      [{ name: '' }, 'name'],
      [{ name: '    ' }, 'name'],
      [{ name: 'x'.repeat(181) }, 'name'],
      [{ name: 'ok', description: 'd'.repeat(501) }, 'description'],
      [{ name: 'ok', privacy: 'FRIENDS' }, 'privacy'],
      [{ name: 'ok', is_ads_only: 'maybe' }, 'is_ads_only'],
      [{ name: 'nul\u0000name' }, 'name'],
    ])('answers 400 code 1 naming the field for %j and creates nothing', async (payload, field) => {
      const alice = await t.factories.user();
      const res = await call('POST', '/v5/boards', alice.auth, payload);
      expect(res.statusCode).toBe(400);
      expect(res.json().code).toBe(1);
      expect(res.json().message).toContain(field);
      expect(await listAll(alice)).toHaveLength(0);
    });

    it('accepts a name of exactly 180 characters and a description of 500', async () => {
      const alice = await t.factories.user();
      const res = await call('POST', '/v5/boards', alice.auth, {
        name: 'n'.repeat(180),
        description: 'd'.repeat(500),
      });
      expect(res.statusCode).toBe(201);
    });

    it('needs boards:write_secret to create a SECRET board', async () => {
      const alice = await t.factories.user();
      const headers = await t.factories.tokenWithout(alice.user.id, ['boards:write_secret']);
      const res = await call('POST', '/v5/boards', headers, { name: 'Hidden', privacy: 'SECRET' });
      expect(res.statusCode).toBe(403);
      expect(res.json()).toEqual({ code: 3, message: expect.stringContaining('boards:write_secret') });
      expect(await listAll(alice)).toHaveLength(0);
      const ok = await call('POST', '/v5/boards', alice.auth, { name: 'Hidden', privacy: 'SECRET' });
      expect(ok.statusCode).toBe(201);
      expect(ok.json().privacy).toBe('SECRET');
    });
  });

  describe('boards/get', () => {
    it('returns the caller’s board and another user’s public board', async () => {
      const board = await t.factories.board({ description: 'mine' });
      const own = await call('GET', `/v5/boards/${board.id}`, board.owner.auth);
      expect(own.statusCode).toBe(200);
      expectSpecResponse('boards/get', 200, own.json());
      expect(own.json()).toMatchObject({ id: board.id, name: board.name, description: 'mine' });
      const bob = await t.factories.user();
      const other = await call('GET', `/v5/boards/${board.id}`, bob.auth);
      expect(other.statusCode).toBe(200);
      expect(other.json().owner.username).toBe(board.owner.user.username);
    });

    it('answers 404 for another user’s SECRET or PROTECTED board', async () => {
      const bob = await t.factories.user();
      for (const privacy of ['SECRET', 'PROTECTED'] as const) {
        const board = await t.factories.board({ privacy });
        const res = await call('GET', `/v5/boards/${board.id}`, bob.auth);
        expect(res.statusCode).toBe(404);
        expect(res.json()).toEqual({ code: 404, message: 'Board not found.' });
      }
    });

    it('answers 403 code 3 naming boards:read_secret when the owner’s token lacks it', async () => {
      const board = await t.factories.board({ privacy: 'SECRET' });
      const headers = await t.factories.tokenWithout(board.owner.user.id, ['boards:read_secret']);
      const res = await call('GET', `/v5/boards/${board.id}`, headers);
      expect(res.statusCode).toBe(403);
      expect(res.json()).toEqual({ code: 3, message: expect.stringContaining('boards:read_secret') });
    });

    it('answers 400 naming board_id for a non-numeric id and 404 for ids outside 1..2^63-1', async () => {
      const alice = await t.factories.user();
      const bad = await call('GET', '/v5/boards/abc', alice.auth);
      expect(bad.statusCode).toBe(400);
      expect(bad.json()).toEqual({ code: 1, message: expect.stringContaining('board_id') });
      for (const id of ['0', '9223372036854775808', '99999999999999999999999']) {
        const res = await call('GET', `/v5/boards/${id}`, alice.auth);
        expect(res.statusCode, id).toBe(404);
      }
    });
  });

  describe('boards/list', () => {
    it('lists the caller’s own boards newest first in the spec shape', async () => {
      const alice = await t.factories.user();
      const first = await t.factories.board({ owner: alice });
      const second = await t.factories.board({ owner: alice });
      await t.factories.board(); // someone else's
      const res = await call('GET', '/v5/boards', alice.auth);
      expect(res.statusCode).toBe(200);
      expectSpecResponse('boards/list', 200, res.json());
      expect(res.json().items.map((b: { id: string }) => b.id)).toEqual([second.id, first.id]);
      expect(res.json().bookmark).toBeNull();
    });

    it('filters by privacy, and leaves secret boards out without boards:read_secret', async () => {
      const alice = await t.factories.user();
      const pub = await t.factories.board({ owner: alice, privacy: 'PUBLIC' });
      const prot = await t.factories.board({ owner: alice, privacy: 'PROTECTED' });
      const secret = await t.factories.board({ owner: alice, privacy: 'SECRET' });
      const ids = async (query: string, user: TestUser | { auth: Record<string, string> } = alice) => {
        const res = await call('GET', `/v5/boards?page_size=250${query}`, user.auth);
        expect(res.statusCode).toBe(200);
        return res
          .json()
          .items.map((b: { id: string }) => b.id)
          .sort();
      };
      expect(await ids('')).toEqual([pub.id, prot.id, secret.id].sort());
      expect(await ids('&privacy=ALL')).toEqual([pub.id, prot.id, secret.id].sort());
      expect(await ids('&privacy=PUBLIC')).toEqual([pub.id]);
      expect(await ids('&privacy=PROTECTED')).toEqual([prot.id]);
      expect(await ids('&privacy=SECRET')).toEqual([secret.id]);
      expect(await ids('&privacy=PUBLIC_AND_SECRET')).toEqual([pub.id, secret.id].sort());

      const noSecret = { auth: await t.factories.tokenWithout(alice.user.id, ['boards:read_secret']) };
      expect(await ids('', noSecret)).toEqual([pub.id, prot.id].sort());
      const refused = await call('GET', '/v5/boards?privacy=SECRET', noSecret.auth);
      expect(refused.statusCode).toBe(403);
      expect(refused.json()).toEqual({ code: 3, message: expect.stringContaining('boards:read_secret') });

      const bad = await call('GET', '/v5/boards?privacy=FRIENDS', alice.auth);
      expect(bad.statusCode).toBe(400);
      expect(bad.json()).toEqual({ code: 1, message: expect.stringContaining('privacy') });
    });

    it('pages through 60 boards 25 at a time, stable while boards are added', async () => {
      const alice = await t.factories.user();
      const created: string[] = [];
      for (let i = 0; i < 60; i++)
        created.push((await t.factories.board({ owner: alice, name: `Board ${i}` })).id);
      const seen: string[] = [];
      const sizes: number[] = [];
      let bookmark: string | null = null;
      let page = 0;
      do {
        const query: string = bookmark ? `&bookmark=${encodeURIComponent(bookmark)}` : '';
        const res = await call('GET', `/v5/boards?page_size=25${query}`, alice.auth);
        expect(res.statusCode).toBe(200);
        const body = res.json();
        sizes.push(body.items.length);
        seen.push(...body.items.map((b: { id: string }) => b.id));
        bookmark = body.bookmark;
        if (page++ === 0) {
          // Boards added after the first page come before it (newest first): no duplicate, no gap.
          await t.factories.board({ owner: alice, name: 'Late 1' });
          await t.factories.board({ owner: alice, name: 'Late 2' });
        }
      } while (bookmark);
      expect(sizes).toEqual([25, 25, 10]);
      expect(seen).toEqual([...created].reverse());
    });

    it('answers 400 code 1 for a tampered bookmark, one from another list, and a bad page_size', async () => {
      const alice = await t.factories.user();
      for (let i = 0; i < 3; i++) await t.factories.board({ owner: alice });
      const first = (await call('GET', '/v5/boards?page_size=1', alice.auth)).json();
      expect(first.bookmark).toEqual(expect.any(String));
      const tampered = first.bookmark.slice(0, -2) + (first.bookmark.endsWith('AA') ? 'BB' : 'AA');
      for (const url of [
        `/v5/boards?page_size=1&bookmark=${encodeURIComponent(tampered)}`,
        `/v5/boards?page_size=1&privacy=PUBLIC&bookmark=${encodeURIComponent(first.bookmark)}`,
        `/v5/boards?page_size=1&bookmark=not-a-bookmark`,
      ]) {
        const res = await call('GET', url, alice.auth);
        expect(res.statusCode, url).toBe(400);
        expect(res.json()).toEqual({ code: 1, message: expect.stringContaining('bookmark') });
      }
      const bob = await t.factories.user();
      const foreign = await call(
        'GET',
        `/v5/boards?page_size=1&bookmark=${encodeURIComponent(first.bookmark)}`,
        bob.auth,
      );
      expect(foreign.statusCode).toBe(400);
      for (const size of ['0', '251', 'ten']) {
        const res = await call('GET', `/v5/boards?page_size=${size}`, alice.auth);
        expect(res.statusCode).toBe(400);
        expect(res.json()).toEqual({ code: 1, message: expect.stringContaining('page_size') });
      }
    });
  });

  describe('board media and counts', () => {
    it('covers a board with its newest pin and thumbnails of up to 5 newest', async () => {
      const board = await t.factories.board();
      const pins = [];
      for (let i = 0; i < 6; i++) pins.push(await t.factories.pin({ owner: board.owner, board }));
      const res = await call('GET', `/v5/boards/${board.id}`, board.owner.auth);
      const body = res.json();
      const newest = pins[pins.length - 1]!;
      expect(body.pin_count).toBe(6);
      expect(body.media.image_cover_url).toBe(
        `${t.config.publicUrl}/media/${mediaOf(newest).items[0]!.image.sizes['400x300'].key}`,
      );
      expect(body.media.pin_thumbnail_urls).toEqual(
        pins
          .slice(1)
          .reverse()
          .map((p) => `${t.config.publicUrl}/media/${mediaOf(p).items[0]!.image.sizes['150x150'].key}`),
      );
      // The same in a list of boards (computed for the page in one query).
      const listed = (await listAll(board.owner)).find((b) => b.id === board.id)!;
      expect(listed.media).toEqual(body.media);
      expect(listed.pin_count).toBe(6);
    });

    it('shows no cover, thumbnail or count from pins the token may not read', async () => {
      const board = await t.factories.board({ privacy: 'SECRET' });
      await t.factories.pin({ owner: board.owner, board });
      const full = (await call('GET', `/v5/boards/${board.id}`, board.owner.auth)).json();
      expect(full.pin_count).toBe(1);
      expect(full.media.image_cover_url).toEqual(expect.any(String));
      const headers = await t.factories.tokenWithout(board.owner.user.id, ['pins:read_secret']);
      const limited = (await call('GET', `/v5/boards/${board.id}`, headers)).json();
      expect(limited.media).toEqual({ image_cover_url: null, pin_thumbnail_urls: [] });
      expect(limited.pin_count).toBe(0);
    });

    it('keeps pin_count in step as pins are added and removed', async () => {
      const board = await t.factories.board();
      const pin = await t.factories.pin({ owner: board.owner, board });
      await t.factories.pin({ owner: board.owner, board });
      expect((await call('GET', `/v5/boards/${board.id}`, board.owner.auth)).json().pin_count).toBe(2);
      const del = await call('DELETE', `/v5/pins/${pin.id}`, board.owner.auth);
      expect(del.statusCode).toBe(204);
      expect((await call('GET', `/v5/boards/${board.id}`, board.owner.auth)).json().pin_count).toBe(1);
    });
  });

  describe('boards/update', () => {
    it('renames, describes and changes privacy, answering the BoardWithUpdatePrivacy shape', async () => {
      const board = await t.factories.board();
      const res = await call('PATCH', `/v5/boards/${board.id}`, board.owner.auth, {
        name: 'Renamed',
        description: 'New words',
        privacy: 'SECRET',
      });
      expect(res.statusCode).toBe(200);
      expectSpecResponse('boards/update', 200, res.json());
      expect(res.json()).toMatchObject({
        id: board.id,
        name: 'Renamed',
        description: 'New words',
        privacy: 'SECRET',
      });
      const back = await call('PATCH', `/v5/boards/${board.id}`, board.owner.auth, {
        privacy: 'PUBLIC',
        description: null,
      });
      expect(back.json()).toMatchObject({ privacy: 'PUBLIC', description: null, name: 'Renamed' });
    });

    it('refuses a duplicate name with a message that begins "Could not edit board"', async () => {
      const alice = await t.factories.user();
      await t.factories.board({ owner: alice, name: 'Garden' });
      const other = await t.factories.board({ owner: alice, name: 'Travel' });
      const res = await call('PATCH', `/v5/boards/${other.id}`, alice.auth, { name: 'garden' });
      expect(res.statusCode).toBe(409);
      expect(res.json().code).toBe(409);
      expect(res.json().message).toMatch(/^Could not edit board/);
      expect((await call('GET', `/v5/boards/${other.id}`, alice.auth)).json().name).toBe('Travel');
      // Renaming a board to its own name in another case is allowed.
      const same = await call('PATCH', `/v5/boards/${other.id}`, alice.auth, { name: 'TRAVEL' });
      expect(same.statusCode).toBe(200);
    });

    it.each([
      [{ name: '' }, 'name'],
      [{ name: 'x'.repeat(181) }, 'name'],
      [{ description: 'd'.repeat(501) }, 'description'],
      [{ privacy: 'PROTECTED' }, 'privacy'],
    ])('answers 400 code 1 naming the field for %j and changes nothing', async (payload, field) => {
      const board = await t.factories.board({ name: 'Untouched', description: 'same' });
      const res = await call('PATCH', `/v5/boards/${board.id}`, board.owner.auth, payload);
      expect(res.statusCode).toBe(400);
      expect(res.json()).toEqual({ code: 1, message: expect.stringContaining(field) });
      const after = (await call('GET', `/v5/boards/${board.id}`, board.owner.auth)).json();
      expect(after).toMatchObject({ name: 'Untouched', description: 'same', privacy: 'PUBLIC' });
    });

    it('needs boards:write_secret to make a board SECRET or to change a secret board', async () => {
      const board = await t.factories.board();
      const secret = await t.factories.board({ owner: board.owner, privacy: 'SECRET' });
      const headers = await t.factories.tokenWithout(board.owner.user.id, ['boards:write_secret']);
      const toSecret = await call('PATCH', `/v5/boards/${board.id}`, headers, { privacy: 'SECRET' });
      expect(toSecret.statusCode).toBe(403);
      expect(toSecret.json()).toEqual({ code: 3, message: expect.stringContaining('boards:write_secret') });
      const rename = await call('PATCH', `/v5/boards/${secret.id}`, headers, { name: 'x' });
      expect(rename.statusCode).toBe(403);
      expect(rename.json().code).toBe(3);
      expect((await call('GET', `/v5/boards/${board.id}`, board.owner.auth)).json().privacy).toBe('PUBLIC');
    });

    it('answers 403 code 29 for another user’s public board and 404 for their secret one', async () => {
      const bob = await t.factories.user();
      const pub = await t.factories.board();
      const secret = await t.factories.board({ privacy: 'SECRET' });
      const res = await call('PATCH', `/v5/boards/${pub.id}`, bob.auth, { name: 'Mine now' });
      expect(res.statusCode).toBe(403);
      expect(res.json().code).toBe(29);
      expect((await call('PATCH', `/v5/boards/${secret.id}`, bob.auth, { name: 'x' })).statusCode).toBe(404);
      expect((await call('GET', `/v5/boards/${pub.id}`, pub.owner.auth)).json().name).toBe(pub.name);
    });
  });

  describe('boards/delete', () => {
    it('deletes the board with its sections and pins, then the files nobody else uses', async () => {
      const board = await t.factories.board();
      const section = await t.factories.section({ board });
      const inSection = await t.factories.pin({ owner: board.owner, board, section });
      const plain = await t.factories.pin({ owner: board.owner, board });
      // Bob saved one of them: that media root is still in use after the board goes.
      const bob = await t.factories.user();
      const bobBoard = await t.factories.board({ owner: bob });
      const saved = await call('POST', `/v5/pins/${plain.id}/save`, bob.auth, { board_id: bobBoard.id });
      expect(saved.statusCode).toBe(201);

      const discard = vi.spyOn(t.app.ctx.media, 'discardRoot');
      try {
        const res = await call('DELETE', `/v5/boards/${board.id}`, board.owner.auth);
        expect(res.statusCode).toBe(204);
        expect(res.body).toBe('');
        expect(discard.mock.calls.map((c) => c[0])).toEqual([inSection.mediaRoot]);
      } finally {
        discard.mockRestore();
      }
      expect((await call('GET', `/v5/boards/${board.id}`, board.owner.auth)).statusCode).toBe(404);
      expect((await call('GET', `/v5/pins/${inSection.id}`, board.owner.auth)).statusCode).toBe(404);
      expect((await call('GET', `/v5/pins/${plain.id}`, board.owner.auth)).statusCode).toBe(404);
      expect((await call('GET', `/v5/boards/${board.id}/sections`, board.owner.auth)).statusCode).toBe(404);
      expect((await call('GET', `/v5/pins/${saved.json().id}`, bob.auth)).statusCode).toBe(200);
    });

    it('answers 403 code 29 for another user’s public board, 404 for a secret one, and keeps both', async () => {
      const bob = await t.factories.user();
      const pub = await t.factories.board();
      const secret = await t.factories.board({ privacy: 'SECRET' });
      const res = await call('DELETE', `/v5/boards/${pub.id}`, bob.auth);
      expect(res.statusCode).toBe(403);
      expect(res.json().code).toBe(29);
      expect((await call('DELETE', `/v5/boards/${secret.id}`, bob.auth)).statusCode).toBe(404);
      expect((await call('GET', `/v5/boards/${pub.id}`, pub.owner.auth)).statusCode).toBe(200);
      expect((await call('GET', `/v5/boards/${secret.id}`, secret.owner.auth)).statusCode).toBe(200);
    });

    it('needs boards:write_secret to delete a secret board', async () => {
      const secret = await t.factories.board({ privacy: 'SECRET' });
      const headers = await t.factories.tokenWithout(secret.owner.user.id, ['boards:write_secret']);
      const res = await call('DELETE', `/v5/boards/${secret.id}`, headers);
      expect(res.statusCode).toBe(403);
      expect(res.json()).toEqual({ code: 3, message: expect.stringContaining('boards:write_secret') });
      expect((await call('GET', `/v5/boards/${secret.id}`, secret.owner.auth)).statusCode).toBe(200);
    });
  });

  describe('boards/list_pins', () => {
    it('lists the board’s pins newest first in the spec shape, pin_metrics only on request', async () => {
      const board = await t.factories.board();
      const a = await t.factories.pin({ owner: board.owner, board });
      const b = await t.factories.pin({ owner: board.owner, board, carouselItems: 3 });
      const res = await call('GET', `/v5/boards/${board.id}/pins`, board.owner.auth);
      expect(res.statusCode).toBe(200);
      expectSpecResponse('boards/list_pins', 200, res.json());
      expect(res.json().items.map((p: { id: string }) => p.id)).toEqual([b.id, a.id]);
      expect(res.json().items[0]).not.toHaveProperty('pin_metrics');
      const withMetrics = await call('GET', `/v5/boards/${board.id}/pins?pin_metrics=true`, board.owner.auth);
      expect(withMetrics.json().items[0].pin_metrics).toBeNull();
      const carousels = await call(
        'GET',
        `/v5/boards/${board.id}/pins?creative_types=CAROUSEL`,
        board.owner.auth,
      );
      expect(carousels.json().items.map((p: { id: string }) => p.id)).toEqual([b.id]);
      const both = await call(
        'GET',
        `/v5/boards/${board.id}/pins?creative_types=CAROUSEL,REGULAR`,
        board.owner.auth,
      );
      expect(both.json().items).toHaveLength(2);
      const bad = await call('GET', `/v5/boards/${board.id}/pins?creative_types=BANNER`, board.owner.auth);
      expect(bad.statusCode).toBe(400);
      expect(bad.json()).toEqual({ code: 1, message: expect.stringContaining('creative_types') });
    });

    it('answers 404 for another user’s secret board, and 403 code 3 for the owner without a read_secret scope', async () => {
      const board = await t.factories.board({ privacy: 'SECRET' });
      await t.factories.pin({ owner: board.owner, board });
      const bob = await t.factories.user();
      const res = await call('GET', `/v5/boards/${board.id}/pins`, bob.auth);
      expect(res.statusCode).toBe(404);
      expect(res.json()).toEqual({ code: 404, message: 'Board not found.' });
      for (const scope of ['boards:read_secret', 'pins:read_secret']) {
        const headers = await t.factories.tokenWithout(board.owner.user.id, [scope]);
        const limited = await call('GET', `/v5/boards/${board.id}/pins`, headers);
        expect(limited.statusCode).toBe(403);
        expect(limited.json()).toEqual({ code: 3, message: expect.stringContaining(scope) });
      }
    });
  });

  describe('scopes', () => {
    it.each([
      'boards/list',
      'boards/create',
      'boards/get',
      'boards/update',
      'boards/delete',
      'boards/list_pins',
    ])('%s answers 403 code 3 for each required scope missing', async (operationId) => {
      const scopes = specScopes(operationId);
      expect(scopes.length).toBeGreaterThan(0);
      const board = await t.factories.board();
      const requests: Record<string, [Method, string, object?]> = {
        'boards/list': ['GET', '/v5/boards'],
        'boards/create': ['POST', '/v5/boards', { name: 'Scoped' }],
        'boards/get': ['GET', `/v5/boards/${board.id}`],
        'boards/update': ['PATCH', `/v5/boards/${board.id}`, { name: 'Scoped' }],
        'boards/delete': ['DELETE', `/v5/boards/${board.id}`],
        'boards/list_pins': ['GET', `/v5/boards/${board.id}/pins`],
      };
      const [method, url, payload] = requests[operationId]!;
      for (const scope of scopes) {
        const headers = await t.factories.tokenWithout(board.owner.user.id, [scope]);
        const res = await call(method, url, headers, payload);
        expect(res.statusCode, scope).toBe(403);
        expect(res.json()).toEqual({ code: 3, message: expect.stringContaining(scope) });
      }
      const after = await call('GET', `/v5/boards/${board.id}`, board.owner.auth);
      expect(after.json().name).toBe(board.name);
    });
  });
});

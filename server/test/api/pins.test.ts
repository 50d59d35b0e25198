import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import type { TestUser } from '../helpers/factories.js';
import { mediaOf } from '../../src/modules/pins/repo.js';
import { expectSpecResponse, specScopes } from '../helpers/spec.js';

type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';
type Headers = Record<string, string>;

describe('pins (get, list, update, delete, save)', () => {
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

  async function call(method: Method, url: string, headers: Headers, payload?: object) {
    const res = await t.app.inject({ method, url, headers, ...(payload ? { payload } : {}) });
    expect(res.statusCode, `${method} ${url}: ${res.body}`).toBeLessThan(500);
    return res;
  }

  async function listIds(user: TestUser | { auth: Headers }, query = ''): Promise<string[]> {
    const res = await call('GET', `/v5/pins?page_size=250${query}`, user.auth);
    expect(res.statusCode, res.body).toBe(200);
    return res.json().items.map((p: { id: string }) => p.id);
  }

  const mediaUrl = (key: string) => `${t.config.publicUrl}/media/${key}`;

  describe('pins/get', () => {
    it('returns a single-image pin in the spec Pin shape', async () => {
      const pin = await t.factories.pin({
        title: 'Tomatoes',
        description: 'Red',
        link: 'https://example.com/t',
      });
      const res = await call('GET', `/v5/pins/${pin.id}`, pin.owner.auth);
      expect(res.statusCode).toBe(200);
      const body = res.json();
      expectSpecResponse('pins/get', 200, body);
      const image = mediaOf(pin).items[0]!.image;
      expect(body).toEqual({
        id: pin.id,
        created_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
        link: 'https://example.com/t',
        title: 'Tomatoes',
        description: 'Red',
        dominant_color: '#336699',
        alt_text: null,
        creative_type: 'REGULAR',
        board_id: pin.boardId,
        board_section_id: null,
        board_owner: { username: pin.owner.user.username },
        is_owner: true,
        is_standard: true,
        has_been_promoted: false,
        parent_pin_id: null,
        media: {
          media_type: 'image',
          images: {
            '150x150': { width: 150, height: 150, url: mediaUrl(image.sizes['150x150'].key) },
            '400x300': { width: 400, height: 300, url: mediaUrl(image.sizes['400x300'].key) },
            '600x': { width: 600, height: 450, url: mediaUrl(image.sizes['600x'].key) },
            '1200x': { width: 1200, height: 900, url: mediaUrl(image.sizes['1200x'].key) },
          },
        },
      });
    });

    it('returns a carousel as multiple_images and pin_metrics null only when asked', async () => {
      const pin = await t.factories.pin({ carouselItems: 3 });
      const res = await call('GET', `/v5/pins/${pin.id}?pin_metrics=true`, pin.owner.auth);
      const body = res.json();
      expectSpecResponse('pins/get', 200, body);
      expect(body.creative_type).toBe('CAROUSEL');
      expect(body.pin_metrics).toBeNull();
      expect(body.media.media_type).toBe('multiple_images');
      expect(body.media.items).toHaveLength(3);
      expect(body.media.items[0]).toEqual({
        item_type: 'image',
        images: expect.objectContaining({ '150x150': expect.any(Object) }),
        title: null,
        description: null,
        link: null,
      });
    });

    it('shows another user’s public pin with is_owner false', async () => {
      const pin = await t.factories.pin();
      const bob = await t.factories.user();
      const res = await call('GET', `/v5/pins/${pin.id}`, bob.auth);
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({
        is_owner: false,
        board_owner: { username: pin.owner.user.username },
      });
    });

    it('answers 404 for another user’s pin on a SECRET or PROTECTED board', async () => {
      const bob = await t.factories.user();
      for (const privacy of ['SECRET', 'PROTECTED'] as const) {
        const board = await t.factories.board({ privacy });
        const pin = await t.factories.pin({ owner: board.owner, board });
        const res = await call('GET', `/v5/pins/${pin.id}`, bob.auth);
        expect(res.statusCode).toBe(404);
        expect(res.json()).toEqual({ code: 404, message: 'Pin not found.' });
      }
    });

    it('answers 403 code 3 naming pins:read_secret to the owner whose token lacks it', async () => {
      const board = await t.factories.board({ privacy: 'SECRET' });
      const pin = await t.factories.pin({ owner: board.owner, board });
      const headers = await t.factories.tokenWithout(board.owner.user.id, ['pins:read_secret']);
      const res = await call('GET', `/v5/pins/${pin.id}`, headers);
      expect(res.statusCode).toBe(403);
      expect(res.json()).toEqual({ code: 3, message: expect.stringContaining('pins:read_secret') });
    });

    it('answers 400 naming pin_id for a non-numeric id and 404 outside 1..2^63-1', async () => {
      const alice = await t.factories.user();
      const bad = await call('GET', '/v5/pins/abc', alice.auth);
      expect(bad.statusCode).toBe(400);
      expect(bad.json()).toEqual({ code: 1, message: expect.stringContaining('pin_id') });
      for (const id of ['0', '9223372036854775808', '123456789012345678901234']) {
        expect((await call('GET', `/v5/pins/${id}`, alice.auth)).statusCode, id).toBe(404);
      }
    });
  });

  describe('pins/list', () => {
    it('lists only the caller’s pins, newest first, in the spec shape', async () => {
      const alice = await t.factories.user();
      const first = await t.factories.pin({ owner: alice });
      const second = await t.factories.pin({ owner: alice });
      await t.factories.pin();
      const res = await call('GET', '/v5/pins', alice.auth);
      expect(res.statusCode).toBe(200);
      expectSpecResponse('pins/list', 200, res.json());
      expect(res.json()).toMatchObject({ bookmark: null });
      expect(res.json().items.map((p: { id: string }) => p.id)).toEqual([second.id, first.id]);
      expect(res.json().items[0]).not.toHaveProperty('pin_metrics');
      const metrics = await call('GET', '/v5/pins?pin_metrics=true', alice.auth);
      expect(metrics.json().items[0].pin_metrics).toBeNull();
    });

    it('filters with pin_filter: exclude_native keeps saved pins, exclude_repins keeps created ones', async () => {
      const alice = await t.factories.user();
      const board = await t.factories.board({ owner: alice });
      const created = await t.factories.pin({ owner: alice, board });
      const other = await t.factories.pin();
      const saved = await call('POST', `/v5/pins/${other.id}/save`, alice.auth, { board_id: board.id });
      expect(saved.statusCode).toBe(201);
      expect(await listIds(alice, '&pin_filter=exclude_native')).toEqual([saved.json().id]);
      expect(await listIds(alice, '&pin_filter=exclude_repins')).toEqual([created.id]);
      expect(await listIds(alice, '&pin_filter=has_been_promoted')).toEqual([]);
      const bad = await call('GET', '/v5/pins?pin_filter=everything', alice.auth);
      expect(bad.statusCode).toBe(400);
      expect(bad.json()).toEqual({ code: 1, message: expect.stringContaining('pin_filter') });
    });

    it('leaves out pins on protected boards unless include_protected_pins=true', async () => {
      const alice = await t.factories.user();
      const pub = await t.factories.pin({ owner: alice });
      const protectedBoard = await t.factories.board({ owner: alice, privacy: 'PROTECTED' });
      const prot = await t.factories.pin({ owner: alice, board: protectedBoard });
      expect(await listIds(alice)).toEqual([pub.id]);
      expect(await listIds(alice, '&include_protected_pins=false')).toEqual([pub.id]);
      expect(await listIds(alice, '&include_protected_pins=true')).toEqual([prot.id, pub.id]);
    });

    it('pin_type=PRIVATE lists only pins on secret boards and needs pins:read_secret', async () => {
      const alice = await t.factories.user();
      const pub = await t.factories.pin({ owner: alice });
      const secretBoard = await t.factories.board({ owner: alice, privacy: 'SECRET' });
      const secret = await t.factories.pin({ owner: alice, board: secretBoard });
      expect(await listIds(alice)).toEqual([secret.id, pub.id]);
      expect(await listIds(alice, '&pin_type=PRIVATE')).toEqual([secret.id]);
      const headers = await t.factories.tokenWithout(alice.user.id, ['pins:read_secret']);
      expect(await listIds({ auth: headers })).toEqual([pub.id]);
      const refused = await call('GET', '/v5/pins?pin_type=PRIVATE', headers);
      expect(refused.statusCode).toBe(403);
      expect(refused.json()).toEqual({ code: 3, message: expect.stringContaining('pins:read_secret') });
    });

    it('filters by creative_types given repeated or comma-separated', async () => {
      const alice = await t.factories.user();
      const regular = await t.factories.pin({ owner: alice });
      const carousel = await t.factories.pin({ owner: alice, carouselItems: 2 });
      expect(await listIds(alice, '&creative_types=CAROUSEL')).toEqual([carousel.id]);
      expect(await listIds(alice, '&creative_types=REGULAR')).toEqual([regular.id]);
      expect(await listIds(alice, '&creative_types=REGULAR&creative_types=CAROUSEL')).toEqual([
        carousel.id,
        regular.id,
      ]);
      expect(await listIds(alice, '&creative_types=REGULAR,CAROUSEL')).toEqual([carousel.id, regular.id]);
      expect(await listIds(alice, '&creative_types=VIDEO')).toEqual([]);
      const bad = await call('GET', '/v5/pins?creative_types=GIF', alice.auth);
      expect(bad.statusCode).toBe(400);
      expect(bad.json()).toEqual({ code: 1, message: expect.stringContaining('creative_types') });
    });

    it('pages through 60 pins 25 at a time, stable while pins are added', async () => {
      const alice = await t.factories.user();
      const board = await t.factories.board({ owner: alice });
      const created: string[] = [];
      for (let i = 0; i < 60; i++) created.push((await t.factories.pin({ owner: alice, board })).id);
      const seen: string[] = [];
      const sizes: number[] = [];
      let bookmark: string | null = null;
      let page = 0;
      do {
        const query: string = bookmark ? `&bookmark=${encodeURIComponent(bookmark)}` : '';
        const res = await call('GET', `/v5/pins?page_size=25${query}`, alice.auth);
        expect(res.statusCode).toBe(200);
        sizes.push(res.json().items.length);
        seen.push(...res.json().items.map((p: { id: string }) => p.id));
        bookmark = res.json().bookmark;
        if (page++ === 1) await t.factories.pin({ owner: alice, board });
      } while (bookmark);
      expect(sizes).toEqual([25, 25, 10]);
      expect(seen).toEqual([...created].reverse());

      // The same board through boards/list_pins.
      const boardSeen: string[] = [];
      bookmark = null;
      do {
        const query: string = bookmark ? `&bookmark=${encodeURIComponent(bookmark)}` : '';
        const res = await call('GET', `/v5/boards/${board.id}/pins?page_size=25${query}`, alice.auth);
        boardSeen.push(...res.json().items.map((p: { id: string }) => p.id));
        bookmark = res.json().bookmark;
      } while (bookmark);
      expect(boardSeen).toHaveLength(61);
      expect(new Set(boardSeen).size).toBe(61);
    });

    it('answers 400 code 1 for a tampered bookmark or one from another filter', async () => {
      const alice = await t.factories.user();
      for (let i = 0; i < 3; i++) await t.factories.pin({ owner: alice });
      const first = (await call('GET', '/v5/pins?page_size=1', alice.auth)).json();
      const flipped = first.bookmark.slice(0, -1) + (first.bookmark.endsWith('A') ? 'B' : 'A');
      for (const url of [
        `/v5/pins?page_size=1&bookmark=${encodeURIComponent(flipped)}`,
        `/v5/pins?page_size=1&pin_filter=exclude_repins&bookmark=${encodeURIComponent(first.bookmark)}`,
        `/v5/pins?page_size=1&creative_types=REGULAR&bookmark=${encodeURIComponent(first.bookmark)}`,
      ]) {
        const res = await call('GET', url, alice.auth);
        expect(res.statusCode, url).toBe(400);
        expect(res.json()).toEqual({ code: 1, message: expect.stringContaining('bookmark') });
      }
    });
  });

  describe('pins/update', () => {
    it('updates text fields and answers the spec Pin shape', async () => {
      const pin = await t.factories.pin();
      const res = await call('PATCH', `/v5/pins/${pin.id}`, pin.owner.auth, {
        title: 'New title',
        description: 'New description',
        link: 'http://example.org/page?q=1',
        alt_text: 'A bowl',
      });
      expect(res.statusCode).toBe(200);
      expectSpecResponse('pins/update', 200, res.json());
      expect(res.json()).toMatchObject({
        id: pin.id,
        title: 'New title',
        description: 'New description',
        link: 'http://example.org/page?q=1',
        alt_text: 'A bowl',
      });
      const cleared = await call('PATCH', `/v5/pins/${pin.id}`, pin.owner.auth, { link: null, title: null });
      expect(cleared.json()).toMatchObject({ link: null, title: null, description: 'New description' });
    });

    it.each([
      [{ title: 't'.repeat(101) }, 'title'],
      [{ description: 'd'.repeat(801) }, 'description'],
      [{ link: `https://example.com/${'l'.repeat(2030)}` }, 'link'],
      [{ link: 'not a url' }, 'link'],
      [{ link: 'javascript:alert(1)' }, 'link'],
      [{ link: 'ftp://example.com/file' }, 'link'],
      [{ alt_text: 'a'.repeat(501) }, 'alt_text'],
      [{ board_id: 'abc' }, 'board_id'],
      [{ board_section_id: 'x1' }, 'board_section_id'],
      [{ carousel_slots: [{ title: 'not a carousel' }] }, 'carousel_slots'],
      [{ title: 'nul\u0000' }, 'title'],
    ])('answers 400 code 1 naming the field for %j and changes nothing', async (payload, field) => {
      const pin = await t.factories.pin({ title: 'Same', link: 'https://example.com/same' });
      const res = await call('PATCH', `/v5/pins/${pin.id}`, pin.owner.auth, payload);
      expect(res.statusCode).toBe(400);
      expect(res.json()).toEqual({ code: 1, message: expect.stringContaining(field) });
      const after = (await call('GET', `/v5/pins/${pin.id}`, pin.owner.auth)).json();
      expect(after).toMatchObject({
        title: 'Same',
        link: 'https://example.com/same',
        description: null,
        alt_text: null,
      });
    });

    it('accepts each field at its limit', async () => {
      const pin = await t.factories.pin();
      const res = await call('PATCH', `/v5/pins/${pin.id}`, pin.owner.auth, {
        title: 't'.repeat(100),
        description: 'd'.repeat(800),
        link: `https://example.com/${'l'.repeat(2048 - 'https://example.com/'.length)}`,
        alt_text: 'a'.repeat(500),
      });
      expect(res.statusCode).toBe(200);
    });

    it('moves a pin to another board and section, keeping both boards’ counts right', async () => {
      const alice = await t.factories.user();
      const from = await t.factories.board({ owner: alice });
      const to = await t.factories.board({ owner: alice });
      const fromSection = await t.factories.section({ board: from });
      const toSection = await t.factories.section({ board: to });
      const pin = await t.factories.pin({ owner: alice, board: from, section: fromSection });
      const moved = await call('PATCH', `/v5/pins/${pin.id}`, alice.auth, { board_id: to.id });
      expect(moved.statusCode).toBe(200);
      expect(moved.json()).toMatchObject({ board_id: to.id, board_section_id: null });
      const count = async (id: string) =>
        (await call('GET', `/v5/boards/${id}`, alice.auth)).json().pin_count;
      expect(await count(from.id)).toBe(0);
      expect(await count(to.id)).toBe(1);

      const inSection = await call('PATCH', `/v5/pins/${pin.id}`, alice.auth, {
        board_section_id: toSection.id,
      });
      expect(inSection.json()).toMatchObject({ board_id: to.id, board_section_id: toSection.id });
      const listed = await call('GET', `/v5/boards/${to.id}/sections/${toSection.id}/pins`, alice.auth);
      expect(listed.json().items.map((p: { id: string }) => p.id)).toEqual([pin.id]);
      const out = await call('PATCH', `/v5/pins/${pin.id}`, alice.auth, { board_section_id: null });
      expect(out.json().board_section_id).toBeNull();

      const back = await call('PATCH', `/v5/pins/${pin.id}`, alice.auth, {
        board_id: from.id,
        board_section_id: fromSection.id,
      });
      expect(back.json()).toMatchObject({ board_id: from.id, board_section_id: fromSection.id });
      expect(await count(from.id)).toBe(1);
      expect(await count(to.id)).toBe(0);
    });

    it('refuses a section of another board (404) and another user’s board (403 code 29, or 404 when secret)', async () => {
      const pin = await t.factories.pin();
      const elsewhere = await t.factories.section({ board: await t.factories.board({ owner: pin.owner }) });
      const wrongSection = await call('PATCH', `/v5/pins/${pin.id}`, pin.owner.auth, {
        board_section_id: elsewhere.id,
      });
      expect(wrongSection.statusCode).toBe(404);
      const bobsPublic = await t.factories.board();
      const toPublic = await call('PATCH', `/v5/pins/${pin.id}`, pin.owner.auth, { board_id: bobsPublic.id });
      expect(toPublic.statusCode).toBe(403);
      expect(toPublic.json().code).toBe(29);
      const bobsSecret = await t.factories.board({ privacy: 'SECRET' });
      expect(
        (await call('PATCH', `/v5/pins/${pin.id}`, pin.owner.auth, { board_id: bobsSecret.id })).statusCode,
      ).toBe(404);
      expect(
        (await call('PATCH', `/v5/pins/${pin.id}`, pin.owner.auth, { board_id: '99999999999999999999' }))
          .statusCode,
      ).toBe(404);
      const after = (await call('GET', `/v5/pins/${pin.id}`, pin.owner.auth)).json();
      expect(after).toMatchObject({ board_id: pin.boardId, board_section_id: null });
    });

    it('updates carousel slots by position', async () => {
      const pin = await t.factories.pin({ carouselItems: 3 });
      const res = await call('PATCH', `/v5/pins/${pin.id}`, pin.owner.auth, {
        carousel_slots: [{ title: 'First', link: 'https://example.com/1' }, { description: 'Second words' }],
      });
      expect(res.statusCode).toBe(200);
      expectSpecResponse('pins/update', 200, res.json());
      const items = res.json().media.items;
      expect(items[0]).toMatchObject({ title: 'First', link: 'https://example.com/1', description: null });
      expect(items[1]).toMatchObject({ title: null, link: null, description: 'Second words' });
      expect(items[2]).toMatchObject({ title: null, link: null, description: null });
      const tooMany = await call('PATCH', `/v5/pins/${pin.id}`, pin.owner.auth, {
        carousel_slots: [{}, {}, {}, {}],
      });
      expect(tooMany.statusCode).toBe(400);
      expect(tooMany.json().message).toContain('carousel_slots');
      const badLink = await call('PATCH', `/v5/pins/${pin.id}`, pin.owner.auth, {
        carousel_slots: [{ link: 'nope' }],
      });
      expect(badLink.statusCode).toBe(400);
      expect(badLink.json().message).toContain('carousel_slots[0].link');
    });

    it('answers 403 code 29 for another user’s public pin and 404 for their secret one', async () => {
      const bob = await t.factories.user();
      const pub = await t.factories.pin({ title: 'Theirs' });
      const res = await call('PATCH', `/v5/pins/${pub.id}`, bob.auth, { title: 'Mine' });
      expect(res.statusCode).toBe(403);
      expect(res.json().code).toBe(29);
      const secretBoard = await t.factories.board({ privacy: 'SECRET' });
      const secret = await t.factories.pin({ owner: secretBoard.owner, board: secretBoard });
      expect((await call('PATCH', `/v5/pins/${secret.id}`, bob.auth, { title: 'Mine' })).statusCode).toBe(
        404,
      );
      expect((await call('GET', `/v5/pins/${pub.id}`, pub.owner.auth)).json().title).toBe('Theirs');
    });

    it('needs pins:write_secret to change a pin on a secret board or to move one into it', async () => {
      const alice = await t.factories.user();
      const secretBoard = await t.factories.board({ owner: alice, privacy: 'SECRET' });
      const secret = await t.factories.pin({ owner: alice, board: secretBoard, title: 'Hidden' });
      const pub = await t.factories.pin({ owner: alice });
      const headers = await t.factories.tokenWithout(alice.user.id, ['pins:write_secret']);
      const edit = await call('PATCH', `/v5/pins/${secret.id}`, headers, { title: 'x' });
      expect(edit.statusCode).toBe(403);
      expect(edit.json()).toEqual({ code: 3, message: expect.stringContaining('pins:write_secret') });
      const move = await call('PATCH', `/v5/pins/${pub.id}`, headers, { board_id: secretBoard.id });
      expect(move.statusCode).toBe(403);
      expect(move.json()).toEqual({ code: 3, message: expect.stringContaining('pins:write_secret') });
      expect((await call('GET', `/v5/pins/${pub.id}`, alice.auth)).json().board_id).toBe(pub.boardId);
    });
  });

  describe('pins/delete', () => {
    it('deletes the owner’s pin with 204 and discards its files', async () => {
      const pin = await t.factories.pin();
      const discard = vi.spyOn(t.app.ctx.media, 'discardRoot');
      try {
        const res = await call('DELETE', `/v5/pins/${pin.id}`, pin.owner.auth);
        expect(res.statusCode).toBe(204);
        expect(res.body).toBe('');
        expect(discard.mock.calls.map((c) => c[0])).toEqual([pin.mediaRoot]);
      } finally {
        discard.mockRestore();
      }
      expect((await call('GET', `/v5/pins/${pin.id}`, pin.owner.auth)).statusCode).toBe(404);
      expect((await call('DELETE', `/v5/pins/${pin.id}`, pin.owner.auth)).statusCode).toBe(404);
    });

    it('keeps the files while a saved copy still uses them', async () => {
      const pin = await t.factories.pin();
      const bob = await t.factories.user();
      const bobBoard = await t.factories.board({ owner: bob });
      const saved = (
        await call('POST', `/v5/pins/${pin.id}/save`, bob.auth, { board_id: bobBoard.id })
      ).json();
      const discard = vi.spyOn(t.app.ctx.media, 'discardRoot');
      try {
        expect((await call('DELETE', `/v5/pins/${pin.id}`, pin.owner.auth)).statusCode).toBe(204);
        expect(discard).not.toHaveBeenCalled();
        expect((await call('DELETE', `/v5/pins/${saved.id}`, bob.auth)).statusCode).toBe(204);
        expect(discard.mock.calls.map((c) => c[0])).toEqual([pin.mediaRoot]);
      } finally {
        discard.mockRestore();
      }
    });

    it('answers 403 code 29 for another user’s public pin, 404 for a secret one, and keeps both', async () => {
      const bob = await t.factories.user();
      const pub = await t.factories.pin();
      const secretBoard = await t.factories.board({ privacy: 'SECRET' });
      const secret = await t.factories.pin({ owner: secretBoard.owner, board: secretBoard });
      const res = await call('DELETE', `/v5/pins/${pub.id}`, bob.auth);
      expect(res.statusCode).toBe(403);
      expect(res.json().code).toBe(29);
      expect((await call('DELETE', `/v5/pins/${secret.id}`, bob.auth)).statusCode).toBe(404);
      expect((await call('GET', `/v5/pins/${pub.id}`, pub.owner.auth)).statusCode).toBe(200);
      expect((await call('GET', `/v5/pins/${secret.id}`, secret.owner.auth)).statusCode).toBe(200);
    });

    it('needs pins:write_secret to delete a pin on a secret board', async () => {
      const board = await t.factories.board({ privacy: 'SECRET' });
      const pin = await t.factories.pin({ owner: board.owner, board });
      const headers = await t.factories.tokenWithout(board.owner.user.id, ['pins:write_secret']);
      const res = await call('DELETE', `/v5/pins/${pin.id}`, headers);
      expect(res.statusCode).toBe(403);
      expect(res.json()).toEqual({ code: 3, message: expect.stringContaining('pins:write_secret') });
      expect((await call('GET', `/v5/pins/${pin.id}`, board.owner.auth)).statusCode).toBe(200);
    });
  });

  describe('pins/save', () => {
    it('saves a visible pin to the caller’s board: 201, parent_pin_id set, same media, no file copy', async () => {
      const pin = await t.factories.pin({
        title: 'Original',
        link: 'https://example.com/o',
        carouselItems: 2,
      });
      const bob = await t.factories.user();
      const board = await t.factories.board({ owner: bob });
      const section = await t.factories.section({ board });
      const res = await call('POST', `/v5/pins/${pin.id}/save`, bob.auth, {
        board_id: board.id,
        board_section_id: section.id,
      });
      expect(res.statusCode).toBe(201);
      const body = res.json();
      expectSpecResponse('pins/save', 201, body);
      expect(body).toMatchObject({
        parent_pin_id: pin.id,
        board_id: board.id,
        board_section_id: section.id,
        title: 'Original',
        link: 'https://example.com/o',
        creative_type: 'CAROUSEL',
        is_owner: true,
        board_owner: { username: bob.user.username },
      });
      expect(body.id).not.toBe(pin.id);
      const original = (await call('GET', `/v5/pins/${pin.id}`, bob.auth)).json();
      expect(body.media).toEqual(original.media);
      expect((await call('GET', `/v5/boards/${board.id}`, bob.auth)).json().pin_count).toBe(1);
      const row = await t.app.ctx.pins.deps.pinsRepo.findById(body.id);
      expect(row?.mediaRoot).toBe(pin.mediaRoot);
    });

    it('answers the spec’s errors: 404 code 50, 404 code 40, 404 code 2031, 403 code 29', async () => {
      const alice = await t.factories.user();
      const board = await t.factories.board({ owner: alice });
      const pin = await t.factories.pin();
      const secretBoard = await t.factories.board({ privacy: 'SECRET' });
      const secretPin = await t.factories.pin({ owner: secretBoard.owner, board: secretBoard });
      const save = (pinId: string, payload: object) =>
        call('POST', `/v5/pins/${pinId}/save`, alice.auth, payload);

      for (const missing of ['123', secretPin.id, '99999999999999999999']) {
        const res = await save(missing, { board_id: board.id });
        expect(res.statusCode).toBe(404);
        expect(res.json()).toEqual({ code: 50, message: 'Pin not found.' });
      }
      for (const boardId of ['123', secretBoard.id, '99999999999999999999']) {
        const res = await save(pin.id, { board_id: boardId });
        expect(res.statusCode).toBe(404);
        expect(res.json()).toEqual({ code: 40, message: 'Board not found.' });
      }
      const otherSection = await t.factories.section();
      const section = await save(pin.id, { board_id: board.id, board_section_id: otherSection.id });
      expect(section.statusCode).toBe(404);
      expect(section.json()).toEqual({ code: 2031, message: "Sorry! We couldn't find this board section." });
      const othersBoard = await t.factories.board();
      const forbidden = await save(pin.id, { board_id: othersBoard.id });
      expect(forbidden.statusCode).toBe(403);
      expect(forbidden.json()).toEqual({
        code: 29,
        message: 'You are not permitted to access that resource.',
      });
      const noBoard = await save(pin.id, {});
      expect(noBoard.statusCode).toBe(400);
      expect(noBoard.json()).toEqual({ code: 1, message: expect.stringContaining('board_id') });
      const badId = await save(pin.id, { board_id: 'board' });
      expect(badId.statusCode).toBe(400);
      expect(badId.json()).toEqual({ code: 1, message: expect.stringContaining('board_id') });
      expect(await listIds(alice)).toEqual([]);
      expect((await call('GET', `/v5/boards/${board.id}`, alice.auth)).json().pin_count).toBe(0);
    });

    it('needs pins:write_secret to save into a secret board', async () => {
      const alice = await t.factories.user();
      const secretBoard = await t.factories.board({ owner: alice, privacy: 'SECRET' });
      const pin = await t.factories.pin();
      const headers = await t.factories.tokenWithout(alice.user.id, ['pins:write_secret']);
      const res = await call('POST', `/v5/pins/${pin.id}/save`, headers, { board_id: secretBoard.id });
      expect(res.statusCode).toBe(403);
      expect(res.json()).toEqual({ code: 3, message: expect.stringContaining('pins:write_secret') });
      expect(
        (await call('POST', `/v5/pins/${pin.id}/save`, alice.auth, { board_id: secretBoard.id })).statusCode,
      ).toBe(201);
    });
  });

  describe('scopes', () => {
    it.each(['pins/get', 'pins/list', 'pins/update', 'pins/delete', 'pins/save'])(
      '%s answers 403 code 3 for each required scope missing',
      async (operationId) => {
        const pin = await t.factories.pin({ title: 'Scoped' });
        const board = await t.factories.board({ owner: pin.owner });
        const requests: Record<string, [Method, string, object?]> = {
          'pins/get': ['GET', `/v5/pins/${pin.id}`],
          'pins/list': ['GET', '/v5/pins'],
          'pins/update': ['PATCH', `/v5/pins/${pin.id}`, { title: 'Changed' }],
          'pins/delete': ['DELETE', `/v5/pins/${pin.id}`],
          'pins/save': ['POST', `/v5/pins/${pin.id}/save`, { board_id: board.id }],
        };
        const [method, url, payload] = requests[operationId]!;
        const scopes = specScopes(operationId);
        expect(scopes.length).toBeGreaterThan(0);
        for (const scope of scopes) {
          const headers = await t.factories.tokenWithout(pin.owner.user.id, [scope]);
          const res = await call(method, url, headers, payload);
          expect(res.statusCode, scope).toBe(403);
          expect(res.json()).toEqual({ code: 3, message: expect.stringContaining(scope) });
        }
        expect(await listIds(pin.owner)).toEqual([pin.id]);
        expect((await call('GET', `/v5/pins/${pin.id}`, pin.owner.auth)).json().title).toBe('Scoped');
      },
    );
  });
});

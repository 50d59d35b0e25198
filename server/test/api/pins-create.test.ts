import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { LIFT_BODY_BYTES } from '../../src/http/json-body.js';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import type { TestUser } from '../helpers/factories.js';
import {
  base64Source,
  carouselSource,
  testGif,
  testJpeg,
  testPng,
  type TestImage,
} from '../helpers/images.js';
import { expectSpecResponse, specScopes } from '../helpers/spec.js';

type Headers = Record<string, string>;

/** Every file under the test app's media directory. */
function mediaFiles(t: TestApp): string[] {
  const root = path.join(t.dataDir, 'media');
  if (!fs.existsSync(root)) return [];
  return (fs.readdirSync(root, { recursive: true, withFileTypes: true }) as fs.Dirent[])
    .filter((entry) => entry.isFile())
    .map((entry) => path.join(entry.parentPath, entry.name));
}

describe('pins/create', () => {
  let t: TestApp;
  let png: TestImage;
  let jpeg: TestImage;
  beforeAll(async () => {
    t = await buildTestApp();
    png = await testPng();
    jpeg = await testJpeg();
  });
  afterEach(() => {
    expect(t.serverErrors).toEqual([]);
  });
  afterAll(async () => {
    await t.close();
  });

  async function create(headers: Headers, payload: object) {
    const res = await t.app.inject({ method: 'POST', url: '/v5/pins', headers, payload });
    expect(res.statusCode, res.body).toBeLessThan(500);
    return res;
  }

  async function pinCount(user: TestUser): Promise<number> {
    const res = await t.app.inject({
      method: 'GET',
      url: '/v5/pins?page_size=250&include_protected_pins=true',
      headers: user.auth,
    });
    return res.json().items.length;
  }

  /** GET a media URL of this server through the app. */
  async function fetchMedia(url: string) {
    expect(url.startsWith(`${t.config.publicUrl}/media/`)).toBe(true);
    return t.app.inject({ method: 'GET', url: url.slice(t.config.publicUrl.length) });
  }

  it('creates a pin from image_base64: 201 in the spec Pin shape, files stored at every size', async () => {
    const board = await t.factories.board();
    const res = await create(board.owner.auth, {
      board_id: board.id,
      title: 'Red square',
      description: 'Very red',
      link: 'https://example.com/red',
      alt_text: 'A red square',
      media_source: base64Source(png),
    });
    expect(res.statusCode).toBe(201);
    const pin = res.json();
    expectSpecResponse('pins/create', 201, pin);
    expect(pin).toMatchObject({
      board_id: board.id,
      board_section_id: null,
      title: 'Red square',
      description: 'Very red',
      link: 'https://example.com/red',
      alt_text: 'A red square',
      creative_type: 'REGULAR',
      is_owner: true,
      is_standard: true,
      has_been_promoted: false,
      parent_pin_id: null,
      board_owner: { username: board.owner.user.username },
      media: { media_type: 'image' },
    });
    expect(pin.dominant_color).toMatch(/^#[0-9a-f]{6}$/i);
    for (const size of ['150x150', '400x300', '600x', '1200x']) {
      const image = pin.media.images[size];
      expect(image, size).toEqual({
        width: expect.any(Number),
        height: expect.any(Number),
        url: expect.any(String),
      });
      const file = await fetchMedia(image.url);
      expect(file.statusCode, size).toBe(200);
      expect(file.headers['content-type']).toMatch(/^image\//);
    }
    const boardAfter = (
      await t.app.inject({ method: 'GET', url: `/v5/boards/${board.id}`, headers: board.owner.auth })
    ).json();
    expect(boardAfter.pin_count).toBe(1);
    expect(boardAfter.media.image_cover_url).toBe(pin.media.images['400x300'].url);
  });

  it('takes a big image_base64 upload (a body past 256 KB, whose data is parsed apart) byte for byte', async () => {
    const board = await t.factories.board();
    const [width, height] = [400, 300];
    const original = await sharp(crypto.randomBytes(width * height * 3), {
      raw: { width, height, channels: 3 },
    })
      .png()
      .toBuffer();
    expect(original.toString('base64').length).toBeGreaterThan(LIFT_BODY_BYTES);
    const filesBefore = new Set(mediaFiles(t));
    const res = await create(board.owner.auth, {
      board_id: board.id,
      title: 'Noise ✓',
      media_source: {
        source_type: 'image_base64',
        content_type: 'image/png',
        data: original.toString('base64'),
      },
    });
    expect(res.statusCode, res.body).toBe(201);
    const pin = res.json();
    expect(pin.title).toBe('Noise ✓');
    expect(pin.media.images['1200x']).toMatchObject({ width, height });
    // The stored original decodes to the very pixels sent.
    const stored = mediaFiles(t).filter((file) => !filesBefore.has(file) && /\/original\.\w+$/.test(file));
    expect(stored).toHaveLength(1);
    expect(await sharp(stored[0]!).raw().toBuffer()).toEqual(await sharp(original).raw().toBuffer());
  });

  it('uses a given "#rrggbb" dominant_color, ignores an invalid one, and keeps is_standard false', async () => {
    const board = await t.factories.board();
    const given = await create(board.owner.auth, {
      board_id: board.id,
      dominant_color: '#123abc',
      media_source: { ...base64Source(jpeg), is_standard: false },
    });
    expect(given.statusCode).toBe(201);
    expect(given.json()).toMatchObject({ dominant_color: '#123abc', is_standard: false });
    const invalid = await create(board.owner.auth, {
      board_id: board.id,
      dominant_color: 'red',
      media_source: base64Source(jpeg),
    });
    expect(invalid.statusCode).toBe(201);
    expect(invalid.json().dominant_color).toMatch(/^#[0-9a-f]{6}$/i);
    expect(invalid.json().dominant_color).not.toBe('red');
  });

  it('creates a carousel from multiple_image_base64 with each image’s title, description and link', async () => {
    const board = await t.factories.board();
    const section = await t.factories.section({ board });
    const res = await create(board.owner.auth, {
      board_id: board.id,
      board_section_id: section.id,
      title: 'Carousel',
      media_source: carouselSource([png, jpeg, png], (i) => ({
        title: `Slide ${i}`,
        description: `About ${i}`,
        link: `https://example.com/${i}`,
      })),
    });
    expect(res.statusCode).toBe(201);
    const pin = res.json();
    expectSpecResponse('pins/create', 201, pin);
    expect(pin).toMatchObject({
      creative_type: 'CAROUSEL',
      board_section_id: section.id,
      media: { media_type: 'multiple_images' },
    });
    expect(pin.media.items).toHaveLength(3);
    pin.media.items.forEach((item: Record<string, unknown>, i: number) => {
      expect(item).toMatchObject({
        item_type: 'image',
        title: `Slide ${i}`,
        description: `About ${i}`,
        link: `https://example.com/${i}`,
      });
    });
    const listed = await t.app.inject({
      method: 'GET',
      url: `/v5/boards/${board.id}/sections/${section.id}/pins`,
      headers: board.owner.auth,
    });
    expect(listed.json().items.map((p: { id: string }) => p.id)).toEqual([pin.id]);
  });

  it.each(['pin_url'])('answers 400 code 1 saying %s is not supported yet', async (sourceType) => {
    const board = await t.factories.board();
    const res = await create(board.owner.auth, {
      board_id: board.id,
      media_source: { source_type: sourceType, media_id: '123' },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({ code: 1, message: expect.stringContaining('not supported yet') });
    expect(res.json().message).toContain('media_source.source_type');
  });

  describe('bad input answers 400 code 1 naming the field, and creates nothing', () => {
    const cases: Array<[string, (board: string, images: { png: TestImage; gif: string }) => object, string]> =
      [
        ['no board_id', (_b, { png }) => ({ media_source: base64Source(png) }), 'board_id'],
        [
          'a non-numeric board_id',
          (_b, { png }) => ({ board_id: 'abc', media_source: base64Source(png) }),
          'board_id',
        ],
        ['no media_source', (b) => ({ board_id: b }), 'media_source'],
        [
          'title of 101',
          (b, { png }) => ({ board_id: b, title: 't'.repeat(101), media_source: base64Source(png) }),
          'title',
        ],
        [
          'description of 801',
          (b, { png }) => ({ board_id: b, description: 'd'.repeat(801), media_source: base64Source(png) }),
          'description',
        ],
        [
          'link of 2049',
          (b, { png }) => ({
            board_id: b,
            link: `https://example.com/${'l'.repeat(2029)}`,
            media_source: base64Source(png),
          }),
          'link',
        ],
        [
          'link not a URL',
          (b, { png }) => ({ board_id: b, link: 'example dot com', media_source: base64Source(png) }),
          'link',
        ],
        [
          'link not http(s)',
          (b, { png }) => ({ board_id: b, link: 'mailto:a@example.com', media_source: base64Source(png) }),
          'link',
        ],
        [
          'alt_text of 501',
          (b, { png }) => ({ board_id: b, alt_text: 'a'.repeat(501), media_source: base64Source(png) }),
          'alt_text',
        ],
        [
          'content_type image/gif',
          (b, { gif }) => ({
            board_id: b,
            media_source: { source_type: 'image_base64', content_type: 'image/gif', data: gif },
          }),
          'media_source.content_type',
        ],
        [
          'data that is not base64',
          (b) => ({
            board_id: b,
            media_source: { source_type: 'image_base64', content_type: 'image/png', data: 'not base64!' },
          }),
          'media_source.data',
        ],
        [
          'data in base64url (- and _), which Node would decode',
          (b) => ({
            board_id: b,
            media_source: {
              source_type: 'image_base64',
              content_type: 'image/png',
              data: png.base64.replace(/\+/g, '-').replace(/\//g, '_'),
            },
          }),
          'media_source.data',
        ],
        [
          'a carousel item whose data has a space in it',
          (b) => ({
            board_id: b,
            media_source: {
              source_type: 'multiple_image_base64',
              items: [
                { content_type: 'image/png', data: png.base64 },
                { content_type: 'image/png', data: `${png.base64.slice(0, 40)} ${png.base64.slice(40)}` },
              ],
            },
          }),
          'media_source.items[1].data',
        ],
        [
          'data that is not the declared type',
          (b) => ({
            board_id: b,
            media_source: { source_type: 'image_base64', content_type: 'image/jpeg', data: png.base64 },
          }),
          'media_source.data',
        ],
        [
          'data that is not an image',
          (b) => ({
            board_id: b,
            media_source: {
              source_type: 'image_base64',
              content_type: 'image/png',
              data: Buffer.from('hello').toString('base64'),
            },
          }),
          'media_source.data',
        ],
        [
          'a carousel of 1',
          (b, { png }) => ({ board_id: b, media_source: carouselSource([png]) }),
          'media_source.items',
        ],
        [
          'a carousel of 6',
          (b, { png }) => ({ board_id: b, media_source: carouselSource([png, png, png, png, png, png]) }),
          'media_source.items',
        ],
        [
          'a carousel item without data',
          (b, { png }) => ({
            board_id: b,
            media_source: {
              source_type: 'multiple_image_base64',
              items: [{ content_type: 'image/png', data: png.base64 }, { content_type: 'image/png' }],
            },
          }),
          'media_source.items[1].data',
        ],
        [
          'a carousel item with a bad link',
          (b, { png }) => ({
            board_id: b,
            media_source: carouselSource([png, png], (i) => (i === 1 ? { link: 'nope' } : {})),
          }),
          'media_source.items[1].link',
        ],
        [
          'an unknown source_type',
          (b) => ({ board_id: b, media_source: { source_type: 'image_file' } }),
          'media_source.source_type',
        ],
        [
          'image_url without url',
          (b) => ({ board_id: b, media_source: { source_type: 'image_url' } }),
          'media_source.url',
        ],
        [
          'image_url that is not http(s)',
          (b) => ({ board_id: b, media_source: { source_type: 'image_url', url: 'file:///etc/passwd' } }),
          'media_source.url',
        ],
        [
          'a non-numeric board_section_id',
          (b, { png }) => ({ board_id: b, board_section_id: 's1', media_source: base64Source(png) }),
          'board_section_id',
        ],
      ];

    it.each(cases)('%s', async (_name, payload, field) => {
      const board = await t.factories.board();
      const before = mediaFiles(t).length;
      const res = await create(board.owner.auth, payload(board.id, { png, gif: await testGif() }));
      expect(res.statusCode).toBe(400);
      expect(res.json().code).toBe(1);
      expect(res.json().message).toContain(field);
      expect(await pinCount(board.owner)).toBe(0);
      expect(mediaFiles(t).length).toBe(before);
      const after = (
        await t.app.inject({ method: 'GET', url: `/v5/boards/${board.id}`, headers: board.owner.auth })
      ).json();
      expect(after.pin_count).toBe(0);
    });
  });

  it('accepts each text field at its limit', async () => {
    const board = await t.factories.board();
    const res = await create(board.owner.auth, {
      board_id: board.id,
      title: 't'.repeat(100),
      description: 'd'.repeat(800),
      link: `https://example.com/${'l'.repeat(2048 - 'https://example.com/'.length)}`,
      alt_text: 'a'.repeat(500),
      media_source: base64Source(png),
    });
    expect(res.statusCode).toBe(201);
  });

  it('refuses another user’s board (403 code 29, or 404 when not visible) and a foreign section (404)', async () => {
    const alice = await t.factories.user();
    const before = mediaFiles(t).length;
    const publicBoard = await t.factories.board();
    const forbidden = await create(alice.auth, { board_id: publicBoard.id, media_source: base64Source(png) });
    expect(forbidden.statusCode).toBe(403);
    expect(forbidden.json().code).toBe(29);
    for (const privacy of ['SECRET', 'PROTECTED'] as const) {
      const hidden = await t.factories.board({ privacy });
      const res = await create(alice.auth, { board_id: hidden.id, media_source: base64Source(png) });
      expect(res.statusCode).toBe(404);
      expect(res.json()).toEqual({ code: 404, message: 'Board not found.' });
    }
    for (const id of ['123', '9223372036854775808']) {
      expect((await create(alice.auth, { board_id: id, media_source: base64Source(png) })).statusCode).toBe(
        404,
      );
    }
    const own = await t.factories.board({ owner: alice });
    const foreignSection = await t.factories.section({ board: publicBoard });
    const wrongSection = await create(alice.auth, {
      board_id: own.id,
      board_section_id: foreignSection.id,
      media_source: base64Source(png),
    });
    expect(wrongSection.statusCode).toBe(404);
    expect(await pinCount(alice)).toBe(0);
    expect(
      (await t.app.inject({ method: 'GET', url: `/v5/boards/${publicBoard.id}`, headers: alice.auth })).json()
        .pin_count,
    ).toBe(0);
    expect(mediaFiles(t).length).toBe(before);
  });

  it('needs pins:write_secret to create a pin on a secret board', async () => {
    const board = await t.factories.board({ privacy: 'SECRET' });
    const headers = await t.factories.tokenWithout(board.owner.user.id, ['pins:write_secret']);
    const res = await create(headers, { board_id: board.id, media_source: base64Source(png) });
    expect(res.statusCode).toBe(403);
    expect(res.json()).toEqual({ code: 3, message: expect.stringContaining('pins:write_secret') });
    const ok = await create(board.owner.auth, { board_id: board.id, media_source: base64Source(png) });
    expect(ok.statusCode).toBe(201);
    // Another user never sees it, nor its cover.
    const bob = await t.factories.user();
    expect(
      (await t.app.inject({ method: 'GET', url: `/v5/pins/${ok.json().id}`, headers: bob.auth })).statusCode,
    ).toBe(404);
  });

  it('discards the stored files when the insert fails after the images were processed', async () => {
    const board = await t.factories.board();
    const before = mediaFiles(t).length;
    const insert = vi.spyOn(t.app.ctx.pins.deps.pinsRepo, 'insert').mockResolvedValueOnce('board_gone');
    const discard = vi.spyOn(t.app.ctx.media, 'discardRoot');
    try {
      const res = await create(board.owner.auth, { board_id: board.id, media_source: base64Source(png) });
      expect(res.statusCode).toBe(404);
      expect(discard).toHaveBeenCalledTimes(1);
    } finally {
      insert.mockRestore();
      discard.mockRestore();
    }
    expect(mediaFiles(t).length).toBe(before);
  });

  it('removes the files with the last pin that uses them (a saved copy shares them)', async () => {
    const board = await t.factories.board();
    const created = (
      await create(board.owner.auth, { board_id: board.id, media_source: base64Source(png) })
    ).json();
    const bob = await t.factories.user();
    const bobBoard = await t.factories.board({ owner: bob });
    const before = mediaFiles(t).length;
    const saved = await t.app.inject({
      method: 'POST',
      url: `/v5/pins/${created.id}/save`,
      headers: bob.auth,
      payload: { board_id: bobBoard.id },
    });
    expect(saved.statusCode).toBe(201);
    expect(saved.json().media).toEqual(created.media);
    expect(mediaFiles(t).length).toBe(before);

    const deleteOriginal = await t.app.inject({
      method: 'DELETE',
      url: `/v5/pins/${created.id}`,
      headers: board.owner.auth,
    });
    expect(deleteOriginal.statusCode).toBe(204);
    expect((await fetchMedia(created.media.images['600x'].url)).statusCode).toBe(200);
    const deleteCopy = await t.app.inject({
      method: 'DELETE',
      url: `/v5/pins/${saved.json().id}`,
      headers: bob.auth,
    });
    expect(deleteCopy.statusCode).toBe(204);
    expect((await fetchMedia(created.media.images['600x'].url)).statusCode).toBe(404);
  });

  it('records parent_pin_id when it names a pin the caller can see, and answers 404 otherwise', async () => {
    const board = await t.factories.board();
    const parent = await t.factories.pin();
    const res = await create(board.owner.auth, {
      board_id: board.id,
      parent_pin_id: parent.id,
      media_source: base64Source(png),
    });
    expect(res.statusCode).toBe(201);
    expect(res.json().parent_pin_id).toBe(parent.id);
    const secretBoard = await t.factories.board({ privacy: 'SECRET' });
    const hidden = await t.factories.pin({ owner: secretBoard.owner, board: secretBoard });
    const refused = await create(board.owner.auth, {
      board_id: board.id,
      parent_pin_id: hidden.id,
      media_source: base64Source(png),
    });
    expect(refused.statusCode).toBe(404);
    expect(refused.json()).toEqual({ code: 404, message: 'Pin not found.' });
    expect(await pinCount(board.owner)).toBe(1);
  });

  it('answers 403 code 3 for each required scope missing', async () => {
    const board = await t.factories.board();
    const scopes = specScopes('pins/create');
    expect(scopes).toEqual(['boards:read', 'boards:write', 'pins:read', 'pins:write']);
    for (const scope of scopes) {
      const headers = await t.factories.tokenWithout(board.owner.user.id, [scope]);
      const res = await create(headers, { board_id: board.id, media_source: base64Source(png) });
      expect(res.statusCode, scope).toBe(403);
      expect(res.json()).toEqual({ code: 3, message: expect.stringContaining(scope) });
    }
    expect(await pinCount(board.owner)).toBe(0);
  });
});

describe('pins/create from image URLs (served on loopback)', () => {
  let t: TestApp;
  let server: http.Server;
  let base: string;
  beforeAll(async () => {
    t = await buildTestApp({ FETCH_ALLOW_LOOPBACK: 'true' });
    const images: Record<string, TestImage> = {
      '/a.png': await testPng([10, 200, 10]),
      '/b.jpg': await testJpeg(),
    };
    server = http.createServer((req, res) => {
      const image = images[req.url ?? ''];
      if (!image) return void res.writeHead(404).end();
      res.writeHead(200, { 'content-type': image.contentType }).end(Buffer.from(image.base64, 'base64'));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterEach(() => {
    expect(t.serverErrors).toEqual([]);
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await t.close();
  });

  it('creates a pin from image_url', async () => {
    const board = await t.factories.board();
    const res = await t.app.inject({
      method: 'POST',
      url: '/v5/pins',
      headers: board.owner.auth,
      payload: { board_id: board.id, media_source: { source_type: 'image_url', url: `${base}/a.png` } },
    });
    expect(res.statusCode, res.body).toBe(201);
    expectSpecResponse('pins/create', 201, res.json());
    expect(res.json()).toMatchObject({ creative_type: 'REGULAR', media: { media_type: 'image' } });
  });

  it('creates a carousel from multiple_image_urls', async () => {
    const board = await t.factories.board();
    const res = await t.app.inject({
      method: 'POST',
      url: '/v5/pins',
      headers: board.owner.auth,
      payload: {
        board_id: board.id,
        media_source: {
          source_type: 'multiple_image_urls',
          items: [
            { url: `${base}/a.png`, title: 'A' },
            { url: `${base}/b.jpg`, link: 'https://example.com/b' },
          ],
        },
      },
    });
    expect(res.statusCode, res.body).toBe(201);
    expectSpecResponse('pins/create', 201, res.json());
    expect(res.json().creative_type).toBe('CAROUSEL');
    expect(
      res.json().media.items.map((i: { title: string | null; link: string | null }) => [i.title, i.link]),
    ).toEqual([
      ['A', null],
      [null, 'https://example.com/b'],
    ]);
  });

  it('answers 400 naming the item whose URL cannot be fetched, and creates nothing', async () => {
    const board = await t.factories.board();
    const before = mediaFiles(t).length;
    const res = await t.app.inject({
      method: 'POST',
      url: '/v5/pins',
      headers: board.owner.auth,
      payload: {
        board_id: board.id,
        media_source: {
          source_type: 'multiple_image_urls',
          items: [{ url: `${base}/a.png` }, { url: `${base}/missing.png` }],
        },
      },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({ code: 1, message: expect.stringContaining('media_source.items[1].url') });
    expect(mediaFiles(t).length).toBe(before);
    const pins = await t.app.inject({ method: 'GET', url: '/v5/pins', headers: board.owner.auth });
    expect(pins.json().items).toEqual([]);
  });
});

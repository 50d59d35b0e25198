import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { ApiError } from '../../src/lib/errors.js';
import { staticResolver, type HostResolver } from '../../src/lib/guarded-fetch.js';
import { IdGenerator } from '../../src/lib/ids.js';
import { mediaRootPrefix, MediaService } from '../../src/modules/media/service.js';
import { LocalDiskStorage } from '../../src/modules/media/storage.js';
import { PIN_IMAGE_SIZES, type ImageSource, type StoredPinMedia } from '../../src/modules/media/types.js';
import { buildTestApp, TEST_PUBLIC_URL, type TestApp } from '../helpers/app.js';
import { installLoopbackTripwire, startLoopbackServer, type LoopbackServer } from './loopback.js';
import { jpegWithGps, noisy, pngBomb, solid } from './images.js';

const tripwire = installLoopbackTripwire();

const lookups: string[] = [];
const tableResolver = staticResolver({ 'images.test': '127.0.0.1', 'internal.test': '10.0.0.9' });
const resolve: HostResolver = async (hostname) => {
  lookups.push(hostname);
  return tableResolver(hostname);
};

const base64 = (data: Buffer, contentType: 'image/jpeg' | 'image/png' = 'image/jpeg'): ImageSource => ({
  kind: 'base64',
  data: data.toString('base64'),
  contentType,
});

async function apiFailure(promise: Promise<unknown>): Promise<ApiError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(ApiError);
    return error as ApiError;
  }
  throw new Error('expected ingest to fail');
}

/** `pins/<shard>/<root>/<token>`: the folder holding the item folders of one ingest. */
function filesPrefixOf(stored: StoredPinMedia): string {
  return stored.items[0]!.image.original.key.split('/').slice(0, 4).join('/');
}

function filesUnder(folder: string): string[] {
  if (!fs.existsSync(folder)) return [];
  return (fs.readdirSync(folder, { recursive: true }) as string[])
    .filter((f) => fs.statSync(path.join(folder, f)).isFile())
    .sort();
}

let t: TestApp;
let server: LoopbackServer;
let media: MediaService;
let mediaDir: string;
let cat: Buffer;

beforeAll(async () => {
  cat = await solid(640, 480, '#cc3333');
  server = await startLoopbackServer();
  server.route('/cat.jpg', (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(cat);
  });
  server.route('/page.html', (_req, res) => {
    res.writeHead(200, { 'content-type': 'image/jpeg' }).end('<!doctype html><title>not an image</title>');
  });
  server.route('/to-internal.jpg', (_req, res) => {
    res.writeHead(302, { location: 'http://internal.test/cat.jpg' }).end();
  });
  t = await buildTestApp({ FETCH_ALLOW_LOOPBACK: 'true' }, { media: { resolve } });
  media = t.app.ctx.media;
  mediaDir = path.join(t.dataDir, 'media');
});

afterAll(async () => {
  await t.close();
  await server.close();
  tripwire.uninstall();
});

describe('MediaService.ingest', () => {
  it('stores a base64 JPEG under one sharded root with the original and four sizes', async () => {
    const stored = await media.ingest(
      [{ ...base64(cat), title: 'Red', link: 'https://example.com/' }],
      'media_source',
    );
    expect(stored.type).toBe('image');
    expect(stored.root).toMatch(/^\d+$/);
    const prefix = mediaRootPrefix(stored.root);
    expect(prefix).toBe(`pins/${stored.root.slice(-2)}/${stored.root}`);
    const [item] = stored.items;
    expect(item).toMatchObject({ title: 'Red', link: 'https://example.com/' });
    const token = filesPrefixOf(stored).slice(prefix.length + 1);
    expect(token).toMatch(/^[0-9a-f]{32}$/);
    const files = `${prefix}/${token}`;
    expect(item!.image.original).toEqual({ key: `${files}/0/original.jpg`, width: 640, height: 480 });
    expect(item!.image.sizes['600x']).toEqual({ key: `${files}/0/600x.jpg`, width: 600, height: 450 });
    expect(item!.image.dominantColor).toMatch(/^#[0-9a-f]{6}$/);
    expect(filesUnder(path.join(mediaDir, prefix))).toEqual(
      ['0/150x150.jpg', '0/1200x.jpg', '0/400x300.jpg', '0/600x.jpg', '0/original.jpg']
        .map((f) => path.join(token, ...f.split('/')))
        .sort(),
    );
    expect(media.urlFor(item!.image.original.key)).toBe(`${TEST_PUBLIC_URL}/media/${files}/0/original.jpg`);
  });

  it('puts 128 random bits in every file path, so media URLs cannot be guessed from the root id', async () => {
    const a = await media.ingest([base64(cat)], 'media_source');
    const b = await media.ingest([base64(cat)], 'media_source');
    const tokenOf = (m: StoredPinMedia) => filesPrefixOf(m).split('/').at(-1);
    expect(tokenOf(a)).toMatch(/^[0-9a-f]{32}$/);
    expect(tokenOf(a)).not.toBe(tokenOf(b));
    for (const m of [a, b]) {
      const image = m.items[0]!.image;
      for (const key of [image.original.key, ...PIN_IMAGE_SIZES.map((s) => image.sizes[s].key)]) {
        expect(key.startsWith(`${filesPrefixOf(m)}/0/`)).toBe(true);
      }
    }
  });

  it('stores files without the EXIF and GPS data of the upload', async () => {
    const stored = await media.ingest([base64(await jpegWithGps())], 'media_source');
    const image = stored.items[0]!.image;
    for (const key of [image.original.key, ...PIN_IMAGE_SIZES.map((s) => image.sizes[s].key)]) {
      const bytes = fs.readFileSync(path.join(mediaDir, key));
      expect((await sharp(bytes).metadata()).exif).toBeUndefined();
      expect(bytes.includes('SecretPhoneCo')).toBe(false);
    }
  });

  it('refuses base64 declared image/png whose bytes are a JPEG, naming the field', async () => {
    const error = await apiFailure(media.ingest([base64(cat, 'image/png')], 'media_source'));
    expect(error).toMatchObject({ statusCode: 400, code: 1 });
    expect(error.message).toBe(
      "Invalid request: 'media_source.data' is declared image/png but the data is a JPEG image.",
    );
  });

  it('refuses base64 that is not an image at all', async () => {
    const error = await apiFailure(
      media.ingest([base64(Buffer.from('just some text, honest'))], 'media_source'),
    );
    expect(error.message).toBe(
      "Invalid request: 'media_source.data' is declared image/jpeg but the data is not an image.",
    );
    const notBase64 = await apiFailure(
      media.ingest([{ kind: 'base64', data: 'a$b', contentType: 'image/jpeg' }], 'media_source'),
    );
    expect(notBase64.message).toContain('is not valid base64');
  });

  it('fetches a URL through the guard from a loopback server named by the injected resolver', async () => {
    const stored = await media.ingest([{ kind: 'url', url: server.url('/cat.jpg') }], 'media_source');
    expect(stored.items[0]!.image.original).toMatchObject({ width: 640, height: 480 });
    expect(lookups).toContain('images.test');
  });

  it('answers a URL whose body is not an image with a 400 that says so', async () => {
    const error = await apiFailure(
      media.ingest([{ kind: 'url', url: server.url('/page.html') }], 'media_source'),
    );
    expect(error).toMatchObject({ statusCode: 400, code: 1 });
    expect(error.message).toBe(
      "Invalid request: 'media_source.url' is not an image (expected JPEG, PNG, WebP or GIF).",
    );
  });

  it('answers a URL that redirects to a private address with a 400 that says so', async () => {
    const error = await apiFailure(
      media.ingest([{ kind: 'url', url: server.url('/to-internal.jpg') }], 'media_source'),
    );
    expect(error.message).toBe(
      "Invalid request: 'media_source.url' could not be fetched: internal.test resolves to a private address, which is not allowed.",
    );
  });

  it('answers a missing remote image with a 400 naming the HTTP status', async () => {
    const error = await apiFailure(
      media.ingest([{ kind: 'url', url: server.url('/no-such.jpg') }], 'media_source'),
    );
    expect(error.message).toBe(
      "Invalid request: 'media_source.url' could not be fetched: HTTP 404 from the server.",
    );
  });

  it('refuses a PNG whose header claims 20000×20000 pixels', async () => {
    const error = await apiFailure(media.ingest([base64(pngBomb(), 'image/png')], 'media_source'));
    expect(error.message).toBe(
      "Invalid request: 'media_source.data' is 20000×20000 pixels (400 megapixels); the limit is 50 megapixels.",
    );
  });
});

describe('carousels', () => {
  it('stores each item under its index, keeping titles and links', async () => {
    const stored = await media.ingest(
      [
        { ...base64(await solid(300, 300, '#00ff00', 'png'), 'image/png'), title: 'one', link: null },
        { kind: 'url', url: server.url('/cat.jpg'), title: 'two', link: 'https://example.com/2' },
        { ...base64(cat), title: null },
      ],
      'media_source',
    );
    expect(stored.type).toBe('multiple_images');
    expect(stored.items.map((i) => [i.title, i.link])).toEqual([
      ['one', null],
      ['two', 'https://example.com/2'],
      [null, null],
    ]);
    const prefix = filesPrefixOf(stored);
    expect(stored.items.map((i) => i.image.original.key)).toEqual([
      `${prefix}/0/original.png`,
      `${prefix}/1/original.jpg`,
      `${prefix}/2/original.jpg`,
    ]);
    expect(stored.items[0]!.image.dominantColor).toBe('#00ff00');
  });

  it('is all or nothing: when the second item fails, the first item’s files are removed', async () => {
    const before = filesUnder(mediaDir);
    const storage = media.storage;
    const originalPut = storage.put.bind(storage);
    const written: string[] = [];
    let firstItemWritten!: () => void;
    const firstItemDone = new Promise<void>((r) => (firstItemWritten = r));
    const spy = vi.spyOn(storage, 'put').mockImplementation(async (key, data) => {
      await originalPut(key, data);
      written.push(key);
      if (written.length === 5) firstItemWritten();
    });
    // The second image answers 404 only once every file of the first one is on disk.
    server.route('/after-first.jpg', async (_req, res) => {
      await firstItemDone;
      res.writeHead(404).end();
    });
    try {
      const error = await apiFailure(
        media.ingest([base64(cat), { kind: 'url', url: server.url('/after-first.jpg') }], 'media_source'),
      );
      expect(error.message).toBe(
        "Invalid request: 'media_source.items[1].url' could not be fetched: HTTP 404 from the server.",
      );
    } finally {
      spy.mockRestore();
    }
    expect(written).toHaveLength(5);
    for (const key of written) expect(fs.existsSync(path.join(mediaDir, key))).toBe(false);
    expect(filesUnder(mediaDir)).toEqual(before);
  });

  it('names the failing item and leaves nothing when the first item is bad', async () => {
    const before = filesUnder(mediaDir);
    const error = await apiFailure(
      media.ingest([base64(Buffer.from('garbage'), 'image/png'), base64(cat), base64(cat)], 'media_source'),
    );
    expect(error.message).toBe(
      "Invalid request: 'media_source.items[0].data' is declared image/png but the data is not an image.",
    );
    expect(filesUnder(mediaDir)).toEqual(before);
  });
});

describe("Corkboard's own media URLs", () => {
  let first: StoredPinMedia;
  beforeAll(async () => {
    first = await media.ingest(
      [base64(await solid(700, 500, '#2255aa', 'png'), 'image/png')],
      'media_source',
    );
  });

  it('copies the original behind a /media/ URL from storage without any network', async () => {
    const lookupsBefore = lookups.length;
    const hitsBefore = server.hits.length;
    const url = media.urlFor(first.items[0]!.image.sizes['1200x'].key);
    expect(url.startsWith(`${TEST_PUBLIC_URL}/media/`)).toBe(true);

    const copy = await media.ingest([{ kind: 'url', url }], 'media_source');
    expect(copy.root).not.toBe(first.root);
    expect(copy.items[0]!.image.original).toEqual({
      key: `${filesPrefixOf(copy)}/0/original.png`,
      width: 700,
      height: 500,
    });
    expect(filesPrefixOf(copy).startsWith(`${mediaRootPrefix(copy.root)}/`)).toBe(true);
    expect(copy.items[0]!.image.dominantColor).toBe('#2255aa');
    expect(lookups.length).toBe(lookupsBefore);
    expect(server.hits.length).toBe(hitsBefore);
  });

  it('answers an unknown /media/ key with a 400', async () => {
    const error = await apiFailure(
      media.ingest(
        [{ kind: 'url', url: `${TEST_PUBLIC_URL}/media/pins/00/1234500/${'ab'.repeat(16)}/0/1200x.jpg` }],
        'media_source',
      ),
    );
    expect(error.message).toBe(
      "Invalid request: 'media_source.url' names a Corkboard media file that does not exist.",
    );
    const malformed = await apiFailure(
      media.ingest(
        [{ kind: 'url', url: `${TEST_PUBLIC_URL}/media/..%2F..%2Fcorkboard.sqlite` }],
        'media_source',
      ),
    );
    expect(malformed.message).toContain('names a Corkboard media file that does not exist');
  });

  it('discardRoot removes every file of a root', async () => {
    const stored = await media.ingest([base64(cat), base64(cat)], 'media_source');
    expect(filesUnder(path.join(mediaDir, mediaRootPrefix(stored.root)))).toHaveLength(10);
    await media.discardRoot(stored.root);
    expect(fs.existsSync(path.join(mediaDir, mediaRootPrefix(stored.root)))).toBe(false);
  });
});

describe('limits from the configuration', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'corkboard-media-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  const service = new MediaService(
    new LocalDiskStorage(dir),
    loadConfig({
      DATA_DIR: dir,
      PUBLIC_URL: TEST_PUBLIC_URL,
      IMAGE_MAX_BYTES: '4096',
      FETCH_TIMEOUT_MS: '200',
      FETCH_ALLOW_LOOPBACK: 'true',
    }),
    new IdGenerator(7),
    { resolve },
  );

  it('refuses base64 over IMAGE_MAX_BYTES before decoding it', async () => {
    const big = Buffer.alloc(10_000, 0xab);
    const error = await apiFailure(service.ingest([base64(big)], 'media_source'));
    expect(error.message).toBe("Invalid request: 'media_source.data' is larger than 4 KB.");
  });

  it('refuses a download over IMAGE_MAX_BYTES', async () => {
    const big = await noisy(200, 200, 'jpeg');
    expect(big.length).toBeGreaterThan(4096);
    server.route('/noisy.jpg', (_req, res) => {
      res.writeHead(200, { 'content-type': 'image/jpeg' }).end(big);
    });
    const error = await apiFailure(
      service.ingest([{ kind: 'url', url: server.url('/noisy.jpg') }], 'media_source'),
    );
    expect(error.message).toBe(
      "Invalid request: 'media_source.url' could not be fetched: the response is larger than 4 KB.",
    );
  });

  it('gives up on a slow server after FETCH_TIMEOUT_MS', async () => {
    server.route('/slow.jpg', () => undefined);
    const error = await apiFailure(
      service.ingest([{ kind: 'url', url: server.url('/slow.jpg') }], 'media_source'),
    );
    expect(error.message).toBe(
      "Invalid request: 'media_source.url' could not be fetched: the request timed out after 0.2 s.",
    );
  });

  it('refuses loopback when FETCH_ALLOW_LOOPBACK is off', async () => {
    const strict = new MediaService(
      new LocalDiskStorage(dir),
      loadConfig({ DATA_DIR: dir, PUBLIC_URL: TEST_PUBLIC_URL }),
      new IdGenerator(8),
      {
        resolve,
      },
    );
    const error = await apiFailure(
      strict.ingest([{ kind: 'url', url: server.url('/cat.jpg') }], 'media_source'),
    );
    expect(error.message).toContain('images.test resolves to a loopback address');
  });
});

describe('GET /media/*', () => {
  let stored: StoredPinMedia;
  beforeAll(async () => {
    stored = await media.ingest([base64(cat)], 'media_source');
    fs.writeFileSync(path.join(t.dataDir, 'secret.jpg'), 'secret');
  });

  it('serves a stored file with immutable caching, its type, length, an ETag and nosniff', async () => {
    const key = stored.items[0]!.image.sizes['400x300'].key;
    const res = await t.app.inject({ method: 'GET', url: `/media/${key}` });
    expect(res.statusCode).toBe(200);
    expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(res.headers['content-type']).toBe('image/jpeg');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(Number(res.headers['content-length'])).toBe(res.rawPayload.length);
    expect(res.rawPayload.equals(fs.readFileSync(path.join(mediaDir, key)))).toBe(true);
    expect(res.headers.etag).toMatch(/^"[^"]+"$/);
    const meta = await sharp(res.rawPayload).metadata();
    expect([meta.width, meta.height]).toEqual([400, 300]);
  });

  it('answers a matching If-None-Match with 304 and no body', async () => {
    const key = stored.items[0]!.image.original.key;
    const first = await t.app.inject({ method: 'GET', url: `/media/${key}` });
    const again = await t.app.inject({
      method: 'GET',
      url: `/media/${key}`,
      headers: { 'if-none-match': first.headers.etag as string },
    });
    expect(again.statusCode).toBe(304);
    expect(again.rawPayload.length).toBe(0);
  });

  it('answers a missing key with a Pinterest-shaped 404', async () => {
    const res = await t.app.inject({
      method: 'GET',
      url: `/media/${mediaRootPrefix(stored.root)}/0/9999x.jpg`,
    });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toEqual({ code: 404, message: 'Media not found.' });
  });

  it.each([
    '/media/../secret.jpg',
    '/media/..%2Fsecret.jpg',
    '/media/%2e%2e/secret.jpg',
    '/media/pins/..%2F..%2F..%2Fsecret.jpg',
    '/media/..%5Csecret.jpg',
    '/media/%2Fetc%2Fpasswd',
    '/media/',
    '/media/corkboard.sqlite',
  ])('refuses %s with a 404', async (url) => {
    const res = await t.app.inject({ method: 'GET', url });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchObject({ code: 404 });
    expect(res.body).not.toBe('secret');
  });

  it('never let a socket in this file connect anywhere but loopback', () => {
    expect(tripwire.fired).toEqual([]);
  });
});

import fastJsonStringify from 'fast-json-stringify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backfillMediaViews } from '../../src/db/migrations/0012_pin_media_view.js';
import type { PinMediaRecord } from '../../src/modules/pins/media.js';
import { mediaViewOf } from '../../src/modules/pins/media-view.js';
import { PinJsonWriter, presentPin } from '../../src/modules/pins/presenter.js';
import { mediaOf, type PinRow } from '../../src/modules/pins/repo.js';
import { PinSchema } from '../../src/modules/pins/schemas.js';
import { buildTestApp, TEST_DATABASE, TEST_PUBLIC_URL, type TestApp } from '../helpers/app.js';
import { viewerOf, type TestUser } from '../helpers/factories.js';

/**
 * The API writes pins as JSON text by hand (PinJsonWriter), splicing each pin's stored media
 * view (pins.media_view). It must be exactly what the route's schema serializer makes of
 * presentPin, for every kind of media and any text a user can give.
 */
describe(`pin JSON text and stored media views, on ${TEST_DATABASE}`, () => {
  let t: TestApp;
  let owner: TestUser;
  const serialize = fastJsonStringify(PinSchema);
  const urlFor = (key: string) => `${TEST_PUBLIC_URL}/media/${key}`;
  const writer = new PinJsonWriter(urlFor);

  beforeAll(async () => {
    t = await buildTestApp();
    owner = await t.factories.user();
  });
  afterAll(async () => {
    await t?.close();
  });

  const TRICKY = [
    'plain',
    'quotes " and \\ backslash',
    '\u0001 starts with the mark',
    'line\nbreak\ttab \u2028 \u2029',
    '</script><script>alert(1)</script>',
    'emoji 📌 and accents é',
  ];

  async function readBack(pin: PinRow): Promise<PinRow> {
    return t.app.ctx.pins.get(viewerOf(owner), pin.id);
  }

  function videoMedia(): PinMediaRecord {
    const media = t.factories.syntheticMedia(1);
    return {
      ...media,
      type: 'video',
      video: {
        mediaId: t.app.ctx.ids.next(),
        key: 'videos/1/clip.mp4',
        durationMs: 4200,
        width: 640,
        height: 360,
      },
    };
  }

  function expectSameAsSchemaSerializer(pin: PinRow, viewerId: string): void {
    const text = writer.write(pin, viewerId);
    expect(text).toBe(serialize(presentPin(pin, { viewerId, urlFor })));
    expect(JSON.parse(text)).toEqual(presentPin(pin, { viewerId, urlFor }));
  }

  it('writes what the schema serializer makes of presentPin, for an image, a carousel and a video', async () => {
    const board = await t.factories.board({ owner });
    const image = await t.factories.pin({ owner, board, title: TRICKY[1], description: TRICKY[3] });
    const carousel = await t.factories.pin({ owner, board, carouselItems: 3, title: null });
    const video = await t.app.ctx.pins.createWithStoredMedia(
      viewerOf(owner),
      { boardId: board.id, title: 'A video', link: 'https://example.com/v?a=1&b="2"' },
      videoMedia(),
    );
    const stranger = await t.factories.user();
    for (const made of [image, carousel, video]) {
      const pin = await readBack(made);
      expect(pin.storedMedia.view).toBe(mediaViewOf(mediaOf(pin)));
      expectSameAsSchemaSerializer(pin, owner.user.id);
      expectSameAsSchemaSerializer(pin, stranger.user.id);
    }
  });

  it('keeps any user text in a carousel intact, including text that starts with the URL mark', async () => {
    const media = t.factories.syntheticMedia(TRICKY.length);
    media.items.forEach((item, i) => {
      item.title = TRICKY[i]!;
      item.description = TRICKY[(i + 1) % TRICKY.length]!;
      item.link = `https://example.com/${i}?q=${encodeURIComponent(TRICKY[i]!)}`;
    });
    const board = await t.factories.board({ owner });
    const made = await t.app.ctx.pins.createWithStoredMedia(viewerOf(owner), { boardId: board.id }, media);
    const pin = await readBack(made);
    expectSameAsSchemaSerializer(pin, owner.user.id);
    const items = (JSON.parse(writer.write(pin, owner.user.id)) as { media: { items: { title: string }[] } })
      .media.items;
    expect(items.map((item) => item.title)).toEqual(TRICKY);
  });

  it('puts the current public URL in the media URLs: the stored view holds none', async () => {
    const pin = await readBack(await t.factories.pin({ owner }));
    expect(pin.storedMedia.view).not.toContain(TEST_PUBLIC_URL);
    const moved = new PinJsonWriter((key) => `https://pins.example.org/sub/media/${key}`);
    const media = (
      JSON.parse(moved.write(pin, owner.user.id)) as { media: { images: Record<string, { url: string }> } }
    ).media;
    for (const image of Object.values(media.images))
      expect(image.url).toMatch(/^https:\/\/pins\.example\.org\/sub\/media\/pins\//);
  });

  it('presents a pin without a stored view from its media JSON', async () => {
    const pin = await readBack(await t.factories.pin({ owner, carouselItems: 2 }));
    expect(pin.storedMedia.view).not.toBeNull();
    const media = mediaOf(pin);
    const changed = { ...media, items: media.items.map((item) => ({ ...item, title: 'changed' })) };
    const copy: PinRow = { ...pin, storedMedia: { json: JSON.stringify(changed), view: null } };
    expectSameAsSchemaSerializer(copy, owner.user.id);
    expect(writer.write(copy, owner.user.id)).toContain('"title":"changed"');
  });

  it('presents a pin whose view is null (written by something that did not know the column) from media_json', async () => {
    const made = await t.factories.pin({ owner, carouselItems: 2 });
    await t.app.ctx.database.db
      .updateTable('pins')
      .set({ media_view: null })
      .where('id', '=', made.id)
      .execute();
    const pin = await readBack(made);
    expect(pin.storedMedia.view).toBeNull();
    expectSameAsSchemaSerializer(pin, owner.user.id);
  });

  it("migration 0012's backfill writes the view of every pin that has none, and leaves unreadable media null", async () => {
    const db = t.app.ctx.database.db;
    await backfillMediaViews(db as never, t.app.ctx.database.dialect); // views other tests took away
    const pins = await Promise.all([
      t.factories.pin(),
      t.factories.pin({ carouselItems: 4 }),
      t.factories.pin(),
    ]);
    const ids = pins.map((p) => p.id);
    await db.updateTable('pins').set({ media_view: null }).where('id', 'in', ids).execute();
    await db.updateTable('pins').set({ media_json: '{not json' }).where('id', '=', ids[2]!).execute();

    const written = await backfillMediaViews(db as never, t.app.ctx.database.dialect);
    expect(written).toBe(2);
    const rows = await db
      .selectFrom('pins')
      .select(['id', 'media_json', 'media_view'])
      .where('id', 'in', ids)
      .execute();
    const byId = new Map(rows.map((r) => [String(r.id), r]));
    for (const id of ids.slice(0, 2)) {
      const row = byId.get(id)!;
      expect(row.media_view).toBe(mediaViewOf(JSON.parse(row.media_json) as PinMediaRecord));
    }
    expect(byId.get(ids[2]!)!.media_view).toBeNull();
    expect(await backfillMediaViews(db as never, t.app.ctx.database.dialect)).toBe(0);
  });

  it('pins/get, boards/list_pins, board_sections/list_pins and pins/list send the written text as JSON', async () => {
    const board = await t.factories.board({ owner });
    const section = await t.factories.section({ board });
    const pin = await t.factories.pin({ owner, board, section, carouselItems: 2, title: TRICKY[2] });
    const auth = {
      authorization: `Bearer ${await t.factories.token(owner.user.id, ['boards:read', 'pins:read'])}`,
    };
    const expected = serialize(presentPin(await readBack(pin), { viewerId: owner.user.id, urlFor }));
    const get = await t.app.inject({ method: 'GET', url: `/v5/pins/${pin.id}`, headers: auth });
    expect(get.statusCode).toBe(200);
    expect(get.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(get.body).toBe(expected);
    for (const url of [
      `/v5/boards/${board.id}/pins`,
      `/v5/boards/${board.id}/sections/${section.id}/pins`,
      `/v5/pins`,
    ]) {
      const res = await t.app.inject({ method: 'GET', url, headers: auth });
      expect(res.statusCode, `${url}: ${res.body}`).toBe(200);
      expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
      const page = JSON.parse(res.body) as { items: unknown[]; bookmark: string | null };
      expect(page.items.map((item) => JSON.stringify(item))).toContain(expected);
      expect(res.body).toMatch(/^\{"items":\[.*\],"bookmark":(null|".*")\}$/s);
    }
  });
});

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import type { TestUser } from '../helpers/factories.js';
import { testPng } from '../helpers/images.js';
import { expectSpecResponse, specScopes } from '../helpers/spec.js';
import { ffmpegAvailable, freePort, makeVideo, VideoClient, type Registered } from './videos.js';

const hasFfmpeg = ffmpegAvailable();

describe.skipIf(!hasFfmpeg)('video pins over real HTTP', () => {
  let t: TestApp;
  let baseUrl: string;
  let owner: TestUser;
  let client: VideoClient;
  let boardId: string;
  let videoDir: string;
  let mp4: Buffer;
  beforeAll(async () => {
    const port = await freePort();
    baseUrl = `http://127.0.0.1:${port}`;
    t = await buildTestApp({ PUBLIC_URL: baseUrl });
    await t.app.listen({ port, host: '127.0.0.1' });
    owner = await t.factories.user();
    client = new VideoClient(baseUrl, owner.auth.authorization);
    boardId = (await t.factories.board({ owner })).id;
    videoDir = fs.mkdtempSync(path.join(os.tmpdir(), 'corkboard-videos-'));
    mp4 = fs.readFileSync(makeVideo(videoDir, 'clip', { seconds: 2, width: 320, height: 240 }));
  });
  afterEach(() => {
    expect(t.serverErrors).toEqual([]);
  });
  afterAll(async () => {
    await t?.close();
    if (videoDir) fs.rmSync(videoDir, { recursive: true, force: true });
  });

  async function uploadedVideo(data: Buffer = mp4): Promise<Registered> {
    const registered = await client.register();
    const res = await client.upload(registered, data);
    expect(res.status, await res.text()).toBe(204);
    return registered;
  }

  /** A processed upload and the video pin made from it. */
  async function videoPin() {
    const registered = await uploadedVideo();
    expect(await client.settled(registered.media_id)).toEqual({ status: 'succeeded', reason: null });
    const created = await client.api('POST', '/v5/pins', {
      board_id: boardId,
      media_source: { source_type: 'video_id', media_id: registered.media_id },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    return { registered, created };
  }

  it('registers an upload with a signed policy and reports it registered', async () => {
    const registered = await client.register();
    expect(registered.media_type).toBe('video');
    expect(registered.upload_url).toBe(`${baseUrl}/media/uploads`);
    expect(registered.upload_parameters.key).toBe(`uploads/${registered.media_id}`);
    const res = await client.media(registered.media_id);
    expect(res.body).toEqual({ media_id: registered.media_id, media_type: 'video', status: 'registered' });
  });

  it('takes the file, processes it and makes a video pin served by byte ranges', async () => {
    const registered = await uploadedVideo();
    expect(await client.settled(registered.media_id)).toEqual({ status: 'succeeded', reason: null });

    const created = await client.api('POST', '/v5/pins', {
      board_id: boardId,
      title: 'A video',
      media_source: { source_type: 'video_id', media_id: registered.media_id },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expectSpecResponse('pins/create', 201, created.body);
    const pin = created.body;
    expect(pin.creative_type).toBe('VIDEO');
    expect(pin.media.media_type).toBe('video');
    expect(pin.media.width).toBe(320);
    expect(pin.media.height).toBe(240);
    expect(pin.media.duration).toBeGreaterThanOrEqual(1900);
    expect(pin.media.duration).toBeLessThanOrEqual(2100);
    expect(pin.media.images['150x150']).toMatchObject({ width: 150, height: 150 });

    const got = await client.api('GET', `/v5/pins/${pin.id}`);
    expectSpecResponse('pins/get', 200, got.body);
    expect(got.body.media).toEqual(pin.media);

    const whole = await fetch(pin.media.video_url);
    expect(whole.status).toBe(200);
    expect(whole.headers.get('content-type')).toBe('video/mp4');
    expect(whole.headers.get('accept-ranges')).toBe('bytes');
    const bytes = Buffer.from(await whole.arrayBuffer());
    expect(bytes.subarray(4, 8).toString('latin1')).toBe('ftyp');

    const part = await fetch(pin.media.video_url, { headers: { range: 'bytes=100-199' } });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe(`bytes 100-199/${bytes.length}`);
    expect(Buffer.from(await part.arrayBuffer())).toEqual(bytes.subarray(100, 200));

    const tail = await fetch(pin.media.video_url, { headers: { range: 'bytes=-10' } });
    expect(tail.status).toBe(206);
    expect(Buffer.from(await tail.arrayBuffer())).toEqual(bytes.subarray(bytes.length - 10));

    const beyond = await fetch(pin.media.video_url, { headers: { range: `bytes=${bytes.length}-` } });
    expect(beyond.status).toBe(416);
    expect(beyond.headers.get('content-range')).toBe(`bytes */${bytes.length}`);

    const cover = await fetch(pin.media.cover_image_url);
    expect(cover.status).toBe(200);
    expect(cover.headers.get('content-type')).toBe('image/jpeg');

    const videos = await client.api('GET', '/v5/pins?creative_types=VIDEO');
    expectSpecResponse('pins/list', 200, videos.body);
    expect(videos.body.items.map((p: { id: string }) => p.id)).toContain(pin.id);
    const regular = await client.api('GET', '/v5/pins?creative_types=REGULAR');
    expect(regular.body.items.map((p: { id: string }) => p.id)).not.toContain(pin.id);
  });

  it('keeps the video while a save of its pin is left, and deletes it with the last one', async () => {
    const { registered, created } = await videoPin();
    const videoUrl: string = created.body.media.video_url;
    const otherBoard = (await t.factories.board({ owner })).id;
    const saved = await client.api('POST', `/v5/pins/${created.body.id}/save`, { board_id: otherBoard });
    expect(saved.status, JSON.stringify(saved.body)).toBe(201);

    // The pin goes; its save still shows the video.
    expect((await client.api('DELETE', `/v5/pins/${created.body.id}`)).status).toBe(204);
    expect((await fetch(videoUrl)).status).toBe(200);
    await client.media(registered.media_id);

    // The board holding the save goes: nothing shows the video any more.
    expect((await client.api('DELETE', `/v5/boards/${otherBoard}`)).status).toBe(204);
    expect((await fetch(videoUrl)).status).toBe(404);
    expect((await client.api('GET', `/v5/media/${registered.media_id}`)).status).toBe(404);
    const uploadDir = path.join(t.config.dataDir, 'media', 'videos', registered.media_id.slice(-2));
    expect(fs.existsSync(path.join(uploadDir, registered.media_id))).toBe(false);
    // The cleanup job finds nothing left to do.
    expect((await t.app.mediaCleanup.run()).unused).toBe(0);
  });

  it('deletes, in the cleanup job, the upload of a video pin whose files a delete left behind', async () => {
    const { registered, created } = await videoPin();
    // The pin row goes without the service's delete path (a crash between commit and files).
    await t.app.ctx.database.db.deleteFrom('pins').where('id', '=', created.body.id).execute();
    await client.media(registered.media_id);
    expect((await t.app.mediaCleanup.run()).unused).toBe(1);
    expect((await client.api('GET', `/v5/media/${registered.media_id}`)).status).toBe(404);
    expect((await fetch(created.body.media.video_url)).status).toBe(404);
  });

  it('takes a file part without a filename and re-encodes a WebM video to MP4', async () => {
    const webm = fs.readFileSync(
      makeVideo(videoDir, 'clip-webm', { format: 'webm', width: 160, height: 120 }),
    );
    const registered = await client.register();
    const res = await client.upload(registered, webm, { withoutFilename: true });
    expect(res.status, await res.text()).toBe(204);
    expect(await client.settled(registered.media_id)).toEqual({ status: 'succeeded', reason: null });
    const created = await client.api('POST', '/v5/pins', {
      board_id: boardId,
      media_source: {
        source_type: 'video_id',
        media_id: registered.media_id,
        cover_image_key_frame_time: 99,
      },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body.media).toMatchObject({ media_type: 'video', width: 160, height: 120 });
    const video = Buffer.from(await (await fetch(created.body.media.video_url)).arrayBuffer());
    expect(video.subarray(4, 8).toString('latin1')).toBe('ftyp');
  });

  it('uses a cover given as base64 data', async () => {
    const registered = await uploadedVideo();
    await client.settled(registered.media_id);
    const png = await testPng();
    const created = await client.api('POST', '/v5/pins', {
      board_id: boardId,
      dominant_color: null,
      media_source: {
        source_type: 'video_id',
        media_id: registered.media_id,
        cover_image_content_type: 'image/png',
        cover_image_data: png.base64,
      },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body.dominant_color).toBe('#c82828');
    expect(created.body.media.images['150x150']).toMatchObject({ width: 150, height: 150 });
  });

  it('fails a file that is not a video, with the reason', async () => {
    const registered = await uploadedVideo(Buffer.from('this is a text file, not a video\n'.repeat(50)));
    const settled = await client.settled(registered.media_id);
    expect(settled.status).toBe('failed');
    expect(settled.reason).toMatch(/not a video/);

    const created = await client.api('POST', '/v5/pins', {
      board_id: boardId,
      media_source: { source_type: 'video_id', media_id: registered.media_id },
    });
    expect(created.status).toBe(400);
    expect(created.body.code).toBe(1);
    expect(created.body.message).toMatch(/media_source\.media_id.*not a video/);
  });

  it('fails a truncated video, with the reason', async () => {
    const registered = await uploadedVideo(mp4.subarray(0, Math.floor(mp4.length * 0.6)));
    const settled = await client.settled(registered.media_id);
    expect(settled.status).toBe('failed');
    expect(settled.reason).toMatch(/truncated/);
  });

  it('refuses a forged signature and a second upload to the same registration', async () => {
    const registered = await client.register();
    const forged = await client.upload(registered, mp4, {
      parameters: { ...registered.upload_parameters, 'x-amz-signature': '0'.repeat(64) },
    });
    expect(forged.status).toBe(403);
    expect((await client.media(registered.media_id)).body.status).toBe('registered');

    const otherToken = await client.register();
    const wrongToken = await client.upload(registered, mp4, {
      parameters: {
        ...registered.upload_parameters,
        'x-amz-security-token': otherToken.upload_parameters['x-amz-security-token']!,
      },
    });
    expect(wrongToken.status).toBe(403);

    expect((await client.upload(registered, mp4)).status).toBe(204);
    const again = await client.upload(registered, mp4);
    expect(again.status).toBe(409);
  });

  it('lets a page of another origin upload: the preflight is answered and every answer is readable', async () => {
    const origin = 'https://app.example.test';
    const preflight = await fetch(`${baseUrl}/media/uploads`, {
      method: 'OPTIONS',
      headers: {
        origin,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type, x-requested-with',
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('*');
    expect(preflight.headers.get('access-control-allow-methods')).toContain('POST');
    expect(preflight.headers.get('access-control-allow-headers')).toBe('content-type, x-requested-with');
    // No cookie or token is ever honoured there: the signed policy is the credential.
    expect(preflight.headers.get('access-control-allow-credentials')).toBeNull();

    const registered = await client.register();
    const forged = await client.upload(registered, mp4, {
      parameters: { ...registered.upload_parameters, 'x-amz-signature': '0'.repeat(64) },
    });
    expect(forged.status).toBe(403);
    expect(forged.headers.get('access-control-allow-origin')).toBe('*');
    expect(await forged.json()).toMatchObject({ code: 29, message: expect.any(String) });

    const accepted = await client.upload(registered, mp4);
    expect(accepted.status).toBe(204);
    expect(accepted.headers.get('access-control-allow-origin')).toBe('*');

    // Only the upload URL is open to other origins; the API is not.
    const api = await fetch(`${baseUrl}/v5/media/${registered.media_id}`, {
      headers: { origin, authorization: client.authorization },
    });
    expect(api.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('refuses pins/create with an upload still waiting for its file', async () => {
    const registered = await client.register();
    const created = await client.api('POST', '/v5/pins', {
      board_id: boardId,
      media_source: { source_type: 'video_id', media_id: registered.media_id },
    });
    expect(created.status).toBe(400);
    expect(created.body.message).toMatch(/media_source\.media_id.*still registered/);
  });

  it('refuses more than one cover choice, naming them', async () => {
    const created = await client.api('POST', '/v5/pins', {
      board_id: boardId,
      media_source: {
        source_type: 'video_id',
        media_id: '1',
        cover_image_url: 'https://example.com/a.jpg',
        cover_image_key_frame_time: 1,
      },
    });
    expect(created.status).toBe(400);
    expect(created.body.message).toMatch(/cover_image_url and cover_image_key_frame_time/);
  });

  it("answers 404 for another user's media, in media/get and pins/create", async () => {
    const registered = await uploadedVideo();
    await client.settled(registered.media_id);
    const stranger = await t.factories.user();
    const strangerClient = new VideoClient(baseUrl, stranger.auth.authorization);
    const got = await strangerClient.api('GET', `/v5/media/${registered.media_id}`);
    expect(got.status).toBe(404);
    const strangerBoard = await t.factories.board({ owner: stranger });
    const created = await strangerClient.api('POST', '/v5/pins', {
      board_id: strangerBoard.id,
      media_source: { source_type: 'video_id', media_id: registered.media_id },
    });
    expect(created.status).toBe(404);
    const listed = await strangerClient.api('GET', '/v5/media');
    expect(listed.body.items).toEqual([]);
  });

  it('lists the caller’s uploads newest first, in pages', async () => {
    const user = await t.factories.user();
    const mine = new VideoClient(baseUrl, user.auth.authorization);
    const ids = [];
    for (let i = 0; i < 3; i++) ids.push((await mine.register()).media_id);
    const first = await mine.api('GET', '/v5/media?page_size=2');
    expect(first.status).toBe(200);
    expectSpecResponse('media/list', 200, first.body);
    expect(first.body.items.map((m: { media_id: string }) => m.media_id)).toEqual([ids[2], ids[1]]);
    expect(first.body.items[0]).toEqual({ media_id: ids[2], media_type: 'video', status: 'registered' });
    const second = await mine.api(
      'GET',
      `/v5/media?page_size=2&bookmark=${encodeURIComponent(first.body.bookmark)}`,
    );
    expectSpecResponse('media/list', 200, second.body);
    expect(second.body.items.map((m: { media_id: string }) => m.media_id)).toEqual([ids[0]]);
    expect(second.body.bookmark).toBeNull();
  });

  it('checks scopes exactly as the spec lists them', async () => {
    const registered = await client.register();
    const cases: Array<[string, string, string, object | undefined]> = [
      ['media/create', 'POST', '/v5/media', { media_type: 'video' }],
      ['media/get', 'GET', `/v5/media/${registered.media_id}`, undefined],
      ['media/list', 'GET', '/v5/media', undefined],
    ];
    for (const [operationId, method, url, body] of cases) {
      for (const scope of specScopes(operationId)) {
        const headers = await t.factories.tokenWithout(owner.user.id, [scope]);
        const res = await new VideoClient(baseUrl, headers.authorization).api(method, url, body);
        expect(res.status, `${operationId} without ${scope}`).toBe(403);
        expect(res.body.code).toBe(3);
      }
    }
  });

  it('refuses a media_type other than video, naming the field', async () => {
    const res = await client.api('POST', '/v5/media', { media_type: 'image' });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe(1);
    expect(res.body.message).toMatch(/media_type/);
    const bad = await client.api('GET', '/v5/media/not-a-number');
    expect(bad.status).toBe(400);
    expect(bad.body.message).toMatch(/media_id/);
  });
});

describe.skipIf(!hasFfmpeg)('video upload size limit', () => {
  let t: TestApp;
  let baseUrl: string;
  beforeAll(async () => {
    const port = await freePort();
    baseUrl = `http://127.0.0.1:${port}`;
    t = await buildTestApp({ PUBLIC_URL: baseUrl, VIDEO_MAX_BYTES: '4096' });
    await t.app.listen({ port, host: '127.0.0.1' });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('fails an upload larger than VIDEO_MAX_BYTES, with the reason', async () => {
    const user = await t.factories.user();
    const client = new VideoClient(baseUrl, user.auth.authorization);
    const registered = await client.register();
    const res = await client.upload(registered, Buffer.alloc(10_000, 1));
    expect(res.status).toBe(400);
    expect(((await res.json()) as { message: string }).message).toMatch(/'file' is larger than/);
    const settled = await client.settled(registered.media_id);
    expect(settled.status).toBe('failed');
    expect(settled.reason).toMatch(/too large/);
  });
});

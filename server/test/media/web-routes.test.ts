import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Browser, signUp } from '../accounts/browser.js';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { ffmpegAvailable, freePort, makeVideo } from './videos.js';

const hasFfmpeg = ffmpegAvailable();

interface WebUpload {
  media_id: string;
  media_type: string;
  upload_url: string;
  upload_parameters: Record<string, string>;
}
interface WebMedia {
  media_id: string;
  media_type: string;
  status: string;
  failure_reason: string | null;
}

describe.skipIf(!hasFfmpeg)('video uploads from the web app (/api/media)', () => {
  let t: TestApp;
  let baseUrl: string;
  let me: Browser;
  let other: Browser;
  let boardId: string;
  let videoDir: string;
  let mp4: Buffer;

  beforeAll(async () => {
    const port = await freePort();
    baseUrl = `http://127.0.0.1:${port}`;
    t = await buildTestApp({ PUBLIC_URL: baseUrl, VIDEO_MAX_BYTES: String(2 * 1024 * 1024) });
    await t.app.listen({ port, host: '127.0.0.1' });
    me = (await signUp(t.app, { username: 'video_maker' })).browser;
    other = (await signUp(t.app, { username: 'video_other' })).browser;
    const board = await me.post('/api/boards', { name: 'Clips' });
    expect(board.statusCode, board.body).toBe(201);
    boardId = board.json().id;
    videoDir = fs.mkdtempSync(path.join(os.tmpdir(), 'corkboard-web-videos-'));
    mp4 = fs.readFileSync(makeVideo(videoDir, 'clip', { seconds: 2, width: 320, height: 240 }));
  });
  afterEach(() => {
    expect(t.serverErrors).toEqual([]);
  });
  afterAll(async () => {
    await t?.close();
    if (videoDir) fs.rmSync(videoDir, { recursive: true, force: true });
  });

  async function register(browser: Browser = me): Promise<WebUpload> {
    const res = await browser.post('/api/media', { media_type: 'video' });
    expect(res.statusCode, res.body).toBe(201);
    return res.json() as WebUpload;
  }

  /** The browser's part: a multipart form to upload_url, parameters first, no cookie or token. */
  async function upload(registered: WebUpload, data: Buffer): Promise<Response> {
    const form = new FormData();
    for (const [name, value] of Object.entries(registered.upload_parameters)) form.append(name, value);
    form.append('file', new Blob([new Uint8Array(data)], { type: 'video/mp4' }), 'clip.mp4');
    return fetch(registered.upload_url, { method: 'POST', body: form });
  }

  async function settled(mediaId: string): Promise<WebMedia> {
    for (let i = 0; i < 300; i++) {
      const res = await me.get(`/api/media/${mediaId}`);
      expect(res.statusCode, res.body).toBe(200);
      const media = res.json() as WebMedia;
      if (media.status === 'succeeded' || media.status === 'failed') return media;
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error(`media ${mediaId} is still processing after 300 polls`);
  }

  it('gives the video limits the server enforces', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/media/limits' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      max_bytes: 2 * 1024 * 1024,
      min_seconds: t.config.video.minSeconds,
      max_seconds: t.config.video.maxSeconds,
    });
  });

  it('needs a session, a CSRF token and a known media type', async () => {
    const anonymous = new Browser(t.app);
    const signedOut = await anonymous.post('/api/media', { media_type: 'video' });
    expect(signedOut.statusCode).toBe(401);
    expect(signedOut.json().code).toBe(2);
    expect((await anonymous.get('/api/media/123')).statusCode).toBe(401);

    const noCsrf = await me.post('/api/media', { media_type: 'video' }, { csrf: false });
    expect(noCsrf.statusCode).toBe(403);

    const badType = await me.post('/api/media', { media_type: 'image' });
    expect(badType.statusCode).toBe(400);
    expect(badType.json().message).toMatch(/media_type/);
    const missing = await me.post('/api/media', {});
    expect(missing.statusCode).toBe(400);
    expect(missing.json().message).toMatch(/media_type/);
  });

  it('registers an upload with the signed policy of media/create, takes the file and makes a video pin', async () => {
    const registered = await register();
    expect(registered.media_type).toBe('video');
    expect(registered.upload_url).toBe(`${baseUrl}/media/uploads`);
    expect(registered.upload_parameters.key).toBe(`uploads/${registered.media_id}`);
    expect(Object.keys(registered.upload_parameters).sort()).toEqual(
      [
        'Content-Type',
        'key',
        'policy',
        'x-amz-algorithm',
        'x-amz-credential',
        'x-amz-date',
        'x-amz-security-token',
        'x-amz-signature',
      ].sort(),
    );
    const waiting = await me.get(`/api/media/${registered.media_id}`);
    expect(waiting.json()).toEqual({
      media_id: registered.media_id,
      media_type: 'video',
      status: 'registered',
      failure_reason: null,
    });
    expect(waiting.headers['cache-control']).toBe('no-store');

    // Still registered: a pin cannot be made of it yet.
    const early = await me.post('/api/pins', {
      board_id: boardId,
      media_source: { source_type: 'video_id', media_id: registered.media_id },
    });
    expect(early.statusCode).toBe(400);
    expect(early.json().message).toMatch(/media_source\.media_id.*registered/);

    const sent = await upload(registered, mp4);
    expect(sent.status, await sent.text()).toBe(204);
    const done = await settled(registered.media_id);
    expect(done).toEqual({
      media_id: registered.media_id,
      media_type: 'video',
      status: 'succeeded',
      failure_reason: null,
    });

    // Another user cannot see it, nor make a pin of it.
    const peek = await other.get(`/api/media/${registered.media_id}`);
    expect(peek.statusCode).toBe(404);
    const othersBoard = (await other.post('/api/boards', { name: 'Not mine' })).json().id as string;
    const stolen = await other.post('/api/pins', {
      board_id: othersBoard,
      media_source: { source_type: 'video_id', media_id: registered.media_id },
    });
    expect(stolen.statusCode).toBe(404);

    const created = await me.post('/api/pins', {
      board_id: boardId,
      title: 'A web video',
      media_source: { source_type: 'video_id', media_id: registered.media_id },
    });
    expect(created.statusCode, created.body).toBe(201);
    const pin = created.json();
    expect(pin.creative_type).toBe('VIDEO');
    expect(pin.is_owner).toBe(true);
    expect(pin.media.media_type).toBe('video');
    expect(pin.media.width).toBe(320);
    expect(pin.media.height).toBe(240);
    expect(pin.media.duration).toBeGreaterThanOrEqual(1900);
    expect(pin.media.duration).toBeLessThanOrEqual(2100);
    expect(pin.media.video_url).toMatch(new RegExp(`^${baseUrl}/media/.+\\.mp4$`));
    expect(pin.media.cover_image_url).toMatch(/\.jpg$/);

    const shown = await t.app.inject({ method: 'GET', url: `/api/pins/${pin.id}` });
    expect(shown.json().media).toEqual(pin.media);
    const video = await fetch(pin.media.video_url, { headers: { range: 'bytes=0-99' } });
    expect(video.status).toBe(206);
    expect(video.headers.get('content-type')).toBe('video/mp4');

    // The beacon takes video progress for it from the web app.
    const beacon = await me.post('/api/analytics/events', {
      events: [
        { id: 'v-start-1', type: 'VIDEO_START', pin_id: pin.id },
        { id: 'v-watch-1', type: 'VIDEO_WATCH_TIME', pin_id: pin.id, value: 1500 },
      ],
    });
    expect(beacon.statusCode, beacon.body).toBe(200);
    expect(beacon.json()).toEqual({ accepted: 2, rejected: [] });
  });

  it('reports a failed upload with the reason in words, and refuses a pin of it', async () => {
    const registered = await register();
    const sent = await upload(registered, Buffer.from('plain text, not a video\n'.repeat(40)));
    expect(sent.status, await sent.text()).toBe(204);
    const done = await settled(registered.media_id);
    expect(done.status).toBe('failed');
    expect(done.failure_reason).toMatch(/not a video/);

    const created = await me.post('/api/pins', {
      board_id: boardId,
      media_source: { source_type: 'video_id', media_id: registered.media_id },
    });
    expect(created.statusCode).toBe(400);
    expect(created.json().message).toMatch(/media_source\.media_id.*not a video/);
  });

  it('fails an upload larger than the limit as too large', async () => {
    const registered = await register();
    const sent = await upload(registered, Buffer.concat([mp4, Buffer.alloc(2 * 1024 * 1024)]));
    expect(sent.status).toBe(400);
    expect(((await sent.json()) as { message: string }).message).toMatch(/file/);
    const done = await settled(registered.media_id);
    expect(done.status).toBe('failed');
    expect(done.failure_reason).toMatch(/too large/);
  });

  it('answers a malformed or unknown media id with 404', async () => {
    for (const id of ['abc', '999999999999', '1'.repeat(40)]) {
      const res = await me.get(`/api/media/${id}`);
      expect(res.statusCode, id).toBe(404);
      expect(res.json().message).toBe('Media not found.');
    }
  });
});

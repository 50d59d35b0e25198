import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { MediaCleanup } from '../../src/modules/media/cleanup.js';
import { buildTestApp, TEST_DATABASE, type TestApp } from '../helpers/app.js';
import { corkboard, useCliEnvironment } from '../helpers/cli.js';
import type { TestUser } from '../helpers/factories.js';
import { expectSpecResponse } from '../helpers/spec.js';
import { ffmpegAvailable, freePort, makeVideo, VideoClient, type Registered } from './videos.js';

const hasFfmpeg = ffmpegAvailable();
const DAY_MS = 86_400_000;

describe.skipIf(!hasFfmpeg)(`video upload cleanup and one pin per upload on ${TEST_DATABASE}`, () => {
  let t: TestApp;
  let owner: TestUser;
  let client: VideoClient;
  let boardId: string;
  let videoDir: string;
  let mp4: Buffer;
  beforeAll(async () => {
    const port = await freePort();
    const baseUrl = `http://127.0.0.1:${port}`;
    t = await buildTestApp({ PUBLIC_URL: baseUrl, VIDEO_FAILED_RETENTION_DAYS: '3' });
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

  async function uploaded(data: Buffer, status: 'succeeded' | 'failed'): Promise<Registered> {
    const registered = await client.register();
    const res = await client.upload(registered, data);
    expect(res.status, await res.text()).toBe(204);
    expect((await client.settled(registered.media_id)).status).toBe(status);
    return registered;
  }

  const createPin = (mediaId: string) =>
    client.api('POST', '/v5/pins', {
      board_id: boardId,
      media_source: { source_type: 'video_id', media_id: mediaId },
    });

  /** Where an upload's files are on disk (local storage under DATA_DIR/media). */
  const filesOf = (mediaId: string) => path.join(t.dataDir, 'media', 'videos', mediaId.slice(-2), mediaId);

  async function backdate(mediaId: string, column: 'upload_expires_at' | 'updated_at', days: number) {
    await t.app.ctx.database.db
      .updateTable('media_uploads')
      .set({ [column]: new Date(Date.now() - days * DAY_MS).toISOString() })
      .where('id', '=', mediaId)
      .execute();
  }

  it('makes one pin per media_id: a second pins/create with it is a 400 naming media_source.media_id', async () => {
    const video = await uploaded(mp4, 'succeeded');
    const first = await createPin(video.media_id);
    expect(first.status, JSON.stringify(first.body)).toBe(201);
    const second = await createPin(video.media_id);
    expect(second.status).toBe(400);
    expectSpecResponse('pins/create', 400, second.body);
    expect(second.body.code).toBe(1);
    expect(second.body.message).toContain("'media_source.media_id'");
    expect(second.body.message).toContain(`pin ${first.body.id}`);
    // The first pin is untouched, and the upload still reads as succeeded.
    expect((await client.api('GET', `/v5/pins/${first.body.id}`)).status).toBe(200);
    expect((await client.media(video.media_id)).body.status).toBe('succeeded');
  });

  it('lets exactly one of two pins/create racing with one media_id make the pin', async () => {
    const video = await uploaded(mp4, 'succeeded');
    const results = await Promise.all([createPin(video.media_id), createPin(video.media_id)]);
    expect(results.map((r) => r.status).sort()).toEqual([201, 400]);
    const made = results.find((r) => r.status === 201)!.body;
    const refused = results.find((r) => r.status === 400)!.body;
    expect(refused.message).toContain(`pin ${made.id}`);
  });

  it('deletes expired registrations and old failures with their files, and nothing else', async () => {
    const expired = await client.register();
    await backdate(expired.media_id, 'upload_expires_at', 2);
    const fresh = await client.register();
    const oldFailure = await uploaded(Buffer.from('not a video at all\n'.repeat(40)), 'failed');
    await backdate(oldFailure.media_id, 'updated_at', 4);
    const newFailure = await uploaded(Buffer.from('not a video either\n'.repeat(40)), 'failed');
    const used = await uploaded(mp4, 'succeeded');
    const pin = await createPin(used.media_id);
    expect(pin.status).toBe(201);
    const unused = await uploaded(mp4, 'succeeded');
    // Even the oldest succeeded upload stays (it may still make a pin).
    await backdate(unused.media_id, 'updated_at', 30);
    await backdate(used.media_id, 'updated_at', 30);
    expect(fs.existsSync(filesOf(oldFailure.media_id))).toBe(true);

    // Leftovers of uploads cut off by a crash: an old temporary file goes, a current one stays.
    const temp = path.join(t.dataDir, 'tmp', 'uploads');
    fs.mkdirSync(temp, { recursive: true });
    const stale = path.join(temp, '123-stale');
    const current = path.join(temp, '456-current');
    fs.writeFileSync(stale, 'partial');
    fs.writeFileSync(current, 'partial');
    const twoDaysAgo = new Date(Date.now() - 2 * DAY_MS);
    fs.utimesSync(stale, twoDaysAgo, twoDaysAgo);

    const result = await t.app.mediaCleanup.run();
    expect(result).toEqual({ expired: 1, failed: 1, tempFiles: 1, unused: 0 });

    for (const gone of [expired, oldFailure]) {
      const res = await client.api('GET', `/v5/media/${gone.media_id}`);
      expect(res.status).toBe(404);
    }
    expect(fs.existsSync(filesOf(oldFailure.media_id))).toBe(false);
    expect(fs.existsSync(stale)).toBe(false);
    expect(fs.existsSync(current)).toBe(true);
    expect((await client.media(fresh.media_id)).body.status).toBe('registered');
    expect((await client.media(newFailure.media_id)).body.status).toBe('failed');
    for (const kept of [used, unused]) {
      expect((await client.media(kept.media_id)).body.status).toBe('succeeded');
      expect(fs.existsSync(filesOf(kept.media_id))).toBe(true);
    }
    const video = await fetch((await client.api('GET', `/v5/pins/${pin.body.id}`)).body.media.video_url);
    expect(video.status).toBe(200);
    // Nothing left to do: a second run deletes nothing.
    expect(await t.app.mediaCleanup.run()).toEqual({ expired: 0, failed: 0, tempFiles: 0, unused: 0 });
  });

  it('runs by itself every interval once started', async () => {
    const registered = await client.register();
    await backdate(registered.media_id, 'upload_expires_at', 2);
    const repo = t.app.ctx.mediaUploads['deps'].repo;
    const cleanup = new MediaCleanup({
      repo,
      uploads: t.app.ctx.mediaUploads,
      storage: t.app.ctx.mediaUploads['deps'].storage,
      dataDir: t.dataDir,
      failedRetentionDays: 3,
      intervalMs: 50,
      log: { info: () => undefined, warn: () => undefined },
    });
    cleanup.start();
    try {
      for (let i = 0; i < 100 && (await repo.findById(registered.media_id)); i++)
        await new Promise((resolve) => setTimeout(resolve, 50));
      expect(await repo.findById(registered.media_id)).toBeNull();
    } finally {
      await cleanup.stop();
    }
  });

  it('keeps a registration whose file arrives before the cleanup deletes it', async () => {
    const registered = await client.register();
    await backdate(registered.media_id, 'upload_expires_at', 2);
    const stale = await t.app.ctx.mediaUploads['deps'].repo.staleUploads(
      new Date().toISOString(),
      new Date(0).toISOString(),
      10,
    );
    const mine = stale.find((u) => u.id === registered.media_id)!;
    expect(mine.status).toBe('registered');
    // The file arrives (the row moves on to processing) between the read and the delete.
    await t.app.ctx.database.db
      .updateTable('media_uploads')
      .set({ status: 'processing', updated_at: new Date().toISOString() })
      .where('id', '=', registered.media_id)
      .execute();
    expect(await t.app.ctx.mediaUploads['deps'].repo.deleteStale(mine)).toBe(false);
    const row = await t.app.ctx.mediaUploads['deps'].repo.findById(registered.media_id);
    expect(row?.status).toBe('processing');
  });
});

describe(`corkboard media cleanup on ${TEST_DATABASE}`, () => {
  useCliEnvironment('media_cleanup');

  it('deletes an expired registration and says what it deleted', async () => {
    const config = loadConfig();
    const app = await buildApp(config, { logger: false });
    let expiredId: string;
    let freshId: string;
    try {
      const user = await app.ctx.accounts.create({ username: 'cleanup_user' });
      const viewer = { userId: user.id, scopes: new Set(['pins:write'] as const) };
      expiredId = (await app.ctx.mediaUploads.register(viewer)).upload.id;
      freshId = (await app.ctx.mediaUploads.register(viewer)).upload.id;
      await app.ctx.database.db
        .updateTable('media_uploads')
        .set({ upload_expires_at: new Date(Date.now() - DAY_MS).toISOString() })
        .where('id', '=', expiredId)
        .execute();
    } finally {
      await app.close();
    }

    const result = await corkboard('media', 'cleanup');
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('Deleted 1 expired upload registration(s)');

    const check = await buildApp(config, { logger: false });
    try {
      const ids = (await check.ctx.database.db.selectFrom('media_uploads').select('id').execute()).map((r) =>
        String(r.id),
      );
      expect(ids).toEqual([freshId]);
    } finally {
      await check.close();
    }
  });
});

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import type { DatabaseHandle } from '../../src/db/index.js';
import type { App } from '../../src/http/types.js';
import { openTestDatabase } from '../helpers/app.js';
import { Factories, viewerOf } from '../helpers/factories.js';
import { ffmpegAvailable, freePort, makeVideo, VideoClient } from './videos.js';

const hasFfmpeg = ffmpegAvailable();

/** Polls `check` every 50 ms, at most 400 times. */
async function waitFor(what: string, check: () => Promise<boolean> | boolean): Promise<void> {
  for (let i = 0; i < 400; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`gave up waiting for ${what}`);
}

describe.skipIf(!hasFfmpeg)('video jobs across a restart', () => {
  let database: DatabaseHandle;
  let dropAll: () => Promise<void>;
  let dataDir: string;
  let scratch: string;
  let mp4: Buffer;
  let port: number;
  const apps: App[] = [];

  /** One server process over the shared database and data directory, listening on `port`. */
  async function startServer(env: Record<string, string> = {}): Promise<App> {
    const config = loadConfig({
      DATA_DIR: dataDir,
      PUBLIC_URL: `http://127.0.0.1:${port}`,
      LOG_LEVEL: 'silent',
      VIDEO_JOB_LEASE_SECONDS: '1',
      ...env,
    });
    const app = await buildApp(config, { database, logger: false });
    apps.push(app);
    await app.listen({ port, host: '127.0.0.1' });
    return app;
  }

  beforeAll(async () => {
    ({ database, dropAll } = await openTestDatabase());
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'corkboard-restart-'));
    scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'corkboard-restart-tools-'));
    mp4 = fs.readFileSync(makeVideo(scratch, 'clip', { seconds: 2 }));
    port = await freePort();
  });
  afterAll(async () => {
    for (const app of apps) await app.close().catch(() => undefined);
    await dropAll?.();
    fs.rmSync(dataDir, { recursive: true, force: true });
    fs.rmSync(scratch, { recursive: true, force: true });
  });

  it('resumes a job that was processing when the server stopped, and finishes it once', async () => {
    // The first server's ffprobe never returns: the job is stuck in the middle of processing.
    const hanging = path.join(scratch, 'hanging-ffprobe.sh');
    fs.writeFileSync(hanging, '#!/bin/sh\nexec sleep 120\n', { mode: 0o755 });
    const first = await startServer({ FFPROBE_PATH: hanging });
    const owner = await new Factories(first).user();
    const client = new VideoClient(`http://127.0.0.1:${port}`, owner.auth.authorization);
    const registered = await client.register();
    expect((await client.upload(registered, mp4)).status).toBe(204);
    await waitFor('the first server to take the job', () =>
      first.videoJobs.running.includes(registered.media_id),
    );
    expect((await client.media(registered.media_id)).body.status).toBe('processing');

    await first.close();
    const stopped = await database.db
      .selectFrom('media_uploads')
      .select(['status', 'lease_owner', 'attempts'])
      .where('id', '=', registered.media_id)
      .executeTakeFirstOrThrow();
    expect(stopped.status).toBe('processing');
    expect(stopped.lease_owner).toBeNull();

    const second = await startServer();
    expect(await client.settled(registered.media_id)).toEqual({ status: 'succeeded', reason: null });
    const done = await database.db
      .selectFrom('media_uploads')
      .select(['attempts', 'duration_ms'])
      .where('id', '=', registered.media_id)
      .executeTakeFirstOrThrow();
    expect(Number(done.attempts)).toBe(2);

    const board = await second.ctx.boards.create(viewerOf(owner), {
      name: 'Videos',
      description: null,
      privacy: 'PUBLIC',
    });
    const created = await client.api('POST', '/v5/pins', {
      board_id: board.board.id,
      media_source: { source_type: 'video_id', media_id: registered.media_id },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body.creative_type).toBe('VIDEO');
    await second.close();
  });

  it("leaves a job held by a crashed process's live lease alone, and takes it when the lease runs out", async () => {
    const server = await startServer();
    const owner = await new Factories(server).user();
    const client = new VideoClient(`http://127.0.0.1:${port}`, owner.auth.authorization);
    const registered = await client.register();
    // Hold the job as a process that then crashed would: a lease a few seconds ahead, never renewed.
    await server.videoJobs.stop();
    expect((await client.upload(registered, mp4)).status).toBe(204);
    await database.db
      .updateTable('media_uploads')
      .set({ lease_owner: 'crashed-process', lease_expires_at_ms: Date.now() + 3000, attempts: 1 })
      .where('id', '=', registered.media_id)
      .execute();
    server.videoJobs.start();
    await new Promise((r) => setTimeout(r, 300));
    expect(server.videoJobs.running).not.toContain(registered.media_id);
    expect((await client.media(registered.media_id)).body.status).toBe('processing');

    expect(await client.settled(registered.media_id)).toEqual({ status: 'succeeded', reason: null });
    const done = await database.db
      .selectFrom('media_uploads')
      .select(['attempts', 'lease_owner'])
      .where('id', '=', registered.media_id)
      .executeTakeFirstOrThrow();
    expect(Number(done.attempts)).toBe(2);
    expect(done.lease_owner).toBeNull();
    await server.close();
  });
});

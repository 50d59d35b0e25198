/**
 * Processes uploaded videos as jobs kept in the database (media_uploads rows in status
 * `processing`). Any number of server processes run this; a compare-and-set on the lease
 * gives each job to one of them, the holder renews its lease while ffmpeg runs, and a job
 * whose holder stopped (restart, crash) is taken up again once the lease runs out. A graceful
 * stop kills ffmpeg and hands the job back at once.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Config } from '../../config.js';
import { nowIso } from '../../lib/time.js';
import type { MediaStorage } from './storage.js';
import { outputKeysOf } from './uploads-service.js';
import type { JobOutcome, MediaUploadRow, MediaUploadsRepo } from './uploads-repo.js';
import { VideoRejectedError, VideoToolError, type VideoProbe, type VideoTools } from './video-tools.js';

/** A job that ffmpeg could not finish this many times fails instead of being retried. */
export const MAX_ATTEMPTS = 3;

export interface JobLogger {
  info(details: object, message: string): void;
  warn(details: object, message: string): void;
}

interface ActiveJob {
  id: string;
  abort: AbortController;
  done: Promise<void>;
}

export class VideoJobRunner {
  /** Identifies this process's leases. */
  readonly holder = randomUUID();
  private readonly active = new Map<string, ActiveJob>();
  private timer: NodeJS.Timeout | null = null;
  private scanning: Promise<void> | null = null;
  private rescan = false;
  private stopped = true;
  private readonly leaseMs: number;

  constructor(
    private readonly deps: {
      repo: MediaUploadsRepo;
      storage: MediaStorage;
      tools: VideoTools;
      config: Config;
      log: JobLogger;
    },
  ) {
    this.leaseMs = deps.config.video.jobLeaseSeconds * 1000;
  }

  /** Polls for jobs (at least every second, sooner when the lease is short) until stop(). */
  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    const every = Math.min(1000, Math.max(100, this.leaseMs / 2));
    this.timer = setInterval(() => this.kick(), every);
    this.timer.unref();
    this.kick();
  }

  /** Looks for claimable jobs now (a file has just arrived). */
  kick(): void {
    if (this.stopped) return;
    if (this.scanning) {
      this.rescan = true;
      return;
    }
    this.scanning = this.scan()
      .catch((error: Error) => this.deps.log.warn({ err: error.message }, 'video jobs: scan failed'))
      .finally(() => {
        this.scanning = null;
        if (this.rescan) {
          this.rescan = false;
          this.kick();
        }
      });
  }

  /** Jobs this process is running now (for tests and health). */
  get running(): string[] {
    return [...this.active.keys()];
  }

  /** Stops polling, kills running ffmpeg and gives those jobs back for another process. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    for (const job of this.active.values()) job.abort.abort();
    await Promise.allSettled([this.scanning, ...[...this.active.values()].map((j) => j.done)]);
  }

  private async scan(): Promise<void> {
    const free = this.deps.config.video.concurrency - this.active.size;
    if (free <= 0) return;
    const ids = await this.deps.repo.claimableJobs(Date.now(), free * 2);
    for (const id of ids) {
      if (this.stopped || this.active.size >= this.deps.config.video.concurrency) return;
      if (this.active.has(id)) continue;
      const job = await this.deps.repo.claim(id, this.holder, Date.now(), this.leaseMs);
      if (job) this.launch(job);
    }
  }

  private launch(job: MediaUploadRow): void {
    const abort = new AbortController();
    const renewal = setInterval(
      () => {
        void this.deps.repo
          .renew(job.id, this.holder, Date.now() + this.leaseMs)
          .then((held) => {
            if (!held) abort.abort();
          })
          .catch(() => undefined);
      },
      Math.max(50, Math.floor(this.leaseMs / 3)),
    );
    renewal.unref();
    const done = this.runJob(job, abort.signal)
      .catch((error: Error) =>
        this.deps.log.warn({ mediaId: job.id, err: error.message }, 'video jobs: job failed to run'),
      )
      .finally(() => {
        clearInterval(renewal);
        this.active.delete(job.id);
        this.kick();
      });
    this.active.set(job.id, { id: job.id, abort, done });
  }

  private async runJob(job: MediaUploadRow, signal: AbortSignal): Promise<void> {
    const workDir = path.join(
      this.deps.config.dataDir,
      'tmp',
      'video-jobs',
      `${job.id}-${randomBytes(6).toString('hex')}`,
    );
    let outcome: JobOutcome | null = null;
    try {
      await fs.mkdir(workDir, { recursive: true });
      outcome = await this.process(job, workDir, signal);
    } catch (error) {
      if (signal.aborted) {
        // Stopped or lost the lease: the job stays `processing` for the next holder.
        await this.deps.repo.release(job.id, this.holder).catch(() => undefined);
        return;
      }
      if (!(error instanceof VideoToolError)) throw error;
      if (job.attempts < MAX_ATTEMPTS) {
        this.deps.log.warn(
          { mediaId: job.id, attempt: job.attempts, err: error.message },
          'video jobs: ffmpeg could not finish; the job will be retried',
        );
        await this.deps.repo.release(job.id, this.holder);
        return;
      }
      outcome = {
        status: 'failed',
        failureReason: `the video could not be processed after ${job.attempts} attempts (${error.message})`,
      };
    } finally {
      await fs.rm(workDir, { recursive: true, force: true }).catch(() => undefined);
    }
    if (!outcome) return;
    if (await this.deps.repo.finish(job.id, this.holder, outcome, nowIso())) {
      if (outcome.status === 'failed')
        this.deps.log.info({ mediaId: job.id, reason: outcome.failureReason }, 'video upload failed');
      if (job.sourceKey)
        await this.deps.storage.deletePrefix(outputKeysOf(job.sourceKey).sourceDir).catch(() => undefined);
    }
  }

  /** Checks, converts and makes the default cover; a rejected file is a `failed` outcome. */
  private async process(job: MediaUploadRow, workDir: string, signal: AbortSignal): Promise<JobOutcome> {
    const { storage, tools } = this.deps;
    if (!job.sourceKey) return { status: 'failed', failureReason: 'no file was uploaded' };
    const keys = outputKeysOf(job.sourceKey);
    const source = await this.localSource(job.sourceKey, workDir);
    if (!source) return { status: 'failed', failureReason: 'the uploaded file is missing from storage' };
    try {
      const probe = await tools.probe(source, signal);
      this.checkDuration(probe);
      const output = path.join(workDir, 'video.mp4');
      await tools.toMp4(source, output, probe, signal);
      const converted = await tools.probe(output, signal);
      const cover = await tools.frameAt(output, Math.min(1, converted.durationMs / 2000), converted, signal);
      await storage.put(keys.cover, cover);
      await storage.putFile(keys.video, output);
      return {
        status: 'succeeded',
        videoKey: keys.video,
        coverKey: keys.cover,
        durationMs: converted.durationMs,
        width: converted.width,
        height: converted.height,
      };
    } catch (error) {
      if (error instanceof VideoRejectedError && !signal.aborted)
        return { status: 'failed', failureReason: error.message };
      throw error;
    }
  }

  private checkDuration(probe: VideoProbe): void {
    const { minSeconds, maxSeconds } = this.deps.config.video;
    const seconds = probe.durationMs / 1000;
    if (seconds < minSeconds)
      throw new VideoRejectedError(
        `the video is too short: ${seconds.toFixed(1)} s, the minimum is ${minSeconds} s`,
      );
    if (seconds > maxSeconds)
      throw new VideoRejectedError(
        `the video is too long: ${seconds.toFixed(1)} s, the maximum is ${maxSeconds} s`,
      );
  }

  /** A path ffprobe can read: the stored file itself on local disk, else a copy in the work dir. */
  private async localSource(key: string, workDir: string): Promise<string | null> {
    const local = this.deps.storage.localPath(key);
    if (local) {
      const exists = await fs
        .stat(local)
        .then((s) => s.isFile())
        .catch(() => false);
      return exists ? local : null;
    }
    const file = await this.deps.storage.open(key);
    if (!file) return null;
    const copy = path.join(workDir, 'source');
    await pipeline(file.read(), createWriteStream(copy));
    return copy;
  }
}

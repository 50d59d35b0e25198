/**
 * Cleans up video uploads that will never make a pin: registrations whose upload policy
 * expired without a file arriving (abandoned), and failed uploads older than a retention (kept
 * that long so media/get can still tell the client why); and uploads whose pin is deleted with
 * every save of it (deletes remove those at once; this catches any a failure left behind). Rows and files both go: the upload's
 * files live under `videos/<shard>/<id>/`, and an upload cut off mid-stream leaves a temporary
 * file under DATA_DIR/tmp/uploads. Each server process runs it periodically (timer unref'd);
 * `corkboard media cleanup` runs it once. Two runs at once only try to delete the same things:
 * rows are deleted with a compare-and-set on their status, so a file arriving meanwhile keeps
 * its upload.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import type { MediaStorage } from './storage.js';
import type { MediaUploadsRepo, StaleUpload } from './uploads-repo.js';

const DAY_MS = 86_400_000;
/** Rows read per step. */
const BATCH = 200;
/** After its policy expired, a registration is left this long (an upload may still be streaming). */
export const EXPIRED_GRACE_MS = 60 * 60 * 1000;
/** Temporary upload files older than this are leftovers of a crash. */
const TEMP_MAX_AGE_MS = DAY_MS;
/** The first run after a start waits this long (a start is busy enough). */
const FIRST_RUN_DELAY_MS = 60_000;

export interface CleanupLogger {
  info(details: object, message: string): void;
  warn(details: object, message: string): void;
}

export interface CleanupResult {
  /** Expired registrations deleted. */
  expired: number;
  /** Failed uploads deleted. */
  failed: number;
  /** Temporary upload files deleted. */
  tempFiles: number;
  /** Uploads of video pins deleted with every save of them. */
  unused: number;
}

/** Storage prefix holding every file of an upload (see uploadPrefix in uploads-service.ts). */
export function uploadFilesPrefix(id: string): string {
  return `videos/${id.slice(-2).padStart(2, '0')}/${id}`;
}

export class MediaCleanup {
  private timer: NodeJS.Timeout | null = null;
  private first: NodeJS.Timeout | null = null;
  private running: Promise<CleanupResult> | null = null;

  constructor(
    private readonly deps: {
      repo: MediaUploadsRepo;
      /** Removes uploads whose pins are all gone (MediaUploadsService.removeUnused). */
      uploads: { removeUnused(): Promise<number> };
      storage: MediaStorage;
      dataDir: string;
      /** Failed uploads are kept this many days (VIDEO_FAILED_RETENTION_DAYS). */
      failedRetentionDays: number;
      /** How often the server runs it (VIDEO_CLEANUP_INTERVAL_SECONDS). */
      intervalMs: number;
      log: CleanupLogger;
    },
  ) {}

  start(): void {
    if (this.timer) return;
    const run = () =>
      void this.run().catch((error: Error) =>
        this.deps.log.warn({ err: error.message }, 'media cleanup: a run failed'),
      );
    this.first = setTimeout(run, Math.min(FIRST_RUN_DELAY_MS, this.deps.intervalMs));
    this.first.unref();
    this.timer = setInterval(run, this.deps.intervalMs);
    this.timer.unref();
  }

  /** Stops the timers and waits for a run in progress. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    if (this.first) clearTimeout(this.first);
    this.timer = null;
    this.first = null;
    await this.running?.catch(() => undefined);
  }

  /** One run (a run in progress is joined, not doubled). */
  run(now = new Date()): Promise<CleanupResult> {
    this.running ??= this.cleanup(now).finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private async cleanup(now: Date): Promise<CleanupResult> {
    const result: CleanupResult = { expired: 0, failed: 0, tempFiles: 0, unused: 0 };
    const expiredBefore = new Date(now.getTime() - EXPIRED_GRACE_MS).toISOString();
    const failedBefore = new Date(now.getTime() - this.deps.failedRetentionDays * DAY_MS).toISOString();
    const seen = new Set<string>();
    for (;;) {
      const stale = (await this.deps.repo.staleUploads(expiredBefore, failedBefore, BATCH)).filter(
        (u) => !seen.has(u.id),
      );
      if (stale.length === 0) break;
      for (const upload of stale) {
        seen.add(upload.id);
        if (await this.remove(upload)) result[upload.status === 'registered' ? 'expired' : 'failed'] += 1;
      }
    }
    result.tempFiles = await this.removeTempFiles(now);
    result.unused = await this.deps.uploads.removeUnused();
    if (result.expired + result.failed + result.tempFiles + result.unused > 0)
      this.deps.log.info({ ...result }, 'media cleanup: deleted abandoned, failed and unused video uploads');
    return result;
  }

  /** The row first (so nothing points at missing files), then the files. */
  private async remove(upload: StaleUpload): Promise<boolean> {
    if (!(await this.deps.repo.deleteStale(upload))) return false;
    await this.deps.storage.deletePrefix(uploadFilesPrefix(upload.id)).catch((error: Error) => {
      this.deps.log.warn({ mediaId: upload.id, err: error.message }, 'media cleanup: files not deleted');
    });
    return true;
  }

  private async removeTempFiles(now: Date): Promise<number> {
    const dir = path.join(this.deps.dataDir, 'tmp', 'uploads');
    let names: string[];
    try {
      names = await fs.readdir(dir);
    } catch {
      return 0;
    }
    let removed = 0;
    for (const name of names) {
      const file = path.join(dir, name);
      const stat = await fs.stat(file).catch(() => null);
      if (!stat?.isFile() || now.getTime() - stat.mtimeMs < TEMP_MAX_AGE_MS) continue;
      await fs.rm(file, { force: true }).catch(() => undefined);
      removed += 1;
    }
    return removed;
  }
}

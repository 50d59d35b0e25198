import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/**
 * SQLite WAL checkpoints off the event loop. In WAL mode every commit appends to the -wal file;
 * a checkpoint copies those pages back into the database file and fsyncs it. By default SQLite
 * does that inside whichever commit pushes the WAL past 1,000 pages: on Corkboard's one writing
 * connection that is a request-log batch or an API write, on the event loop, and the fsync alone
 * can hold every request for tens of milliseconds (the board-page p99 stalls of bench/RESULTS.md).
 *
 * Here a worker thread with its own connection runs `PRAGMA wal_checkpoint(PASSIVE)` every
 * `intervalMs`: PASSIVE never waits for readers or writers (it copies what it can and tries
 * again next time), so neither the API's connections nor the worker ever block each other, and
 * the fsync waits in the worker. The writing connection keeps a much higher
 * `wal_autocheckpoint` (SAFETY_NET_PAGES) as a safety net, so the WAL stays bounded even if the
 * worker stops.
 */

/** wal_autocheckpoint of the writing connection while a worker checkpoints (about 40 MB of WAL). */
export const SAFETY_NET_PAGES = 10_000;

export interface CheckpointResult {
  /** Whether another connection held a lock the checkpoint needed (it copied what it could). */
  busy: boolean;
  /** Frames in the WAL, and how many of them are now in the database file. */
  logFrames: number;
  checkpointedFrames: number;
}

/** The worker's code (CommonJS, evaluated): the driver's path comes in workerData. */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const SQLite = require(workerData.driver);
const db = new SQLite(workerData.file, { fileMustExist: true });
let running = true;
const tick = () => {
  if (!running) return;
  try {
    const [row] = db.pragma('wal_checkpoint(PASSIVE)');
    parentPort.postMessage({ busy: row.busy === 1, logFrames: row.log, checkpointedFrames: row.checkpointed });
  } catch (error) {
    parentPort.postMessage({ error: String(error && error.message || error) });
  }
};
const timer = setInterval(tick, workerData.intervalMs);
parentPort.on('message', (message) => {
  if (message !== 'close') return;
  running = false;
  clearInterval(timer);
  db.close();
  parentPort.close();
});
`;

export class BackgroundCheckpointer {
  private readonly worker: Worker;
  private readonly exited: Promise<void>;
  /** The outcome of the latest checkpoint (null before the first). */
  last: CheckpointResult | null = null;
  /** The latest error the worker reported, if any. */
  lastError: string | null = null;

  constructor(file: string, intervalMs: number) {
    const driver = createRequire(import.meta.url).resolve('better-sqlite3');
    this.worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { file, driver, intervalMs } });
    // Never keeps the process alive on its own.
    this.worker.unref();
    this.worker.on('message', (message: CheckpointResult | { error: string }) => {
      if ('error' in message) this.lastError = message.error;
      else this.last = message;
    });
    this.exited = new Promise((resolve) => {
      this.worker.once('exit', () => resolve());
      this.worker.once('error', (error) => {
        this.lastError = error.message;
      });
    });
  }

  /** Stops the worker after its current checkpoint (call before closing the database). */
  async close(): Promise<void> {
    this.worker.postMessage('close');
    const stuck = setTimeout(() => void this.worker.terminate(), 5000);
    await this.exited;
    clearTimeout(stuck);
  }
}

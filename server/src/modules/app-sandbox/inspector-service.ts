import { notFound } from '../../lib/errors.js';
import type { RequestLogService } from '../request-log/service.js';
import type { InspectedBodies, InspectedBodiesRepo, InspectedCall } from './repo.js';

export interface CallInspectorOptions {
  repo: InspectedBodiesRepo;
  requestLog: RequestLogService;
  /** Who owns an app (undefined: no such app). */
  appOwner: (appId: string) => Promise<{ ownerId: string | null } | undefined>;
  flushMs: number;
  log: { warn(details: object, message: string): void };
  maxBuffered?: number;
}

const MAX_BUFFERED = 2000;

/**
 * The call inspector: bodies of the /v5 calls of apps that turned it on, buffered like the
 * request log and written after it (a body's call must be in the log first; bodies whose call
 * the log trimmed are dropped with it).
 */
export class CallInspector {
  private buffer: InspectedBodies[] = [];
  private timer: NodeJS.Timeout | null = null;
  private writing: Promise<void> | null = null;

  constructor(private readonly options: CallInspectorOptions) {}

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.flush(), this.options.flushMs);
    this.timer.unref();
  }

  record(bodies: InspectedBodies): void {
    this.buffer.push(bodies);
    const max = this.options.maxBuffered ?? MAX_BUFFERED;
    if (this.buffer.length > max) this.buffer.splice(0, this.buffer.length - max);
  }

  async flush(): Promise<void> {
    while (this.writing) await this.writing;
    if (this.buffer.length === 0) return;
    const batch = this.buffer;
    this.buffer = [];
    this.writing = this.options.requestLog
      .flush()
      .then(() => this.options.repo.writeBatch(batch))
      .catch((error: unknown) => {
        this.buffer = batch.concat(this.buffer);
        this.options.log.warn(
          { err: (error as Error).message, pending: this.buffer.length },
          'call inspector: writing bodies failed; retrying on the next tick',
        );
      })
      .finally(() => {
        this.writing = null;
      });
    await this.writing;
  }

  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.flush();
  }

  /** One call of the app's log with its bodies, for the app's owner or an admin. */
  async call(
    viewer: { userId: string; isAdmin: boolean },
    appId: string,
    requestId: string,
  ): Promise<InspectedCall> {
    const valid = /^\d{1,19}$/.test(appId) && /^\d{1,19}$/.test(requestId);
    const app = valid ? await this.options.appOwner(appId) : undefined;
    if (!app || (!viewer.isAdmin && app.ownerId !== viewer.userId)) throw notFound('App not found.');
    await this.flush();
    const call = await this.options.repo.findCall(appId, requestId);
    if (!call) throw notFound('Request not found.');
    return call;
  }
}

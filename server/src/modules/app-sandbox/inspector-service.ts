import { BatchWriter } from '../../lib/batch-writer.js';
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
  private readonly writer: BatchWriter<InspectedBodies>;

  constructor(private readonly options: CallInspectorOptions) {
    this.writer = new BatchWriter({
      name: 'call inspector',
      flushMs: options.flushMs,
      maxBuffered: options.maxBuffered ?? MAX_BUFFERED,
      log: options.log,
      // A body's call must be in the request log before it (orphans are trimmed).
      write: async (batch) => {
        await options.requestLog.flush();
        await options.repo.writeBatch(batch);
      },
    });
  }

  start(): void {
    this.writer.start();
  }

  record(bodies: InspectedBodies): void {
    this.writer.push(bodies);
  }

  flush(): Promise<void> {
    return this.writer.flush();
  }

  close(): Promise<void> {
    return this.writer.close();
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

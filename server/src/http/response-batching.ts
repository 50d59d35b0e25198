import type { FastifyBaseLogger, FastifyInstance } from 'fastify';

/**
 * Response batching: the responses finished while the event loop handles one batch of ready
 * sockets are written together at the end of that turn (`setImmediate`), not one by one as each
 * handler finishes.
 *
 * Why: a client usually waits on the other CPU with nothing to do. Each response written wakes
 * it, and on a virtual machine waking an idle CPU is dear (an inter-processor interrupt through
 * the hypervisor, ~10-17 µs of this process's kernel time per response in `bench/`). Written
 * back to back, a turn's responses wake the client once. On the 2-core bench machine this
 * raised a bare Fastify route from ~16,600 to ~27,000 pin gets a second (bench/RESULTS.md).
 *
 * What it costs: a response waits at most for the rest of its loop turn, the handlers of the
 * other requests that were ready at the same moment. Under light load a turn holds one request
 * and nothing waits. Nothing is dropped: every held response is released in the next check
 * phase, and a failure releasing one does not hold back the others.
 *
 * Turned off with `BATCH_RESPONSE_WRITES=false`.
 */
export function registerResponseBatching(app: FastifyInstance): void {
  const batch = new ResponseBatch(app.log);
  // onSend runs after serialisation, just before Fastify writes the head and body; `done`
  // continues to the write. The callback form costs no promise per response.
  app.addHook('onSend', (_request, _reply, _payload, done) => {
    batch.hold(done as () => void);
  });
}

/** The writes held during one event-loop turn, released together in its check phase. */
export class ResponseBatch {
  private held: Array<() => void> = [];
  private readonly releaseAll = (): void => this.release();

  constructor(private readonly log: Pick<FastifyBaseLogger, 'error'>) {}

  hold(write: () => void): void {
    if (this.held.length === 0) setImmediate(this.releaseAll);
    this.held.push(write);
  }

  /** How many writes wait for the end of the current turn. */
  get size(): number {
    return this.held.length;
  }

  private release(): void {
    const writes = this.held;
    this.held = [];
    for (const write of writes) {
      try {
        write();
      } catch (error) {
        this.log.error({ err: error }, 'writing a batched response failed');
      }
    }
  }
}

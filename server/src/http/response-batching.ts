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
 * What it costs: a response waits for the handlers of the other requests that were ready at
 * the same moment, and never more than MAX_HOLD_MS (then the batch goes out at once). Under
 * light load a turn holds one request and nothing waits. Nothing is dropped: every held response
 * is released in the next check phase at the latest, and a failure releasing one does not hold
 * back the others.
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

/**
 * A response is held at most this long: when the handlers of one turn are slow (a big page,
 * many requests ready at once), the batch goes out early instead of making the first response
 * wait for all of them. Batches of a few responses already save most of the wake-ups.
 */
export const MAX_HOLD_MS = 1;

/** The writes held during one event-loop turn, released together in its check phase. */
export class ResponseBatch {
  private held: Array<() => void> = [];
  private scheduled = false;
  private firstHeldAt = 0;
  private readonly releaseAtEndOfTurn = (): void => {
    this.scheduled = false;
    this.release();
  };

  constructor(
    private readonly log: Pick<FastifyBaseLogger, 'error'>,
    private readonly now: () => number = performance.now.bind(performance),
    private readonly maxHoldMs = MAX_HOLD_MS,
  ) {}

  hold(write: () => void): void {
    const now = this.now();
    if (this.held.length === 0) this.firstHeldAt = now;
    this.held.push(write);
    if (now - this.firstHeldAt >= this.maxHoldMs) {
      // The turn is taking long: write what waits now (the check phase finds nothing, or later ones).
      this.release();
    } else if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(this.releaseAtEndOfTurn);
    }
  }

  /** How many writes wait for the end of the current turn. */
  get size(): number {
    return this.held.length;
  }

  private release(): void {
    const writes = this.held;
    if (writes.length === 0) return;
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

export interface BatchWriterOptions<T> {
  /** Writes one batch (database work only); a rejection keeps the batch for the next tick. */
  write: (batch: T[]) => Promise<void>;
  /** How often the buffer is written, in milliseconds. */
  flushMs: number;
  /** Items held at most; past it the oldest are dropped, with a warning now and then. */
  maxBuffered: number;
  /**
   * Items per `write` call at most (default: all of them). A flush writes a big buffer as several
   * writes and lets the event loop run between them, so one flush never holds up requests for long.
   */
  maxBatch?: number;
  /**
   * Leaves out of a flush the items its write would make pointless (the request log keeps each
   * app's latest 1,000 calls: older ones of the same flush would be deleted in the same
   * transaction). Gets the buffered items in the order they came; keeps their order.
   */
  compact?: (items: T[]) => T[];
  /**
   * Takes up to `max` of what is kept elsewhere until a flush (the request log's per-app slots).
   * Called for each write of a flush, after what the buffer holds, so the items are made just
   * before they are written: made at the start of a flush and written over several turns of the
   * event loop, a second's worth of them lived long enough for the garbage collector to promote
   * them to the old generation, whose collections then held requests up.
   */
  collect?: (max: number) => T[];
  /** Names the writer in warnings, e.g. "request log". */
  name: string;
  log: { warn(details: object, message: string): void };
}

/**
 * A bounded in-memory buffer written in batches by a timer, off the request path: `push` never
 * waits on the database; a failed write puts its batch (and what was not written yet) back in
 * front for the next tick; `close` writes what is left, so nothing acknowledged is lost on a
 * graceful shutdown.
 */
export class BatchWriter<T> {
  private buffer: T[] = [];
  private timer: NodeJS.Timeout | null = null;
  private writing: Promise<void> | null = null;
  private dropped = 0;

  constructor(private readonly options: BatchWriterOptions<T>) {}

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.flush(), this.options.flushMs);
    this.timer.unref();
  }

  push(item: T): void {
    this.buffer.push(item);
    if (this.buffer.length > this.options.maxBuffered) this.dropOldest();
  }

  pushAll(items: readonly T[]): void {
    for (const item of items) this.buffer.push(item);
    if (this.buffer.length > this.options.maxBuffered) this.dropOldest();
  }

  /** Items waiting to be written. */
  get pending(): number {
    return this.buffer.length;
  }

  /**
   * Writes everything buffered now and what `collect` gives meanwhile (at most `maxBuffered`
   * items in one flush, so a flush ends under any load); concurrent calls wait for the same write.
   */
  async flush(): Promise<void> {
    while (this.writing) await this.writing;
    this.writing = this.writeAll().finally(() => {
      this.writing = null;
    });
    await this.writing;
  }

  private async writeAll(): Promise<void> {
    const size = Math.max(1, this.options.maxBatch ?? Number.MAX_SAFE_INTEGER);
    // What the buffer holds (a failed write's items, pushes) is compacted once per flush.
    if (this.buffer.length > 0 && this.options.compact) this.buffer = this.options.compact(this.buffer);
    let budget = Math.max(this.options.maxBuffered, this.buffer.length);
    for (let first = true; budget > 0; first = false) {
      // Requests that arrived meanwhile run between two writes of one flush.
      if (!first) await new Promise((resolve) => setImmediate(resolve));
      const batch = this.nextBatch(Math.min(size, budget));
      if (batch.length === 0) return;
      budget -= batch.length;
      try {
        await this.options.write(batch);
      } catch (error) {
        // Back in front of anything pushed meanwhile; the next tick retries.
        this.buffer = batch.concat(this.buffer);
        if (this.buffer.length > this.options.maxBuffered) this.dropOldest();
        this.options.log.warn(
          { err: (error as Error).message, pending: this.buffer.length },
          `${this.options.name}: writing a batch failed; retrying on the next tick`,
        );
        return;
      }
    }
  }

  /** Up to `size` items: the buffer's first, then what waits elsewhere. */
  private nextBatch(size: number): T[] {
    let batch: T[] = [];
    if (this.buffer.length > 0) {
      const held = this.buffer;
      batch = held.length <= size ? held : held.slice(0, size);
      this.buffer = held.length <= size ? [] : held.slice(size);
    }
    if (batch.length < size && this.options.collect) {
      const more = this.options.collect(size - batch.length);
      batch = batch.length === 0 ? more : batch.concat(more);
    }
    return batch;
  }

  /** Stops the timer and writes what is left (one retry if the first write fails). */
  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.flush();
    if (this.buffer.length > 0) await this.flush();
  }

  private dropOldest(): void {
    const excess = this.buffer.length - this.options.maxBuffered;
    this.buffer.splice(0, excess);
    const before = this.dropped;
    this.dropped += excess;
    // One warning per thousand dropped, not one per item.
    if (before === 0 || Math.floor(before / 1000) !== Math.floor(this.dropped / 1000)) {
      this.options.log.warn(
        { dropped: this.dropped },
        `${this.options.name}: the buffer is full (the database is not keeping up); dropping the oldest entries`,
      );
    }
  }
}

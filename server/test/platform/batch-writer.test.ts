import { describe, expect, it } from 'vitest';
import { BatchWriter } from '../../src/lib/batch-writer.js';

function writer(
  options: {
    fail?: () => boolean;
    maxBuffered?: number;
    maxBatch?: number;
    compact?: (items: number[]) => number[];
    collect?: (max: number) => number[];
  } = {},
) {
  const written: number[][] = [];
  const warnings: string[] = [];
  const counts = { compactions: 0 };
  const compact = options.compact;
  const w = new BatchWriter<number>({
    name: 'test log',
    flushMs: 60_000,
    maxBuffered: options.maxBuffered ?? 100,
    maxBatch: options.maxBatch,
    collect: options.collect,
    compact: compact
      ? (items) => {
          counts.compactions++;
          return compact(items);
        }
      : undefined,
    log: { warn: (_details, message) => warnings.push(message) },
    write: async (batch) => {
      if (options.fail?.()) throw new Error('database is down');
      written.push(batch);
    },
  });
  return { w, written, warnings, counts };
}

describe('BatchWriter', () => {
  it('writes what was pushed, in order, in one batch per flush', async () => {
    const { w, written } = writer();
    w.push(1);
    w.pushAll([2, 3]);
    expect(w.pending).toBe(3);
    await w.flush();
    w.push(4);
    await w.close();
    expect(written).toEqual([[1, 2, 3], [4]]);
    expect(w.pending).toBe(0);
  });

  it('keeps a failed batch in front of newer items and writes it on the next flush', async () => {
    let down = true;
    const { w, written, warnings } = writer({ fail: () => down });
    w.pushAll([1, 2]);
    await w.flush();
    expect(written).toEqual([]);
    expect(warnings[0]).toContain('test log: writing a batch failed');
    w.push(3);
    down = false;
    await w.flush();
    expect(written).toEqual([[1, 2, 3]]);
  });

  it('drops the oldest items past its bound, with a warning', async () => {
    const { w, written, warnings } = writer({ maxBuffered: 3 });
    w.pushAll([1, 2, 3, 4, 5]);
    await w.flush();
    expect(written).toEqual([[3, 4, 5]]);
    expect(warnings.some((m) => m.includes('dropping the oldest'))).toBe(true);
  });

  it('writes a big buffer as several writes of at most maxBatch, in order', async () => {
    const { w, written } = writer({ maxBatch: 2 });
    w.pushAll([1, 2, 3, 4, 5]);
    await w.flush();
    expect(written).toEqual([[1, 2], [3, 4], [5]]);
  });

  it('lets the event loop run between two writes of one flush', async () => {
    const order: string[] = [];
    const w = new BatchWriter<number>({
      name: 'test',
      write: async (batch) => {
        order.push(`write ${batch.join(',')}`);
      },
      flushMs: 60_000,
      maxBuffered: 100,
      maxBatch: 2,
      log: { warn: () => undefined },
    });
    w.pushAll([1, 2, 3, 4]);
    const flushed = w.flush();
    // A request arriving while the flush runs: it is served between the writes, not after them.
    setImmediate(() => order.push('request'));
    await flushed;
    expect(order).toEqual(['write 1,2', 'request', 'write 3,4']);
  });

  it('keeps the failed write and every later one of the same flush for the next tick', async () => {
    let writes = 0;
    const { w, written, warnings } = writer({ maxBatch: 2, fail: () => ++writes === 2 });
    w.pushAll([1, 2, 3, 4, 5]);
    await w.flush();
    expect(written).toEqual([[1, 2]]);
    expect(w.pending).toBe(3);
    expect(warnings[0]).toContain('retrying');
    w.push(6);
    await w.flush();
    expect(written).toEqual([
      [1, 2],
      [3, 4],
      [5, 6],
    ]);
  });

  it('writes what compact leaves of a flush', async () => {
    const { w, written } = writer({ maxBatch: 2, compact: (items) => items.filter((n) => n % 2 === 0) });
    w.pushAll([1, 2, 3, 4, 5, 6]);
    await w.flush();
    expect(written).toEqual([[2, 4], [6]]);
    expect(w.pending).toBe(0);
  });

  it('collects what waits elsewhere at each flush, after what it already holds', async () => {
    const elsewhere: number[] = [];
    const { w, written } = writer({ collect: () => elsewhere.splice(0) });
    w.push(1);
    elsewhere.push(2, 3);
    await w.flush();
    expect(written).toEqual([[1, 2, 3]]);
    expect(elsewhere).toEqual([]);
    await w.flush();
    expect(written).toHaveLength(1);
    elsewhere.push(4);
    await w.close();
    expect(written).toEqual([[1, 2, 3], [4]]);
  });

  it('collects batch by batch, just before each write, and ends a flush after maxBuffered items', async () => {
    const asked: number[] = [];
    let made = 0;
    // A source that never runs dry, as under a steady load.
    const { w, written } = writer({
      maxBatch: 4,
      maxBuffered: 10,
      collect: (max) => {
        asked.push(max);
        return Array.from({ length: max }, () => made++);
      },
    });
    w.push(-1);
    await w.flush();
    expect(written).toEqual([
      [-1, 0, 1, 2],
      [3, 4, 5, 6],
      [7, 8],
    ]);
    expect(asked).toEqual([3, 4, 2]);
  });

  it('lets concurrent flushes share one write', async () => {
    const { w, written } = writer();
    w.pushAll([1, 2]);
    await Promise.all([w.flush(), w.flush(), w.flush()]);
    expect(written).toEqual([[1, 2]]);
  });
});

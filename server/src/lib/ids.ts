/**
 * Time-ordered 64-bit ids (Snowflake layout): 41 bits of milliseconds since 2020-01-01,
 * 10 bits of worker number (leased per process, see db/worker-lease.ts), 12 bits of sequence.
 * Ids are strings everywhere outside the database: a JS number cannot hold them.
 */
const EPOCH_MS = 1_577_836_800_000n; // 2020-01-01T00:00:00Z
const WORKER_BITS = 10n;
const SEQUENCE_BITS = 12n;
const MAX_SEQUENCE = (1n << SEQUENCE_BITS) - 1n;
export const MAX_WORKER_ID = Number((1n << WORKER_BITS) - 1n);
export const MAX_ID = (1n << 63n) - 1n;

export class IdGenerator {
  private lastMs = 0n;
  private sequence = 0n;

  constructor(private readonly workerId: number) {
    if (!Number.isInteger(workerId) || workerId < 0 || workerId > MAX_WORKER_ID) {
      throw new Error(`worker id must be 0..${MAX_WORKER_ID}`);
    }
  }

  next(): string {
    let now = BigInt(Date.now());
    if (now < this.lastMs) now = this.lastMs; // clock went backwards: keep ids increasing
    if (now === this.lastMs) {
      this.sequence = (this.sequence + 1n) & MAX_SEQUENCE;
      if (this.sequence === 0n) now = this.lastMs + 1n; // sequence exhausted: borrow the next millisecond
    } else {
      this.sequence = 0n;
    }
    this.lastMs = now;
    const id =
      ((now - EPOCH_MS) << (WORKER_BITS + SEQUENCE_BITS)) |
      (BigInt(this.workerId) << SEQUENCE_BITS) |
      this.sequence;
    return id.toString();
  }
}

/** True when `value` is a decimal string naming a positive 64-bit id. */
export function isValidId(value: string): boolean {
  if (!/^\d{1,19}$/.test(value)) return false;
  const n = BigInt(value);
  return n > 0n && n <= MAX_ID;
}

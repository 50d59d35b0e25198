/**
 * Time-ordered 64-bit ids (Snowflake layout): 41 bits of milliseconds since 2020-01-01,
 * 10 bits of worker number (leased per process, see db/worker-lease.ts), 12 bits of sequence.
 * Ids are strings everywhere outside the database: a JS number cannot hold them.
 */
const EPOCH_MS = 1_577_836_800_000n; // 2020-01-01T00:00:00Z
const WORKER_BITS = 10n;
const SEQUENCE_BITS = 12n;
const MAX_SEQUENCE_NUMBER = Number((1n << SEQUENCE_BITS) - 1n);
export const MAX_WORKER_ID = Number((1n << WORKER_BITS) - 1n);
export const MAX_ID = (1n << 63n) - 1n;

/** Decimal digits of an id kept apart from the rest, so a millisecond's ids share one prefix. */
const LOW_DIGITS = 4;
const LOW_MODULUS = 10 ** LOW_DIGITS;
const LOW_MODULUS_BIG = BigInt(LOW_MODULUS);

export class IdGenerator {
  private lastMs = 0;
  private sequence = 0;
  /** This millisecond's first id (sequence 0) as its leading digits and its last LOW_DIGITS as a number. */
  private baseHigh = '';
  private baseLow = 0;
  private readonly scratch: IdParts = { high: '', low: 0 };

  constructor(private readonly workerId: number) {
    if (!Number.isInteger(workerId) || workerId < 0 || workerId > MAX_WORKER_ID) {
      throw new Error(`worker id must be 0..${MAX_WORKER_ID}`);
    }
  }

  next(): string {
    this.nextInto(this.scratch);
    return idText(this.scratch);
  }

  /**
   * The next id as its parts, written into `out` (no string is made): for ids recorded now and
   * written out later (the request log), `idText(out)` gives the same text `next()` would have.
   */
  nextInto(out: IdParts): void {
    let now = Date.now();
    if (now < this.lastMs) now = this.lastMs; // clock went backwards: keep ids increasing
    if (now === this.lastMs) {
      this.sequence = (this.sequence + 1) & MAX_SEQUENCE_NUMBER;
      if (this.sequence === 0) now = this.lastMs + 1; // sequence exhausted: borrow the next millisecond
    } else {
      this.sequence = 0;
    }
    if (now !== this.lastMs) {
      // BigInt arithmetic once a millisecond; the ids within it add the sequence to its digits.
      const base =
        ((BigInt(now) - EPOCH_MS) << (WORKER_BITS + SEQUENCE_BITS)) |
        (BigInt(this.workerId) << SEQUENCE_BITS);
      this.baseHigh = base >= LOW_MODULUS_BIG ? (base / LOW_MODULUS_BIG).toString() : '';
      this.baseLow = Number(base % LOW_MODULUS_BIG);
      this.lastMs = now;
    }
    out.high = this.baseHigh;
    out.low = this.baseLow + this.sequence;
  }
}

/**
 * An id as the leading decimal digits shared by its millisecond and a number to add to their
 * last LOW_DIGITS (IdGenerator.nextInto).
 */
export interface IdParts {
  high: string;
  low: number;
}

/** The decimal text of an id given as parts. */
export function idText(parts: IdParts): string {
  const { high, low } = parts;
  if (low >= LOW_MODULUS || high === '') {
    // A carry into the leading digits (or a tiny id): the exact sum.
    return (BigInt(high || '0') * LOW_MODULUS_BIG + BigInt(low)).toString();
  }
  return high + String(low).padStart(LOW_DIGITS, '0');
}

const DIGITS = /^\d{1,19}$/;
const ALL_ZEROS = /^0+$/;
const MAX_ID_TEXT = MAX_ID.toString();

/** True when `value` is a decimal string naming a positive 64-bit id (no BigInt: it runs on every call). */
export function isValidId(value: string): boolean {
  if (!DIGITS.test(value)) return false;
  // Compared as text: at 19 digits the order of the strings is the order of the numbers.
  if (value.length === MAX_ID_TEXT.length && value > MAX_ID_TEXT) return false;
  return !ALL_ZEROS.test(value);
}

/**
 * Converters for values read back from either database: better-sqlite3 (safeIntegers) gives
 * bigint for every integer, pg gives strings for int8 and count(). Repos use these so no
 * 64-bit id ever passes through a JS number.
 */
export function idOf(value: unknown): string {
  if (typeof value === 'bigint' || typeof value === 'number' || typeof value === 'string')
    return String(value);
  throw new Error(`expected an id, got ${typeof value}`);
}

export function idOrNull(value: unknown): string | null {
  return value === null || value === undefined ? null : idOf(value);
}

export function intOf(value: unknown): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint' || typeof value === 'string') return Number(value);
  if (value === null || value === undefined) return 0;
  throw new Error(`expected an integer, got ${typeof value}`);
}

export function boolOf(value: unknown): boolean {
  return intOf(value) !== 0 || value === true;
}

/** Booleans are stored as integers 0/1 on both databases. */
export function boolToDb(value: boolean): number {
  return value ? 1 : 0;
}

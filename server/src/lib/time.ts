const STORED = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

/** RFC 3339 timestamp in UTC with a `Z`, as Pinterest returns them (second precision). */
export function toRfc3339(date: Date | string): string {
  // Stored timestamps are already ISO 8601 in UTC with milliseconds: cut, don't reparse.
  if (typeof date === 'string' && STORED.test(date)) return `${date.slice(0, 19)}Z`;
  const d = typeof date === 'string' ? new Date(date) : date;
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

let formattedMs = Number.NaN;
let formatted = '';

/**
 * Current time as stored in the database: ISO 8601 with milliseconds, sortable as text. Formatted
 * once per millisecond (every API call's request-log entry asks; V8 formats with snprintf).
 */
export function nowIso(): string {
  const ms = Date.now();
  if (ms !== formattedMs) {
    formatted = new Date(ms).toISOString();
    formattedMs = ms;
  }
  return formatted;
}

import { describe, expect, it } from 'vitest';
import { toRfc3339 } from '../../src/lib/time.js';

describe('toRfc3339', () => {
  it('gives RFC 3339 in UTC with a Z and second precision, from stored text or a Date', () => {
    expect(toRfc3339('2026-11-28T17:05:10.123Z')).toBe('2026-11-28T17:05:10Z');
    expect(toRfc3339(new Date('2026-01-02T03:04:05.999Z'))).toBe('2026-01-02T03:04:05Z');
    expect(toRfc3339('2026-11-28T18:05:10.123+01:00')).toBe('2026-11-28T17:05:10Z');
  });
});

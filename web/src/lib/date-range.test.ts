import { describe, expect, it } from 'vitest';
import {
  addDays,
  checkRange,
  daysBetween,
  earliestStart,
  latestEnd,
  parseDay,
  presetOf,
  presetRange,
  type RangeRules,
} from './date-range';

const rules: RangeRules = { today: '2026-03-15', maxDaysBack: 90, maxRangeDays: 90 };

describe('analytics date ranges', () => {
  it('reads only real calendar days written YYYY-MM-DD', () => {
    expect(parseDay('2026-02-28')).toBe('2026-02-28');
    expect(parseDay('2024-02-29')).toBe('2024-02-29');
    expect(parseDay('2026-02-29')).toBeNull();
    expect(parseDay('2026-13-01')).toBeNull();
    expect(parseDay('2026-3-1')).toBeNull();
    expect(parseDay('')).toBeNull();
  });

  it('steps whole UTC days across months, years and leap days', () => {
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28');
    expect(addDays('2024-03-01', -1)).toBe('2024-02-29');
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(daysBetween('2026-03-01', '2026-03-31')).toBe(30);
    expect(daysBetween('2026-03-31', '2026-03-01')).toBe(-30);
  });

  it('makes presets of the last N days ending today, and recognises them', () => {
    expect(presetRange(7, rules)).toEqual({ start: '2026-03-09', end: '2026-03-15' });
    expect(presetRange(30, rules)).toEqual({ start: '2026-02-14', end: '2026-03-15' });
    expect(presetRange(90, rules)).toEqual({ start: '2025-12-16', end: '2026-03-15' });
    expect(presetOf({ start: '2026-03-09', end: '2026-03-15' }, [7, 30, 90], rules)).toBe(7);
    expect(presetOf({ start: '2026-03-09', end: '2026-03-14' }, [7, 30, 90], rules)).toBeNull();
    // Every preset keeps the rules.
    for (const days of [7, 30, 90]) {
      const { start, end } = presetRange(days, rules);
      expect(checkRange(start, end, rules)).toBeNull();
    }
  });

  it('allows a start exactly 90 days back and an end exactly 90 days after the start', () => {
    expect(earliestStart(rules)).toBe('2025-12-15');
    expect(latestEnd('2025-12-15', rules)).toBe('2026-03-15');
    expect(checkRange('2025-12-15', '2026-03-15', rules)).toBeNull();
    expect(checkRange('2026-03-15', '2026-03-15', rules)).toBeNull();
  });

  it('names the field and the rule a range breaks, first problem first', () => {
    expect(checkRange('2025-12-14', '2026-01-01', rules)).toEqual({
      field: 'start_date',
      message: 'The start can be at most 90 days back from today: 2025-12-15 or later.',
    });
    expect(checkRange('2026-03-10', '2026-03-09', rules)).toEqual({
      field: 'end_date',
      message: 'The end cannot be before the start.',
    });
    expect(checkRange('2026-03-01', '2026-05-31', rules)).toEqual({
      field: 'end_date',
      message: 'The end can be at most 90 days after the start: 2026-05-30 or earlier.',
    });
    expect(checkRange('2026-02-30', '2026-03-01', rules)?.field).toBe('start_date');
    expect(checkRange('2026-03-01', '', rules)?.field).toBe('end_date');
  });

  it('follows the rules the server gives', () => {
    const shorter: RangeRules = { today: '2026-03-15', maxDaysBack: 30, maxRangeDays: 7 };
    expect(checkRange('2026-02-10', '2026-02-12', shorter)?.field).toBe('start_date');
    expect(checkRange('2026-03-01', '2026-03-09', shorter)?.field).toBe('end_date');
    expect(checkRange('2026-03-01', '2026-03-08', shorter)).toBeNull();
  });
});

/**
 * Date ranges of the analytics page: UTC days written 'YYYY-MM-DD'. The rules (how far back,
 * how long) come from the server's analytics definition; this module only applies them as
 * people type. The server checks again and its answer wins.
 */
export type Day = string;

export interface RangeRules {
  /** The server's today (UTC). */
  today: Day;
  /** start may be at most this many days before today. */
  maxDaysBack: number;
  /** end may be at most this many days after start. */
  maxRangeDays: number;
}

export interface DayRange {
  start: Day;
  end: Day;
}

export interface RangeProblem {
  field: 'start_date' | 'end_date';
  message: string;
}

const DAY_PATTERN = /^(\d{4})-(\d\d)-(\d\d)$/;
const MS_PER_DAY = 86_400_000;

/** A real calendar day in 'YYYY-MM-DD' form, or null. */
export function parseDay(text: string): Day | null {
  const match = DAY_PATTERN.exec(text);
  if (!match) return null;
  const date = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])));
  return date.toISOString().slice(0, 10) === text ? text : null;
}

/** The day `days` after `day` (before it when negative). */
export function addDays(day: Day, days: number): Day {
  return new Date(Date.parse(`${day}T00:00:00Z`) + days * MS_PER_DAY).toISOString().slice(0, 10);
}

/** How many days from `start` to `end` (0 when the same day; negative when end is before). */
export function daysBetween(start: Day, end: Day): number {
  return Math.round((Date.parse(`${end}T00:00:00Z`) - Date.parse(`${start}T00:00:00Z`)) / MS_PER_DAY);
}

/** The earliest start the rules allow. */
export function earliestStart(rules: RangeRules): Day {
  return addDays(rules.today, -rules.maxDaysBack);
}

/** The latest end the rules allow for a start. */
export function latestEnd(start: Day, rules: RangeRules): Day {
  return addDays(start, rules.maxRangeDays);
}

/** The last `days` days, today included. */
export function presetRange(days: number, rules: RangeRules): DayRange {
  return { start: addDays(rules.today, -(days - 1)), end: rules.today };
}

/** The preset (number of days) a range is, or null for a custom one. */
export function presetOf(range: DayRange, presets: readonly number[], rules: RangeRules): number | null {
  return (
    presets.find((days) => {
      const preset = presetRange(days, rules);
      return preset.start === range.start && preset.end === range.end;
    }) ?? null
  );
}

/** The first rule the range breaks, named by the query parameter, or null when it is fine. */
export function checkRange(startText: string, endText: string, rules: RangeRules): RangeProblem | null {
  const start = parseDay(startText);
  if (!start) return { field: 'start_date', message: 'Enter a start date (YYYY-MM-DD).' };
  const end = parseDay(endText);
  if (!end) return { field: 'end_date', message: 'Enter an end date (YYYY-MM-DD).' };
  const earliest = earliestStart(rules);
  if (start < earliest)
    return {
      field: 'start_date',
      message: `The start can be at most ${rules.maxDaysBack} days back from today: ${earliest} or later.`,
    };
  if (end < start) return { field: 'end_date', message: 'The end cannot be before the start.' };
  const latest = latestEnd(start, rules);
  if (end > latest)
    return {
      field: 'end_date',
      message: `The end can be at most ${rules.maxRangeDays} days after the start: ${latest} or earlier.`,
    };
  return null;
}

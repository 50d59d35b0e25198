import { invalidField } from '../../lib/errors.js';

/**
 * Analytics dates are UTC calendar days written 'YYYY-MM-DD', the form the roll-ups store,
 * so they compare as text and step by whole days without time zones.
 */
export type Day = string;

const DAY_PATTERN = /^(\d{4})-(\d\d)-(\d\d)$/;
const MS_PER_DAY = 86_400_000;

/** How far back start_date may go and how long a range may be (the spec's 90 days). */
export const MAX_DAYS_BACK = 90;
export const MAX_RANGE_DAYS = 90;

export function dayOf(date: Date): Day {
  return date.toISOString().slice(0, 10);
}

/** The day `days` after `day` (before it when negative). */
export function addDays(day: Day, days: number): Day {
  return dayOf(new Date(Date.parse(`${day}T00:00:00Z`) + days * MS_PER_DAY));
}

/** Every day from `start` to `end`, both included. */
export function daysFrom(start: Day, end: Day): Day[] {
  const days: Day[] = [];
  for (let day = start; day <= end; day = addDays(day, 1)) days.push(day);
  return days;
}

/** A real calendar day in 'YYYY-MM-DD' form, or null. */
export function parseDay(text: string): Day | null {
  const match = DAY_PATTERN.exec(text);
  if (!match) return null;
  const date = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])));
  return dayOf(date) === text ? text : null;
}

export interface DayRange {
  start: Day;
  end: Day;
  /** Today (UTC) when the range was checked: days after it have no data yet. */
  today: Day;
}

/**
 * The spec's date rules, each refused with a 400 that names the parameter and the rule:
 * start_date at most 90 days back from today, end_date not before start_date and at most
 * 90 days past it.
 */
export function checkDayRange(startText: string, endText: string, now: Date): DayRange {
  const start = parseDay(startText);
  if (!start) throw invalidField('start_date', 'must be a date written YYYY-MM-DD');
  const end = parseDay(endText);
  if (!end) throw invalidField('end_date', 'must be a date written YYYY-MM-DD');
  const today = dayOf(now);
  const earliest = addDays(today, -MAX_DAYS_BACK);
  if (start < earliest)
    throw invalidField(
      'start_date',
      `cannot be more than ${MAX_DAYS_BACK} days back from today (${today}): the earliest is ${earliest}`,
    );
  if (end < start) throw invalidField('end_date', `cannot be before start_date (${start})`);
  const latest = addDays(start, MAX_RANGE_DAYS);
  if (end > latest)
    throw invalidField(
      'end_date',
      `cannot be more than ${MAX_RANGE_DAYS} days past start_date (${start}): the latest is ${latest}`,
    );
  return { start, end, today };
}

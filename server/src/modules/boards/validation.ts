import { invalidField } from '../../lib/errors.js';
import { isValidId } from '../../lib/ids.js';

/**
 * Input checks shared by boards, sections and pins that a JSON schema cannot say (or says
 * badly). Each throws 400 code 1 naming the field; callers run them all before any write.
 */

/** PostgreSQL refuses NUL in text: a NUL would otherwise surface as a 5xx, so it is bad input. */
export function checkText<T extends string | null | undefined>(field: string, value: T): T {
  if (typeof value === 'string' && value.includes('\u0000'))
    throw invalidField(field, 'must not contain NUL characters');
  return value;
}

/** A required name: trimmed, non-empty, at most `max` characters, no NUL. */
export function checkName(field: string, value: string, max: number): string {
  const trimmed = checkText(field, value).trim();
  if (trimmed.length === 0) throw invalidField(field, 'must not be empty');
  if ([...trimmed].length > max) throw invalidField(field, `must be at most ${max} characters`);
  return trimmed;
}

/** An outbound link: an absolute http(s) URL; empty clears it. */
export function checkLink<T extends string | null | undefined>(field: string, value: T): T | null {
  if (value === undefined) return value as T;
  if (value === null || value === '') return null;
  checkText(field, value);
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw invalidField(field, 'must be an absolute http or https URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw invalidField(field, 'must be an absolute http or https URL');
  return value;
}

const HEX_COLOR = /^#[0-9a-fA-F]{6}$/;

export function isHexColor(value: unknown): value is string {
  return typeof value === 'string' && HEX_COLOR.test(value);
}

/** Path and body ids outside 1..2^63-1 never reach the database (an int8 overflow is a 5xx in PostgreSQL). */
export function validIdOrNull(value: string | null | undefined): string | null {
  return typeof value === 'string' && isValidId(value) ? value : null;
}

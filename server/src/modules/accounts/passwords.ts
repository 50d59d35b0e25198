import { randomBytes } from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';
import { invalidField } from '../../lib/errors.js';

export const PASSWORD_MIN_LENGTH = 8;
export const PASSWORD_MAX_LENGTH = 200;

/** 400 code 1 naming the field when a new password is too short or too long. */
export function checkNewPassword(field: string, password: string): void {
  const length = [...password].length;
  if (length < PASSWORD_MIN_LENGTH || length > PASSWORD_MAX_LENGTH) {
    throw invalidField(
      field,
      `must be ${PASSWORD_MIN_LENGTH} to ${PASSWORD_MAX_LENGTH} characters (got ${length})`,
    );
  }
}

/** argon2id (the library's default algorithm), computed off the libuv pool. */
export function hashPassword(password: string): Promise<string> {
  return hash(password);
}

let dummyHash: Promise<string> | null = null;

/**
 * Checks a password against a stored hash. Without a hash (unknown user, or an account with
 * no password) it verifies against a throwaway hash of the same cost and fails, so both
 * answers take comparable time and nobody can tell which usernames exist.
 */
export async function passwordMatches(storedHash: string | null, password: string): Promise<boolean> {
  if (storedHash === null) {
    dummyHash ??= hash(randomBytes(16).toString('hex'));
    await verify(await dummyHash, password).catch(() => false);
    return false;
  }
  try {
    return await verify(storedHash, password);
  } catch {
    return false;
  }
}

import { ApiError, fieldOfMessage, messageOf } from '../api/client';

export interface SplitError<F extends string> {
  /** Errors to show next to a field. */
  fields: Partial<Record<F, string>>;
  /** An error about the whole form (shown above the submit button). */
  form: string | null;
}

/**
 * Places a server error next to the field it is about: the field the message quotes
 * ("Invalid field 'title': …"), or one the message names in words ("The username … is
 * taken."); anything else is about the whole form. `aliases` maps server names to form ones.
 */
export function splitError<F extends string>(
  error: unknown,
  fields: readonly F[],
  aliases: Partial<Record<string, F>> = {},
): SplitError<F> {
  const message = messageOf(error);
  if (!(error instanceof ApiError)) return { fields: {}, form: message };
  const quoted = fieldOfMessage(message);
  const named =
    quoted !== null
      ? (aliases[quoted] ?? fields.find((field) => field === quoted))
      : fields.find((field) => new RegExp(`\\b${field.replace(/_/g, '[ _]')}\\b`, 'i').test(message));
  if (named) return { fields: { [named]: friendly(message) } as Partial<Record<F, string>>, form: null };
  return { fields: {}, form: message };
}

/** "Invalid field 'email': must be an email address." → "Must be an email address." */
function friendly(message: string): string {
  const match = /^Invalid [a-z ]*:? ?'[^']+':? (.*)$/.exec(message);
  if (!match?.[1]) return message;
  const rest = match[1];
  return rest.charAt(0).toUpperCase() + rest.slice(1);
}

/**
 * The call inspector's pure parts: what of a body is kept. Bodies are capped at
 * MAX_BODY_CHARS and every value under a secret-looking key is replaced, at any depth, so a
 * developer sees what their client sent and got without the log holding a credential.
 */

export const MAX_BODY_CHARS = 64 * 1024;
export const REDACTED = '[redacted]';

const SECRET_KEY = /(password|secret|token|authorization|api[_-]?key|code_verifier|cookie|csrf)/i;

/** `code` is an OAuth authorization code when it is a string (Pinterest's error codes are numbers). */
function isSecret(key: string, value: unknown): boolean {
  return SECRET_KEY.test(key) || (key === 'code' && typeof value === 'string');
}

export interface KeptBody {
  text: string | null;
  truncated: boolean;
}

/** Secret-looking keys' values replaced, at any depth (arrays included). */
export function redact(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redact);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(value as Record<string, unknown>)) {
      out[key] = isSecret(key, inner) ? REDACTED : redact(inner);
    }
    return out;
  }
  return value;
}

/** A body as kept: JSON re-serialised with secrets redacted, other text as is; capped. */
export function keepBody(body: unknown): KeptBody {
  if (body === undefined || body === null || body === '') return { text: null, truncated: false };
  let text: string;
  if (typeof body === 'string' || Buffer.isBuffer(body)) {
    const raw = body.toString();
    try {
      text = JSON.stringify(redact(JSON.parse(raw)));
    } catch {
      text = raw;
    }
  } else {
    text = JSON.stringify(redact(body));
  }
  if (text.length <= MAX_BODY_CHARS) return { text, truncated: false };
  return { text: text.slice(0, MAX_BODY_CHARS), truncated: true };
}

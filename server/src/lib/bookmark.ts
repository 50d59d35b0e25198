import { createHmac, timingSafeEqual } from 'node:crypto';
import { badRequest } from './errors.js';

/**
 * Opaque keyset cursors. A bookmark names the last row of the page it ends, and is signed
 * together with the route and filters it belongs to, so it cannot be forged, edited or
 * replayed against another list.
 */
export class BookmarkCodec {
  constructor(private readonly secret: Buffer) {}

  encode(scope: string, lastKey: string): string {
    const payload = Buffer.from(JSON.stringify({ k: lastKey }), 'utf8').toString('base64url');
    return `${payload}.${this.sign(scope, payload)}`;
  }

  /** Returns the last key of the previous page, or throws 400 for anything not made by encode(). */
  decode(scope: string, bookmark: string): string {
    const [payload, signature, extra] = bookmark.split('.');
    if (!payload || !signature || extra !== undefined) throw invalidBookmark();
    const expected = Buffer.from(this.sign(scope, payload));
    const given = Buffer.from(signature);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) throw invalidBookmark();
    try {
      const parsed = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { k?: unknown };
      if (typeof parsed.k !== 'string') throw new Error('key');
      return parsed.k;
    } catch {
      throw invalidBookmark();
    }
  }

  private sign(scope: string, payload: string): string {
    return createHmac('sha256', this.secret).update(scope).update('\0').update(payload).digest('base64url');
  }
}

const invalidBookmark = () => badRequest("Invalid request: 'bookmark' is not a bookmark this list returned.");

export interface Page<T> {
  items: T[];
  bookmark: string | null;
}

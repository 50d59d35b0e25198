import type { BookmarkCodec, Page } from '../../lib/bookmark.js';
import { isValidId } from '../../lib/ids.js';
import { badRequest } from '../../lib/errors.js';

/**
 * Keyset paging on ids, newest first (ids are time-ordered). Repos fetch `pageSize + 1` rows
 * after the key so the last page says `bookmark: null` without a count.
 */
export interface PageRequest {
  bookmark?: string;
  pageSize: number;
}

/** The id the previous page ended on, or null for the first page. 400 for a foreign bookmark. */
export function afterKey(
  bookmarks: BookmarkCodec,
  scope: string,
  bookmark: string | undefined,
): string | null {
  if (bookmark === undefined || bookmark === '') return null;
  const key = bookmarks.decode(scope, bookmark);
  if (!isValidId(key)) throw badRequest("Invalid request: 'bookmark' is not a bookmark this list returned.");
  return key;
}

export function pageOf<T>(
  bookmarks: BookmarkCodec,
  scope: string,
  rows: T[],
  pageSize: number,
  keyOf: (row: T) => string,
): Page<T> {
  if (rows.length <= pageSize) return { items: rows, bookmark: null };
  const items = rows.slice(0, pageSize);
  return { items, bookmark: bookmarks.encode(scope, keyOf(items[items.length - 1]!)) };
}

import { describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { BookmarkCodec } from '../../src/lib/bookmark.js';
import { ApiError } from '../../src/lib/errors.js';

describe('bookmarks', () => {
  const codec = new BookmarkCodec(randomBytes(32));

  it('round-trip the last key of a page for the same list', () => {
    const bookmark = codec.encode('pins/list|1', '123456789');
    expect(codec.decode('pins/list|1', bookmark)).toBe('123456789');
  });

  it('are refused with 400 code 1 when edited, forged or used on another list', () => {
    const bookmark = codec.encode('pins/list|1', '123456789');
    const [payload, signature] = bookmark.split('.');
    const edited = `${Buffer.from(JSON.stringify({ k: '1' })).toString('base64url')}.${signature}`;
    for (const bad of [edited, `${payload}.x${signature}`, 'garbage', '', `${bookmark}.extra`]) {
      expect(() => codec.decode('pins/list|1', bad)).toThrow(ApiError);
    }
    expect(() => codec.decode('pins/list|2', bookmark)).toThrow(/bookmark/);
    expect(() => new BookmarkCodec(randomBytes(32)).decode('pins/list|1', bookmark)).toThrow(ApiError);
  });
});

import { createHash } from 'node:crypto';
import type { AppContext } from '../../context.js';
import type { App } from '../../http/types.js';
import { isValidMediaKey } from './storage.js';

const CONTENT_TYPES: Record<string, string> = {
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  png: 'image/png',
  webp: 'image/webp',
  gif: 'image/gif',
  mp4: 'video/mp4',
};

/**
 * A single `bytes=` range of a file of `size` bytes: start..end inclusive, 'unsatisfiable',
 * or null to send the whole file (no header, several ranges, or a form we do not serve).
 */
export function parseRange(
  header: string | undefined,
  size: number,
): { start: number; end: number } | 'unsatisfiable' | null {
  if (!header) return null;
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!match || (match[1] === '' && match[2] === '')) return null;
  if (match[1] === '') {
    const suffix = Number(match[2]);
    if (suffix === 0 || size === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(match[1]);
  const end = match[2] === '' ? size - 1 : Math.min(Number(match[2]), size - 1);
  if (start >= size || end < start) return 'unsatisfiable';
  return { start, end };
}

/**
 * Media files are public by URL, like Pinterest's CDN; a key's bytes never change. Files are
 * streamed from storage and answer single byte ranges (206), so video players can seek.
 */
export function registerMediaRoutes(app: App, ctx: AppContext): void {
  app.get('/media/*', async (request, reply) => {
    const key = (request.params as { '*'?: string })['*'] ?? '';
    const ext = key.slice(key.lastIndexOf('.') + 1).toLowerCase();
    const type = CONTENT_TYPES[ext] ?? null;
    const file = type && isValidMediaKey(key) ? await ctx.media.storage.open(key) : null;
    if (!type || !file) return reply.status(404).send({ code: 404, message: 'Media not found.' });

    // Files under a key are immutable, so the key and length identify the bytes.
    const etag = `"${createHash('sha256').update(key).digest('base64url').slice(0, 22)}-${file.size.toString(36)}"`;
    reply
      .header('cache-control', 'public, max-age=31536000, immutable')
      .header('etag', etag)
      .header('accept-ranges', 'bytes')
      .header('x-content-type-options', 'nosniff');
    const ifNoneMatch = request.headers['if-none-match'];
    if (
      ifNoneMatch &&
      ifNoneMatch.split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag || tag.trim() === '*')
    ) {
      return reply.status(304).send();
    }
    // If-Range with another validator means the client's copy is stale: send it all.
    const ifRange = request.headers['if-range'];
    const range = !ifRange || ifRange === etag ? parseRange(request.headers.range, file.size) : null;
    if (range === 'unsatisfiable') {
      return reply
        .status(416)
        .header('content-range', `bytes */${file.size}`)
        .send({ code: 416, message: 'Range not satisfiable.' });
    }
    if (range) {
      return reply
        .status(206)
        .type(type)
        .header('content-range', `bytes ${range.start}-${range.end}/${file.size}`)
        .header('content-length', range.end - range.start + 1)
        .send(file.read(range));
    }
    return reply.type(type).header('content-length', file.size).send(file.read());
  });
}

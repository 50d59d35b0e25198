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

/** Media files are public by URL, like Pinterest's CDN; a key's bytes never change. */
export function registerMediaRoutes(app: App, ctx: AppContext): void {
  app.get('/media/*', async (request, reply) => {
    const key = (request.params as { '*'?: string })['*'] ?? '';
    const ext = key.slice(key.lastIndexOf('.') + 1).toLowerCase();
    const type = CONTENT_TYPES[ext] ?? null;
    const data = type && isValidMediaKey(key) ? await ctx.media.storage.get(key) : null;
    if (!type || !data) return reply.status(404).send({ code: 404, message: 'Media not found.' });

    // Files under a key are immutable, so the key and length identify the bytes.
    const etag = `"${createHash('sha256').update(key).digest('base64url').slice(0, 22)}-${data.length.toString(36)}"`;
    reply
      .header('cache-control', 'public, max-age=31536000, immutable')
      .header('etag', etag)
      .header('x-content-type-options', 'nosniff');
    const ifNoneMatch = request.headers['if-none-match'];
    if (
      ifNoneMatch &&
      ifNoneMatch.split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag || tag.trim() === '*')
    ) {
      return reply.status(304).send();
    }
    return reply.type(type).header('content-length', data.length).send(data);
  });
}

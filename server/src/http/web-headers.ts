import type { FastifyInstance } from 'fastify';
import helmet from 'helmet';

/**
 * Pinterest's JSON API under /v5/ is called by programs with bearer tokens: it sends no browser
 * security headers and reads no cookies. Everything else (the web app, its /api, the OAuth
 * pages, media, redirects) is opened in browsers and gets both.
 */
export function isApiPath(url: string): boolean {
  return url.startsWith('/v5/');
}

/**
 * Browser security headers (helmet) on every response outside /v5/. The middleware is built
 * once: building it per request, or merging per-route options per request as @fastify/helmet
 * does for every route, cost more than a tenth of a pin get.
 */
export function registerSecurityHeaders(app: FastifyInstance): void {
  const securityHeaders = helmet({
    contentSecurityPolicy: false,
    crossOriginResourcePolicy: { policy: 'cross-origin' },
  });
  app.addHook('onRequest', (request, reply, done) => {
    if (isApiPath(request.url)) return done();
    // helmet calls next() with no argument: it sets headers and never fails.
    securityHeaders(request.raw, reply.raw, done as (error?: unknown) => void);
  });
}

import fastifyStatic from '@fastify/static';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { App } from './types.js';

/** Where `npm run build` puts the web app (web/dist), from server/src/http or server/dist/http alike. */
export const DEFAULT_WEB_DIST_DIR = fileURLToPath(new URL('../../../web/dist/', import.meta.url));

/**
 * The server's own URL space (DESIGN.md): never answered with the web app, so an unknown
 * `/v5/…` or `/api/…` path stays a JSON 404 instead of an HTML page.
 */
export const SERVER_PATH_PREFIXES = [
  '/v5',
  '/api',
  '/oauth',
  '/media',
  '/r',
  '/_corkboard',
  '/docs',
  '/postman',
  '/health',
  '/ready',
] as const;

/** True for a path in the server's URL space: the prefix itself or anything below it. */
export function isServerPath(pathname: string): boolean {
  return SERVER_PATH_PREFIXES.some((prefix) => pathname === prefix || pathname.startsWith(`${prefix}/`));
}

/** Vite names built assets after their content: they never change, so browsers keep them a year. */
const IMMUTABLE = 'public, max-age=31536000, immutable';
/** index.html and other unhashed files are revalidated on every load, so a deploy shows at once. */
const REVALIDATE = 'no-cache';

/**
 * The home page's first request for data (web/src/pages/Home.tsx → PinFeed asks for the first
 * page of `/api/feed` as `/api/feed?`): announced with the page itself, so the browser fetches
 * it while the JavaScript is still on its way instead of after it (largest contentful paint).
 * `crossorigin=anonymous` gives the same-origin credentials mode the app's fetch uses, so the
 * browser reuses the preloaded answer. Only `/` gets it: other pages would fetch it for nothing.
 */
export const HOME_FEED_PRELOAD = '</api/feed?>; rel=preload; as=fetch; crossorigin=anonymous';

/**
 * Serves the built single-page app: the files of web/dist with long caching for hashed
 * assets, and index.html for every other GET outside the server's URL space (client routes
 * such as /pin/123). Without a build the server still starts and says how to make one.
 */
export async function registerWebApp(app: App, distDir: string = DEFAULT_WEB_DIST_DIR): Promise<void> {
  const indexFile = path.join(distDir, 'index.html');
  if (!fs.existsSync(indexFile)) {
    app.log.warn(
      { distDir },
      'The web app is not built (no index.html): run "npm run build" to serve it; the API works without it.',
    );
    app.get('/*', async (request, reply) => {
      if (isServerPath(pathOf(request.url))) return reply.callNotFound();
      // Not a server fault: this install has no pages to serve (a 404 that says why).
      return reply.status(404).send({
        code: 404,
        message: `The web app is not built on this server: run "npm run build" (looked in ${distDir}).`,
      });
    });
    return;
  }

  await app.register(fastifyStatic, {
    root: distDir,
    prefix: '/',
    // One route per built file (listed at start), no catch-all: nothing of the server is shadowed.
    wildcard: false,
    index: false,
    cacheControl: false,
    // The build writes .br and .gz beside each text file: sent as the browser accepts them.
    preCompressed: true,
    setHeaders(res, filePath) {
      const hashed = path.relative(distDir, filePath).startsWith(`assets${path.sep}`);
      res.setHeader('cache-control', hashed ? IMMUTABLE : REVALIDATE);
    },
  });

  app.get('/*', async (request, reply) => {
    const pathname = pathOf(request.url);
    // A missing file (an old build's asset, /secret.jpg) is a 404, not the app: client routes
    // never end in a file extension.
    if (isServerPath(pathname) || pathname.startsWith('/assets/') || looksLikeFile(pathname))
      return reply.callNotFound();
    if (pathname === '/') reply.header('link', HOME_FEED_PRELOAD);
    return reply.header('cache-control', REVALIDATE).sendFile('index.html');
  });
}

function looksLikeFile(pathname: string): boolean {
  return /\.[A-Za-z0-9]{1,8}$/.test(pathname);
}

function pathOf(url: string): string {
  const end = url.search(/[?#]/);
  return end === -1 ? url : url.slice(0, end);
}

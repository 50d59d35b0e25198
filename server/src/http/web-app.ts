import fastifyStatic from '@fastify/static';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { homeFeedFirstPage, renderHomePage } from './home-page.js';
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
/** The home page holds the visitor's own feed page: never kept by a shared cache. */
const PRIVATE_REVALIDATE = 'private, no-cache';

const gzip = promisify(zlib.gzip);

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

  // Read once: the home page is index.html with the first feed page put in (http/home-page.ts).
  // A new build needs a restart anyway, since the static routes are listed at start.
  const indexHtml = fs.readFileSync(indexFile, 'utf8');

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
    if (pathname === '/') {
      const home = await homePage(app, request, indexHtml);
      if (home !== null) return sendHtml(request, reply, home);
    }
    return reply.header('cache-control', REVALIDATE).sendFile('index.html');
  });
}

/**
 * index.html with the visitor's first feed page in it, or null to send index.html as it is:
 * if the feed cannot be read now, the app fetches it itself and shows the error there.
 */
async function homePage(app: App, request: FastifyRequest, indexHtml: string): Promise<string | null> {
  try {
    return renderHomePage(indexHtml, await homeFeedFirstPage(app.ctx, request));
  } catch (error) {
    request.log.warn({ err: error }, 'The home page is sent without its first feed page.');
    return null;
  }
}

/** A page made for this visitor: not cached by anyone else, gzipped when the browser accepts it. */
async function sendHtml(request: FastifyRequest, reply: FastifyReply, html: string): Promise<FastifyReply> {
  reply
    .header('content-type', 'text/html; charset=utf-8')
    .header('cache-control', PRIVATE_REVALIDATE)
    .header('vary', 'accept-encoding, cookie');
  if (!/\bgzip\b/.test(String(request.headers['accept-encoding'] ?? ''))) return reply.send(html);
  return reply.header('content-encoding', 'gzip').send(await gzip(html));
}

function looksLikeFile(pathname: string): boolean {
  return /\.[A-Za-z0-9]{1,8}$/.test(pathname);
}

function pathOf(url: string): string {
  const end = url.search(/[?#]/);
  return end === -1 ? url : url.slice(0, end);
}

import cookie from '@fastify/cookie';
import csrf from '@fastify/csrf-protection';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { unauthorized } from '../lib/errors.js';
import type { SessionContext, SessionsService } from '../modules/sessions/service.js';
import type { App } from './types.js';
import { isApiPath } from './web-headers.js';

export const SESSION_COOKIE = 'cb_session';

declare module 'fastify' {
  interface FastifyRequest {
    /** The signed-in user of a cookie session (web app and OAuth pages), or null. */
    session: SessionContext | null;
  }
  interface FastifyContextConfig {
    /** State-changing /api or /oauth route that needs no CSRF token (e.g. the token endpoint). */
    skipCsrf?: boolean;
  }
}

/** True when cookies must be Secure: the public URL is https, or the request came over https. */
function secureCookies(publicUrl: string, request: FastifyRequest): boolean {
  return publicUrl.startsWith('https://') || request.protocol === 'https';
}

export function sessionCookieOptions(publicUrl: string, request: FastifyRequest, expires?: Date) {
  return {
    httpOnly: true,
    sameSite: 'lax' as const,
    secure: secureCookies(publicUrl, request),
    path: '/',
    ...(expires ? { expires } : {}),
  };
}

/** Sets the session cookie after sign-up or log-in. */
export function setSessionCookie(reply: FastifyReply, publicUrl: string, token: string, expires: Date): void {
  reply.setCookie(SESSION_COOKIE, token, sessionCookieOptions(publicUrl, reply.request, expires));
}

export function clearSessionCookie(reply: FastifyReply, publicUrl: string): void {
  reply.clearCookie(SESSION_COOKIE, sessionCookieOptions(publicUrl, reply.request));
}

/** The signed-in user, or 401 code 2 telling the web app to log in. */
export function requireSession(request: FastifyRequest): SessionContext {
  if (!request.session) throw unauthorized('Log in first.');
  return request.session;
}

const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * Cookie sessions and CSRF for the web-facing URL space (/api/…, /oauth/…). State-changing
 * calls there need the token from `GET /api/csrf` in the `x-csrf-token` header (or a `_csrf`
 * form field); /v5 uses bearer tokens and is not affected.
 */
export async function registerSessions(
  app: App,
  sessions: SessionsService,
  cookieSecret: Buffer,
): Promise<void> {
  // Cookies are parsed by the hook below, off the /v5 API path (`hook: false`: the plugin would
  // parse them, and allocate for the cookies a reply sets, on every request).
  await app.register(cookie, { secret: cookieSecret.toString('base64'), hook: false });
  await app.register(csrf, {
    cookieKey: 'cb_csrf',
    cookieOpts: { httpOnly: true, sameSite: 'lax', path: '/', signed: true },
    getToken: (request) =>
      (request.headers['x-csrf-token'] as string | undefined) ??
      ((request.body as Record<string, unknown> | undefined)?._csrf as string | undefined),
  });
  app.decorateRequest('session', null);

  // A callback hook: /v5 calls (no cookies, no session) pass with no promise.
  app.addHook('onRequest', (request, _reply, done) => {
    const url = request.url;
    if (isApiPath(url)) return done();
    const header = request.headers.cookie;
    request.cookies = header ? app.parseCookie(header) : {};
    if (!isWebPath(url)) return done();
    sessions.resolve(request.cookies[SESSION_COOKIE]).then(
      (session) => {
        request.session = session;
        done();
      },
      (error: Error) => done(error),
    );
  });

  app.addHook('preHandler', (request, reply, done) => {
    if (
      !isWebPath(request.url) ||
      !STATE_CHANGING.has(request.method) ||
      request.routeOptions.config.skipCsrf
    ) {
      return done();
    }
    app.csrfProtection(request, reply, done);
  });

  app.get('/api/csrf', async (_request, reply) => ({ csrf_token: await reply.generateCsrf() }));
}

function isWebPath(url: string): boolean {
  return (
    url.startsWith('/api/') || url === '/oauth' || url.startsWith('/oauth/') || url.startsWith('/oauth?')
  );
}

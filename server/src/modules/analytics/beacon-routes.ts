import { randomBytes } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../context.js';
import { ErrorSchema } from '../../http/schema-helpers.js';
import type { App } from '../../http/types.js';
import { appTypeFromUserAgent } from './app-type.js';
import { BeaconBodySchema, BeaconResultSchema } from './beacon-schemas.js';
import { BeaconRateLimited, type LiveAnalytics, type LiveViewer } from './ingest-live.js';

/** Signed cookie naming an anonymous browser, so its event ids are its own. */
export const ANONYMOUS_COOKIE = 'cb_anon';
const ANONYMOUS_COOKIE_DAYS = 365;

/**
 * `POST /api/analytics/events`: the web app's beacon. Anonymous browsers may report too (no
 * CSRF token needed then: there is no session to ride on); with a session cookie the CSRF
 * token is required, as on every state-changing /api call.
 */
export function registerBeaconRoutes(app: App, ctx: AppContext, live: LiveAnalytics): void {
  app.post(
    '/api/analytics/events',
    {
      config: { skipCsrf: true },
      preHandler: (request, reply, done) => {
        if (!request.session) return done();
        app.csrfProtection(request, reply, done);
      },
      schema: {
        operationId: 'analytics/events',
        tags: ['web: analytics'],
        summary: 'Report impressions, pin clicks and video progress',
        description:
          'A batch of events seen by the web app. Each is checked on its own; the answer lists what was accepted and why others were not. ' +
          'The same id and type from the same viewer count once. Rate limited per client address (429 with Retry-After).',
        body: BeaconBodySchema,
        response: { 200: BeaconResultSchema, default: ErrorSchema },
      },
    },
    async (request, reply) => {
      try {
        return await live.beacon({
          viewer: liveViewerOf(request, reply, ctx),
          clientIp: request.ip,
          appType: request.body.app_type ?? appTypeFromUserAgent(request.headers['user-agent']),
          events: request.body.events,
        });
      } catch (error) {
        if (error instanceof BeaconRateLimited) reply.header('retry-after', String(error.retryAfterSeconds));
        throw error;
      }
    },
  );
}

/** The session's user, or the anonymous browser of the signed cookie (given one when it has none). */
export function liveViewerOf(request: FastifyRequest, reply: FastifyReply, ctx: AppContext): LiveViewer {
  if (request.session) return { userId: request.session.userId };
  const raw = request.cookies[ANONYMOUS_COOKIE];
  if (raw) {
    const unsigned = request.unsignCookie(raw);
    if (unsigned.valid && unsigned.value && /^[A-Za-z0-9_-]{16,32}$/.test(unsigned.value)) {
      return { userId: null, anonymousId: unsigned.value };
    }
  }
  const anonymousId = randomBytes(12).toString('base64url');
  reply.setCookie(ANONYMOUS_COOKIE, anonymousId, {
    signed: true,
    httpOnly: true,
    sameSite: 'lax',
    secure: ctx.config.publicUrl.startsWith('https://') || request.protocol === 'https',
    path: '/',
    maxAge: ANONYMOUS_COOKIE_DAYS * 86400,
  });
  return { userId: null, anonymousId };
}

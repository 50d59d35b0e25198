import { Type } from '@sinclair/typebox';
import type { AppContext } from '../../context.js';
import { SESSION_COOKIE } from '../../http/session.js';
import type { App } from '../../http/types.js';
import { appTypeFromUserAgent } from './app-type.js';
import type { LiveAnalytics } from './ingest-live.js';

/**
 * `GET /r/{pin_id}`: the outbound-click redirect (DESIGN.md's URL space). 302 to the pin's
 * http(s) link, counting an OUTBOUND_CLICK; 404 when the viewer (session cookie, or nobody)
 * cannot see the pin or it has no such link. HEAD answers the same without counting.
 */
export function registerRedirectRoutes(app: App, ctx: AppContext, live: LiveAnalytics): void {
  app.get(
    '/r/:pin_id',
    {
      schema: {
        params: Type.Object({
          pin_id: Type.String({ maxLength: 30, description: 'The pin whose link to follow.' }),
        }),
      },
    },
    async (request, reply) => {
      const session = await ctx.sessions.resolve(request.cookies[SESSION_COOKIE]);
      const target = await live.outboundClick({
        viewer: session ? { userId: session.userId } : { userId: null, anonymousId: 'redirect' },
        pinId: request.params.pin_id,
        clientIp: request.ip,
        appType: appTypeFromUserAgent(request.headers['user-agent']),
        count: request.method === 'GET',
      });
      return reply
        .header('cache-control', 'no-store')
        .header('referrer-policy', 'no-referrer-when-downgrade')
        .redirect(target, 302);
    },
  );
}

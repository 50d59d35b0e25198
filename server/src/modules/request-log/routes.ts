import { Type } from '@sinclair/typebox';
import type { AppContext } from '../../context.js';
import { ErrorSchema } from '../../http/schema-helpers.js';
import { requireSession } from '../../http/session.js';
import type { App } from '../../http/types.js';
import type { RequestLogService } from './service.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** Id of this call's request-log entry, once the API guards have recorded it (onResponse). */
    requestLogId?: string;
  }
}

const RequestLogItem = Type.Object({
  id: Type.String(),
  created_at: Type.String({ format: 'date-time' }),
  method: Type.String(),
  path: Type.String({ description: 'Path only: the query string is never recorded.' }),
  operation_id: Type.Union([Type.String(), Type.Null()]),
  status: Type.Integer(),
  latency_ms: Type.Integer(),
  user_id: Type.Union([Type.String(), Type.Null()]),
  token_prefix: Type.String({ description: 'The first 12 characters of the bearer token.' }),
});

/** The owner's view of an app's latest 1,000 API calls (web app JSON). */
export function registerRequestLogRoutes(app: App, ctx: AppContext, requestLog: RequestLogService): void {
  app.get(
    '/api/developer/apps/:appId/requests',
    {
      schema: {
        tags: ['developer'],
        summary: "An app's latest API calls",
        description:
          'The latest 1,000 /v5 calls made with the tokens of an app, newest first; only its owner or an admin. ' +
          '`status` is an exact code (404) or a class (4xx).',
        params: Type.Object({ appId: Type.String() }),
        querystring: Type.Object({
          status: Type.Optional(Type.String()),
          page_size: Type.Integer({ minimum: 1, maximum: 250, default: 25 }),
          bookmark: Type.Optional(Type.String()),
        }),
        response: {
          200: Type.Object({
            items: Type.Array(RequestLogItem),
            bookmark: Type.Union([Type.String(), Type.Null()]),
          }),
          default: ErrorSchema,
        },
      },
    },
    async (request) => {
      const session = requireSession(request);
      const user = await ctx.accounts.getById(session.userId);
      return requestLog.list({
        viewer: { userId: session.userId, isAdmin: user?.isAdmin ?? false },
        appId: request.params.appId,
        status: request.query.status,
        pageSize: request.query.page_size,
        bookmark: request.query.bookmark,
      });
    },
  );
}

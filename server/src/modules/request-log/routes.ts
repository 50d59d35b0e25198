import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../context.js';
import { ErrorSchema } from '../../http/schema-helpers.js';
import { requireSession } from '../../http/session.js';
import type { App } from '../../http/types.js';
import type { RequestLogService } from './service.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** Id of this call's request-log entry, once it is recorded (onResponse). */
    requestLogId?: string;
  }
}

/**
 * Records every /v5 call made with a valid token once its response has gone out: those the auth
 * hook admitted (request.auth) and those it refused with 403 (request.deniedAuth: a missing
 * scope…). onResponse runs after the reply, and `record` only appends to memory.
 */
export function registerRequestLogHook(app: FastifyInstance, requestLog: RequestLogService): void {
  // A callback hook, not an async one: no promise per request on the hottest path.
  app.addHook('onResponse', (request, reply, done) => {
    const auth = request.auth ?? request.deniedAuth;
    if (!auth) return done();
    request.requestLogId = requestLog.record({
      appId: auth.appId,
      userId: auth.userId,
      authorization: request.headers.authorization,
      method: request.method,
      url: request.url,
      operationId: request.apiOperationId,
      status: reply.statusCode,
      latencyMs: reply.elapsedTime,
    });
    done();
  });
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

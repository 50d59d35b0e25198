import { Type } from '@sinclair/typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { OAUTH_TOKEN_DOCS, TOKEN_REVOKE_DOCS } from './openapi-docs.js';
import type { AppContext } from '../../context.js';
import { RateLimiter } from '../../http/rate-limit.js';
import { requireSession } from '../../http/session.js';
import type { App } from '../../http/types.js';
import { ApiError, unauthorized } from '../../lib/errors.js';
import type { AppRow } from '../apps/repo.js';
import { describeScopes } from '../tokens/scopes.js';
import { presentAuthorization, type AuthorizationView } from './presenter.js';
import type { AuthorizeParams, TokenRequestBody } from './service.js';

const WEB_TAGS = ['web: oauth'];

declare module 'fastify' {
  interface FastifyRequest {
    /** The app a token-endpoint call authenticated as (HTTP Basic). */
    oauthClient?: AppRow;
  }
}

const AUTHORIZE_PARAMS = [
  'client_id',
  'consumer_id',
  'redirect_uri',
  'response_type',
  'scope',
  'state',
  'code_challenge',
  'code_challenge_method',
] as const;

/** The authorize parameters of a parsed query, first value of each; others are ignored. */
function authorizeParams(source: unknown): AuthorizeParams {
  const input = (source ?? {}) as Record<string, unknown>;
  const params: Record<string, string> = {};
  for (const name of AUTHORIZE_PARAMS) {
    const value = Array.isArray(input[name]) ? (input[name] as unknown[])[0] : input[name];
    if (typeof value === 'string') params[name] = value;
  }
  return params;
}

/** The same from a raw query string ("?client_id=…"), as the consent page sends it back. */
function authorizeParamsOf(query: string): AuthorizeParams {
  const first: Record<string, string> = {};
  for (const [name, value] of new URLSearchParams(query)) if (!(name in first)) first[name] = value;
  return authorizeParams(first);
}

const ConsentBody = Type.Object({
  query: Type.String({
    description: 'The query string of the /oauth/ page, as it was opened',
    maxLength: 8192,
  }),
  decision: Type.Union([Type.Literal('allow'), Type.Literal('deny')], {
    description: 'allow gives the app a code; deny sends it error=access_denied',
  }),
  scopes: Type.Optional(
    Type.Array(Type.String({ maxLength: 40 }), {
      description: 'The scopes kept (a non-empty subset of those asked); all of them when absent',
      maxItems: 40,
    }),
  ),
});

/** RFC 6749 §2.3.1: `Basic base64(urlencoded(client_id):urlencoded(client_secret))`. */
function basicCredentials(header: string | undefined): { clientId: string; secret: string } | null {
  const match = header ? /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header) : null;
  if (!match) return null;
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return null;
  try {
    return {
      clientId: decodeURIComponent(decoded.slice(0, colon).replace(/\+/g, ' ')),
      secret: decodeURIComponent(decoded.slice(colon + 1).replace(/\+/g, ' ')),
    };
  } catch {
    return null;
  }
}

/**
 * `/oauth/` (Pinterest's authorize page): the server checks the request first (a bad client or
 * redirect URI is never redirected to; other errors go back to the app), then serves the web
 * app, whose consent page reads `GET /api/oauth/authorize`, offers log-in, and answers through
 * `POST /api/oauth/consent` (CSRF; Allow needs the session). Then the token endpoints `POST /v5/oauth/token`
 * (rate limited per client) and `POST /v5/oauth/token/revoke`, with HTTP Basic client auth.
 */
export function registerOAuthRoutes(app: App, ctx: AppContext): void {
  const { oauth } = ctx;
  const limiter = new RateLimiter({ counters: ctx.counters, limits: ctx.config.rateLimits });

  /** The web app's page (index.html), never framed by another site (no clickjacked Allow). */
  function webAppPage(reply: FastifyReply, status: number, message?: string) {
    reply
      .status(status)
      .header('cache-control', 'no-store')
      .header('x-frame-options', 'DENY')
      .header('content-security-policy', "frame-ancestors 'none'");
    if (reply.server.hasReplyDecorator('sendFile')) return reply.sendFile('index.html');
    // No web build on this server: the check's answer in JSON, or why there is no page.
    if (message) return reply.send({ code: 1, message });
    return reply.status(404).send({
      code: 404,
      message: 'The web app is not built on this server: run "npm run build" to get the consent page.',
    });
  }

  async function showAuthorize(request: FastifyRequest, reply: FastifyReply) {
    const check = await oauth.checkAuthorize(authorizeParams(request.query));
    if (check.kind === 'page_error') return webAppPage(reply, 400, check.message);
    if (check.kind === 'redirect') return reply.redirect(check.location, 302);
    const autoUser = ctx.config.mode === 'sandbox' ? ctx.config.oauthAutoApproveUser : null;
    if (autoUser) {
      const userId = await oauth.userIdByName(autoUser);
      if (!userId) return webAppPage(reply, 400, `OAUTH_AUTO_APPROVE_USER names no account ("${autoUser}").`);
      return reply.redirect(await oauth.approve(userId, check.request), 302);
    }
    return webAppPage(reply, 200);
  }

  for (const url of ['/oauth', '/oauth/']) app.get(url, showAuthorize);

  app.get(
    '/api/oauth/authorize',
    {
      schema: {
        operationId: 'web/oauth/authorize',
        tags: WEB_TAGS,
        summary: 'The consent page: the app, the scopes in words and who is signed in',
      },
    },
    async (request, reply): Promise<AuthorizationView> => {
      reply.header('cache-control', 'no-store');
      const check = await oauth.checkAuthorize(authorizeParams(request.query));
      if (check.kind === 'page_error') throw new ApiError(400, 1, check.message);
      if (check.kind === 'redirect') return { status: 'redirect', redirect_url: check.location };
      const user = request.session ? await ctx.accounts.getById(request.session.userId) : null;
      return presentAuthorization(check.request, user ? { username: user.username } : null, (key) =>
        ctx.media.urlFor(key),
      );
    },
  );

  app.post(
    '/api/oauth/consent',
    {
      schema: {
        operationId: 'web/oauth/consent',
        tags: WEB_TAGS,
        summary: 'Allow or deny an app: the redirect back to it with a code or access_denied',
        body: ConsentBody,
      },
    },
    async (request, reply) => {
      // Cancel needs nobody signed in (it is offered on the log-in step too); Allow does.
      const allow = request.body.decision === 'allow';
      const userId = allow ? requireSession(request).userId : null;
      reply.header('cache-control', 'no-store');
      const check = await oauth.checkAuthorize(authorizeParamsOf(request.body.query));
      if (check.kind === 'page_error') throw new ApiError(400, 1, check.message);
      if (check.kind === 'redirect') return { redirect_url: check.location };
      if (userId === null) return { redirect_url: oauth.deny(check.request) };
      return { redirect_url: await oauth.allow(userId, check.request, request.body.scopes) };
    },
  );

  /** Every scope with its words, for the scope pickers (consent page, Generate token). */
  app.get(
    '/api/scopes',
    { schema: { operationId: 'web/scopes', tags: WEB_TAGS, summary: 'Every OAuth scope, in words' } },
    async (_request, reply) => {
      reply.header('cache-control', 'public, max-age=3600');
      return { items: describeScopes() };
    },
  );

  /** HTTP Basic client authentication before the body is looked at: 401 code 2 when wrong. */
  const authenticateClient = async (request: FastifyRequest) => {
    const credentials = basicCredentials(request.headers.authorization);
    if (!credentials)
      throw unauthorized(
        'Authentication failed: send the app\'s client_id and client_secret as "Authorization: Basic base64(client_id:client_secret)".',
      );
    request.oauthClient = await ctx.apps.authenticateClient(credentials.clientId, credentials.secret);
  };

  /**
   * The token endpoint's rate limit, per client (the spec's org_read category, Trial or Standard
   * limits as for API calls): 429 code 8 with Retry-After when over. Counted in the shared
   * counters (Redis with REDIS_URL), failing open when they are unreachable.
   */
  const limitClient = async (request: FastifyRequest, reply: FastifyReply) => {
    const client = request.oauthClient!;
    const over = await limiter.check(
      request,
      reply,
      { appId: client.id, userId: 'client', tier: client.tier === 'TRIAL' ? 'TRIAL' : 'STANDARD' },
      'oauth/token',
    );
    if (over) throw over;
  };

  app.post(
    '/v5/oauth/token',
    {
      config: { operationId: 'oauth/token', scopes: [], clientAuth: true, openapiDocs: OAUTH_TOKEN_DOCS },
      onRequest: [authenticateClient, limitClient],
    },
    async (request, reply) => {
      const body = request.body;
      if (!body || typeof body !== 'object' || Array.isArray(body))
        throw new ApiError(400, 1, 'Invalid request body: send grant_type and its fields as a form.');
      const result = await oauth.token(request.oauthClient!, body as TokenRequestBody);
      return reply.header('cache-control', 'no-store').header('pragma', 'no-cache').send(result);
    },
  );

  app.post(
    '/v5/oauth/token/revoke',
    {
      config: { operationId: 'token/revoke', scopes: [], clientAuth: true, openapiDocs: TOKEN_REVOKE_DOCS },
      onRequest: authenticateClient,
    },
    async (request, reply) => {
      const body = request.body;
      if (!body || typeof body !== 'object' || Array.isArray(body))
        throw new ApiError(400, 1, 'Invalid request body: send token as a form field.');
      await oauth.revoke(request.oauthClient!, body as { token?: unknown; token_type_hint?: unknown });
      return reply.status(200).send();
    },
  );
}

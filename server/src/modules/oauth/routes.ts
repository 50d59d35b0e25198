import type { FastifyReply, FastifyRequest } from 'fastify';
import { OAUTH_TOKEN_DOCS, TOKEN_REVOKE_DOCS } from './openapi-docs.js';
import type { AppContext } from '../../context.js';
import { setSessionCookie } from '../../http/session.js';
import type { App } from '../../http/types.js';
import { ApiError, unauthorized } from '../../lib/errors.js';
import type { AppRow } from '../apps/repo.js';
import { consentPage, errorPage, loginPage } from './pages.js';
import type { AuthorizeParams, AuthorizationRequest, TokenRequestBody } from './service.js';

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
const LOGIN_WINDOW_MS = 15 * 60 * 1000;

/** The authorize parameters of a query or form, first value of each; others ignored. */
function authorizeParams(source: unknown): AuthorizeParams {
  const input = (source ?? {}) as Record<string, unknown>;
  const params: Record<string, string> = {};
  for (const name of AUTHORIZE_PARAMS) {
    const value = Array.isArray(input[name]) ? (input[name] as unknown[])[0] : input[name];
    if (typeof value === 'string') params[name] = value;
  }
  return params;
}

function html(reply: FastifyReply, status: number, body: string) {
  return reply
    .status(status)
    .header('cache-control', 'no-store')
    .header(
      'content-security-policy',
      "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; form-action 'self'; frame-ancestors 'none'",
    )
    .type('text/html; charset=utf-8')
    .send(body);
}

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
 * `/oauth/` (Pinterest's authorize page: log in, consent, redirect back with a code) and the
 * token endpoints `POST /v5/oauth/token` and `POST /v5/oauth/token/revoke` (HTTP Basic).
 */
export function registerOAuthRoutes(app: App, ctx: AppContext): void {
  const { oauth } = ctx;

  async function showAuthorize(request: FastifyRequest, reply: FastifyReply, params: AuthorizeParams) {
    const check = await oauth.checkAuthorize(params);
    if (check.kind === 'page_error') return html(reply, 400, errorPage(check.message));
    if (check.kind === 'redirect') return reply.redirect(check.location, 302);
    const autoUser = ctx.config.mode === 'sandbox' ? ctx.config.oauthAutoApproveUser : null;
    if (autoUser) {
      const userId = await oauth.userIdByName(autoUser);
      if (!userId)
        return html(reply, 400, errorPage(`OAUTH_AUTO_APPROVE_USER names no account ("${autoUser}").`));
      return reply.redirect(await oauth.approve(userId, check.request), 302);
    }
    const query = new URLSearchParams(params as Record<string, string>).toString();
    const csrfToken = await reply.generateCsrf();
    if (!request.session) {
      return html(reply, 200, loginPage({ appName: check.request.app.name, query, csrfToken }));
    }
    return showConsent(reply, check.request, request.session.userId, params, csrfToken);
  }

  async function showConsent(
    reply: FastifyReply,
    request: AuthorizationRequest,
    userId: string,
    params: AuthorizeParams,
    csrfToken: string,
  ) {
    const user = await ctx.accounts.getById(userId);
    return html(
      reply,
      200,
      consentPage({
        appName: request.app.name,
        appIconUrl: request.app.iconKey ? ctx.media.urlFor(request.app.iconKey) : null,
        appWebsite: request.app.websiteUrl,
        username: user?.username ?? '',
        scopes: request.scopes,
        params: params as Record<string, string>,
        csrfToken,
      }),
    );
  }

  for (const url of ['/oauth', '/oauth/']) {
    app.get(url, async (request, reply) => showAuthorize(request, reply, authorizeParams(request.query)));
  }

  app.post('/oauth/login', async (request, reply) => {
    const body = (request.body ?? {}) as Record<string, unknown>;
    const username = typeof body.username === 'string' ? body.username.trim() : '';
    const password = typeof body.password === 'string' ? body.password : '';
    const query = typeof body.query === 'string' ? body.query : '';
    const params = authorizeParams(Object.fromEntries(new URLSearchParams(query)));
    const check = await oauth.checkAuthorize(params);
    if (check.kind === 'page_error') return html(reply, 400, errorPage(check.message));
    const back = `/oauth/?${new URLSearchParams(params as Record<string, string>).toString()}`;
    const limit = ctx.config.rateLimits.loginPer15Minutes;
    const [byName, byAddress] = await Promise.all([
      ctx.counters.hit(`oauth-login:name:${username.toLowerCase()}`, LOGIN_WINDOW_MS, limit),
      ctx.counters.hit(`oauth-login:ip:${request.ip}`, LOGIN_WINDOW_MS, limit * 10),
    ]);
    const appName = check.kind === 'ok' ? check.request.app.name : 'the app';
    const again = async (status: number, error: string) =>
      html(
        reply,
        status,
        loginPage({ appName, query, csrfToken: await reply.generateCsrf(), error, username }),
      );
    if (!byName.allowed || !byAddress.allowed) {
      reply.header('retry-after', String(Math.max(byName.resetSeconds, byAddress.resetSeconds)));
      return again(429, 'Too many log-in attempts. Wait a few minutes and try again.');
    }
    const userId = await oauth.verifyLogin(username, password);
    if (!userId) return again(401, 'That username and password do not match an account.');
    await ctx.counters.reset(`oauth-login:name:${username.toLowerCase()}`);
    const session = await ctx.sessions.create(
      userId,
      String(request.headers['user-agent'] ?? '').slice(0, 400),
    );
    setSessionCookie(reply, ctx.config.publicUrl, session.token, session.expiresAt);
    return reply.redirect(back, 302);
  });

  app.post('/oauth/consent', async (request, reply) => {
    const body = (request.body ?? {}) as Record<string, unknown>;
    const params = authorizeParams(body);
    const check = await oauth.checkAuthorize(params);
    if (check.kind === 'page_error') return html(reply, 400, errorPage(check.message));
    if (check.kind === 'redirect') return reply.redirect(check.location, 302);
    if (!request.session) return showAuthorize(request, reply, params);
    if (body.decision === 'allow')
      return reply.redirect(await oauth.approve(request.session.userId, check.request), 302);
    return reply.redirect(oauth.deny(check.request), 302);
  });

  /** HTTP Basic client authentication before the body is looked at: 401 code 2 when wrong. */
  const authenticateClient = async (request: FastifyRequest) => {
    const credentials = basicCredentials(request.headers.authorization);
    if (!credentials)
      throw unauthorized(
        'Authentication failed: send the app\'s client_id and client_secret as "Authorization: Basic base64(client_id:client_secret)".',
      );
    request.oauthClient = await ctx.apps.authenticateClient(credentials.clientId, credentials.secret);
  };

  app.post(
    '/v5/oauth/token',
    {
      config: { operationId: 'oauth/token', scopes: [], clientAuth: true, openapiDocs: OAUTH_TOKEN_DOCS },
      onRequest: authenticateClient,
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

import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ApiError, missingScope, notPermitted } from '../lib/errors.js';
import type { Scope } from '../modules/tokens/scopes.js';
import type { AuthContext, TokensService } from '../modules/tokens/service.js';
import { referenceOperation } from './reference.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Pinterest's operationId, e.g. "pins/get". Set on every /v5 operation route. */
    operationId?: string;
    /** Scopes the spec lists for the operation (pinterest_oauth2). */
    scopes?: readonly Scope[];
    /** Operation of the reference spec that Corkboard answers 501 for. */
    notImplemented?: boolean;
    /** Authenticated by HTTP Basic client credentials (the token endpoints), not a bearer token. */
    clientAuth?: boolean;
  }
  interface FastifyRequest {
    auth: AuthContext | null;
  }
}

/** The caller of an authenticated /v5 operation. */
export function callerOf(request: FastifyRequest): AuthContext {
  if (!request.auth)
    throw new Error(`route ${request.routeOptions.url} has no operationId config; auth did not run`);
  return request.auth;
}

/**
 * Authentication and scopes for /v5 operations run before the body is parsed or validated,
 * as Pinterest orders them: 401, then 403, then 400.
 */
export function registerOperationAuth(app: FastifyInstance, tokens: TokensService): void {
  app.decorateRequest('auth', null);
  // A callback hook: a token kept in memory is admitted with no promise at all.
  app.addHook('onRequest', (request, _reply, done) => {
    const config = request.routeOptions.config;
    if (!config.operationId || config.notImplemented || config.clientAuth) return done();
    const cached = tokens.cachedCaller(request.headers.authorization);
    if (cached) return done(admit(request, cached, config.operationId, config.scopes));
    tokens.authenticate(request.headers.authorization).then(
      (auth) => done(admit(request, auth, config.operationId!, config.scopes)),
      (error: Error) => done(error),
    );
  });
}

/** Sets `request.auth` when the caller may call the operation; otherwise the error to answer with. */
function admit(
  request: FastifyRequest,
  auth: AuthContext,
  operationId: string,
  scopes: readonly Scope[] | undefined,
): ApiError | undefined {
  if (auth.tokenKind === 'client' && !referenceOperation(operationId)?.clientCredentials) {
    return notPermitted(
      `You are not permitted to access that resource: ${operationId} does not accept client credentials tokens; use a user access token.`,
    );
  }
  const missing = (scopes ?? []).filter((s) => !auth.scopes.has(s));
  if (missing.length > 0) return missingScope(missing);
  const query = request.query as Record<string, unknown> | undefined;
  if (query && query.ad_account_id !== undefined) {
    return new ApiError(
      403,
      29,
      'You are not permitted to access that resource: Corkboard has no ad accounts yet, so ad_account_id cannot be used.',
    );
  }
  request.auth = auth;
  return undefined;
}

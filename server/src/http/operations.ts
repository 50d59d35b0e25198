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
    /**
     * The caller of a call refused with 403 after authenticating (a missing scope, a client
     * token where a user token is needed, ad_account_id): `auth` stays null so nothing acts for
     * them, but the request log still records the call for their app.
     */
    deniedAuth: AuthContext | null;
    /**
     * The operationId of the /v5 operation being called, set by the auth hook with `auth` or
     * `deniedAuth` (later hooks read it here: `request.routeOptions` builds an object per read).
     */
    apiOperationId: string | null;
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
  app.decorateRequest('deniedAuth', null);
  app.decorateRequest('apiOperationId', null);
  // A callback hook: a token kept in memory is admitted with no promise at all.
  app.addHook('onRequest', (request, _reply, done) => {
    const config = request.routeOptions.config;
    if (!config.operationId || config.notImplemented || config.clientAuth) return done();
    request.apiOperationId = config.operationId;
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
  const refusal = refusalOf(request, auth, operationId, scopes);
  if (refusal) request.deniedAuth = auth;
  else request.auth = auth;
  return refusal;
}

function refusalOf(
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
  return undefined;
}

import type { FastifyContextConfig, FastifyRequest } from 'fastify';
import { ApiError, missingScope, notPermitted } from '../lib/errors.js';
import type { Scope } from '../modules/tokens/scopes.js';
import type { AuthContext } from '../modules/tokens/service.js';
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
     * The operationId of the /v5 operation being called, set by the API guards with `auth` or
     * `deniedAuth` (the rate limit and the request log read it here).
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

/** A /v5 operation whose calls are guarded: what its route's config says. */
export interface GuardedOperation {
  operationId: string;
  /** Scopes the spec lists for it (pinterest_oauth2). */
  scopes: readonly Scope[];
  /** Whether the spec lets a client-credentials token call it. */
  acceptsClientTokens: boolean;
}

/**
 * The operation a route serves when its calls go through the API guards (token, scopes, rate
 * limit, request log): every /v5 operation route except the 501 ones and the token endpoints,
 * which authenticate the client with HTTP Basic instead.
 */
export function guardedOperationOf(config: FastifyContextConfig | undefined): GuardedOperation | null {
  if (!config?.operationId || config.notImplemented || config.clientAuth) return null;
  return {
    operationId: config.operationId,
    scopes: config.scopes ?? [],
    acceptsClientTokens: !!referenceOperation(config.operationId)?.clientCredentials,
  };
}

/**
 * Why the authenticated caller may not make this call (403), or undefined when they may:
 * checked before the body is parsed or validated, as Pinterest orders them (401, then 403, then 400).
 */
export function refusalOf(
  request: FastifyRequest,
  auth: AuthContext,
  operation: GuardedOperation,
): ApiError | undefined {
  if (auth.tokenKind === 'client' && !operation.acceptsClientTokens) {
    return notPermitted(
      `You are not permitted to access that resource: ${operation.operationId} does not accept client credentials tokens; use a user access token.`,
    );
  }
  const { scopes } = operation;
  for (let i = 0; i < scopes.length; i++) {
    if (!auth.scopes.has(scopes[i]!)) return missingScope(scopes.filter((s) => !auth.scopes.has(s)));
  }
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

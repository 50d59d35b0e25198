import type { FastifyRequest } from 'fastify';
import { ALL_SCOPES, type Scope } from '../modules/tokens/scopes.js';
import type { Viewer } from '../modules/visibility/policy.js';
import { requireSession } from './session.js';

/**
 * Who a web-app request acts as, for the services' one visibility rule. A signed-in person
 * acts on their own account directly (no app in between), so every scope applies, secret
 * boards included; nobody signed in sees only what is public.
 */
const SESSION_SCOPES: ReadonlySet<Scope> = new Set(ALL_SCOPES);
const NO_SCOPES: ReadonlySet<Scope> = new Set();

/** No user has id 0 (ids are time-ordered and positive): owns nothing, sees public objects only. */
export const ANONYMOUS_VIEWER: Viewer = { userId: '0', scopes: NO_SCOPES };

/** The signed-in user, or the anonymous viewer. */
export function webViewerOf(request: FastifyRequest): Viewer {
  return request.session ? { userId: request.session.userId, scopes: SESSION_SCOPES } : ANONYMOUS_VIEWER;
}

/** The signed-in user, or 401 code 2 telling the web app to log in. */
export function signedInViewerOf(request: FastifyRequest): Viewer {
  return { userId: requireSession(request).userId, scopes: SESSION_SCOPES };
}

import { describeScopes, type ScopeDescription } from '../tokens/scopes.js';
import type { AuthorizationRequest } from './service.js';

/** What the consent page shows: `GET /api/oauth/authorize`. */
export type AuthorizationView =
  | {
      status: 'consent';
      app: { name: string; icon_url: string | null; website_url: string };
      scopes: ScopeDescription[];
      /** Where the answer goes (the registered URI's origin), so the person sees who asks. */
      redirect_origin: string;
      /** The signed-in person, or null: the page offers log-in first. */
      user: { username: string } | null;
    }
  /** The request is wrong in a way the app is told about: the page goes there. */
  | { status: 'redirect'; redirect_url: string };

export function presentAuthorization(
  request: AuthorizationRequest,
  user: { username: string } | null,
  mediaUrl: (key: string) => string,
): AuthorizationView {
  return {
    status: 'consent',
    app: {
      name: request.app.name,
      icon_url: request.app.iconKey ? mediaUrl(request.app.iconKey) : null,
      website_url: request.app.websiteUrl,
    },
    scopes: describeScopes(request.scopes),
    redirect_origin: new URL(request.redirectUri).origin,
    user,
  };
}

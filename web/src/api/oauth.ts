import { useQuery } from '@tanstack/react-query';
import type { ScopeInfo } from '../lib/scopes';
import { apiGet, apiSend } from './client';

/** An OAuth authorization request as the server checked it (`GET /api/oauth/authorize`). */
export type AuthorizationView =
  | {
      status: 'consent';
      app: { name: string; icon_url: string | null; website_url: string };
      scopes: ScopeInfo[];
      redirect_origin: string;
      user: { username: string } | null;
    }
  | { status: 'redirect'; redirect_url: string };

/** Every scope the server issues, with its words (one source: `GET /api/scopes`). */
export function useScopes() {
  return useQuery({
    queryKey: ['scopes'],
    queryFn: async () => (await apiGet<{ items: ScopeInfo[] }>('/api/scopes')).items,
    staleTime: Infinity,
  });
}

/** The request in `search` (the /oauth/ page's query string), asked again after a log-in. */
export function useAuthorization(search: string) {
  return useQuery({
    queryKey: ['oauth-authorize', search],
    queryFn: () => apiGet<AuthorizationView>(`/api/oauth/authorize${search}`),
    staleTime: 0,
  });
}

/** Allow (with the scopes kept) or Cancel: the server answers with where to send the browser. */
export async function answerConsent(input: {
  query: string;
  decision: 'allow' | 'deny';
  scopes?: string[];
}): Promise<string> {
  const { redirect_url } = await apiSend<{ redirect_url: string }>('POST', '/api/oauth/consent', input);
  return redirect_url;
}

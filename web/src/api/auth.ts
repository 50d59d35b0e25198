import { useQuery, useQueryClient } from '@tanstack/react-query';
import { ApiError, apiGet, apiSend, forgetCsrfToken } from './client';
import type { Limits, SignedInUser } from './types';

export const ME_KEY = ['me'] as const;

/** The signed-in user, or null when nobody is (a 401 is an answer here, not an error). */
export function useMe() {
  return useQuery({
    queryKey: ME_KEY,
    queryFn: async (): Promise<SignedInUser | null> => {
      try {
        return await apiGet<SignedInUser>('/api/auth/me');
      } catch (error) {
        if (error instanceof ApiError && error.status === 401) return null;
        throw error;
      }
    },
    staleTime: 60_000,
  });
}

/** Signs in (or up) and remembers who: everything cached for another user goes. */
export function useSignedIn() {
  const queryClient = useQueryClient();
  return (user: SignedInUser | null) => {
    forgetCsrfToken();
    queryClient.removeQueries({ predicate: (query) => query.queryKey[0] !== ME_KEY[0] });
    queryClient.setQueryData(ME_KEY, user);
  };
}

export async function logOut(): Promise<void> {
  await apiSend('POST', '/api/auth/logout');
}

/** Field limits as the server enforces them (one source: GET /api/limits). */
export function useLimits() {
  return useQuery({
    queryKey: ['limits'],
    queryFn: () => apiGet<Limits>('/api/limits'),
    staleTime: Infinity,
  });
}

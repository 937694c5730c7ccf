import { useQuery, useQueryClient } from '@tanstack/react-query';
import { ApiError, api } from '../shared/api';
import type { SessionUser as User } from '@perfcommons/contracts';

/** The signed-in user, or null when the session is missing. */
export function useMe() {
  return useQuery({
    queryKey: ['me'],
    queryFn: async () => {
      try {
        return (await api.get<{ user: User }>('/api/auth/me')).user;
      } catch (e) {
        if (e instanceof ApiError && e.status === 401) return null;
        throw e;
      }
    },
    staleTime: 60_000,
  });
}

/**
 * Where a user's own work is: the landing page the server names (`capabilities.home`: 我的待办 for every
 * role with work, the audit and security administrators' own pages, else the results).
 */
export function homePath(user: User | null | undefined): string {
  return user?.capabilities.home ?? '/results';
}

export function useLogout() {
  const qc = useQueryClient();
  return async () => {
    try {
      await api.post('/api/auth/logout');
    } finally {
      qc.setQueryData(['me'], null);
      qc.clear();
      sessionStorage.removeItem('pc_landing');
    }
  };
}

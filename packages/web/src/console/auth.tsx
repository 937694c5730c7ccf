import { useQuery, useQueryClient } from '@tanstack/react-query';
import { ApiError, api } from '../shared/api';
import type { Role, User } from '../shared/types';

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

export function hasRole(user: User | null | undefined, ...roles: Role[]): boolean {
  return !!user && user.roles.some((r) => roles.includes(r.role));
}

export function useLogout() {
  const qc = useQueryClient();
  return async () => {
    try {
      await api.post('/api/auth/logout');
    } finally {
      qc.setQueryData(['me'], null);
      qc.clear();
    }
  };
}

import { useQuery, useQueryClient } from '@tanstack/react-query';
import { ApiError, api } from '../shared/api';
import type { Role, SessionUser as User } from '@perfcommons/contracts';

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

/**
 * Where a user's own work is: every role that has work to do lands on 我的待办 (its sections follow the
 * roles); the audit and security administrators on their own pages; anyone else on the results.
 */
const HOME_BY_ROLE: [Role, string][] = [
  ['office', '/todo'],
  ['admin', '/todo'],
  ['unit_manager', '/todo'],
  ['verifier', '/todo'],
  ['evaluator', '/todo'],
  ['appraisee', '/todo'],
  ['audit_admin', '/audit'],
  ['security_admin', '/orgs'],
];

export function homePath(user: User | null | undefined): string {
  for (const [role, path] of HOME_BY_ROLE) if (hasRole(user, role)) return path;
  return '/results';
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

import { useEffect, useState } from 'react';
import { api, ApiError } from '../../shared/api';
import type { SessionUser as User } from '@perfcommons/contracts';
import { errorText } from '../../console/errors';

const listeners = new Set<(u: User | null) => void>();
let current: User | null | undefined;

async function load(): Promise<User | null> {
  try {
    return (await api.get<{ user: User }>('/api/auth/me')).user;
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) return null;
    throw e;
  }
}

function set(u: User | null) {
  current = u;
  listeners.forEach((l) => l(u));
}

/** The logged-in account (null when anonymous, undefined while loading), shared across pages. */
export function useSession() {
  const [user, setUser] = useState<User | null | undefined>(current);
  useEffect(() => {
    listeners.add(setUser);
    if (current === undefined) void load().then(set, () => set(null));
    return () => void listeners.delete(setUser);
  }, []);
  return {
    user,
    /** A registered public participant, as the server decides (`capabilities.participate`). */
    participant: !!user?.capabilities.participate,
    async login(username: string, password: string) {
      await api.post('/api/auth/login', { username, password });
      // /api/auth/me: what the login answers, and the account's contact, masked.
      set(await load());
    },
    /**
     * Registers, then logs in with what the server names (`login`: the e-mail, phone or, for an invitation
     * alone, the handle it created). Registration answers alike whether or not the contact was known, so a
     * known contact with another password fails at the login, as any wrong password does.
     */
    async register(body: Record<string, string | undefined>) {
      const { login } = await api.post<{ login: string }>('/api/participation/register', body);
      await api.post('/api/auth/login', { username: login, password: body.password });
      set(await load());
    },
    async logout() {
      await api.post('/api/auth/logout');
      set(null);
    },
  };
}

/** The message of an API error, with the fields it names. */
/** The localised text of an API error (code headline, details by field name). */
export function errMsg(e: unknown): string {
  return errorText(e);
}

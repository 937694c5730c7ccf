import { useEffect, useState } from 'react';
import { api } from '../shared/api';

interface State<T> {
  data?: T;
  error?: Error;
  loading: boolean;
}

const cache = new Map<string, unknown>();

/** Minimal GET hook with an in-memory cache, enough for the read-only portal. */
export function useApi<T>(path: string | null): State<T> & { reload: () => void } {
  const [tick, setTick] = useState(0);
  const [state, setState] = useState<State<T>>(() =>
    path && cache.has(path) ? { data: cache.get(path) as T, loading: false } : { loading: !!path },
  );
  useEffect(() => {
    if (!path) return;
    let live = true;
    if (cache.has(path)) setState({ data: cache.get(path) as T, loading: false });
    else setState({ loading: true });
    api
      .get<T>(path)
      .then((data) => {
        cache.set(path, data);
        if (live) setState({ data, loading: false });
      })
      .catch((error: Error) => live && setState({ error, loading: false }));
    return () => {
      live = false;
    };
  }, [path, tick]);
  return {
    ...state,
    reload: () => {
      if (path) cache.delete(path);
      setTick((n) => n + 1);
    },
  };
}

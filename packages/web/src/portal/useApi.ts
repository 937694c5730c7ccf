import { useEffect, useState } from 'react';
import { api } from '../shared/api';

interface State<T> {
  data?: T;
  error?: Error;
  loading: boolean;
}

const cache = new Map<string, unknown>();
/** GETs started before the first render ({@link prefetch}), not yet taken up by a page. */
const early = new Map<string, Promise<unknown>>();

/**
 * Starts a GET of the page being opened while the portal's scripts still load and run (the entry
 * calls it first): its answer is then usually in the cache for the first render, which shows the data
 * at once instead of a loading line, one round trip later.
 */
export function prefetch(path: string) {
  if (cache.has(path) || early.has(path)) return;
  const request = api.get(path).then((data) => {
    cache.set(path, data);
    return data;
  });
  // A failure is reported by the page that takes the request up.
  request.catch(() => undefined);
  early.set(path, request);
}

/** Minimal GET hook with an in-memory cache, enough for the read-only portal. */
export function useApi<T>(path: string | null): State<T> & { reload: () => void } {
  const [tick, setTick] = useState(0);
  const [state, setState] = useState<State<T>>(() =>
    path && cache.has(path) ? { data: cache.get(path) as T, loading: false } : { loading: !!path },
  );
  useEffect(() => {
    if (!path) return;
    let live = true;
    const started = early.get(path) as Promise<T> | undefined;
    early.delete(path);
    if (cache.has(path)) {
      setState({ data: cache.get(path) as T, loading: false });
      // Prefetched for this page and already here: nothing to ask again.
      if (started) return;
    } else setState({ loading: true });
    (started ?? api.get<T>(path))
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

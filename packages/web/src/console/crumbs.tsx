import { createContext, useContext, useEffect } from 'react';

export interface Crumb {
  title: string;
  to?: string;
}

export const CrumbContext = createContext<(c: Crumb[]) => void>(() => {});

/** Pages declare their breadcrumb trail; the layout renders it. */
export function useCrumbs(crumbs: Crumb[]) {
  const set = useContext(CrumbContext);
  const key = JSON.stringify(crumbs);
  useEffect(() => {
    set(JSON.parse(key) as Crumb[]);
  }, [key, set]);
}

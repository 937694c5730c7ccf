/**
 * The addresses the public portal's router (packages/web/src/portal/App.tsx and, under /take-part, its
 * participation pages) shows a page for. The server answers any other non-API address with the portal's
 * 404 page and the status 404, so links to nowhere and search engines see a real "not found".
 * portal-paths.test.ts reads the router's patterns and checks this list against them.
 */
export const PORTAL_PATTERNS = [
  '/',
  '/units',
  '/cadres',
  '/units/:id',
  '/surveys',
  '/surveys/:id',
  '/cycles/:id/regulations',
  '/cycles/:id',
  '/take-part',
  '/cadres/:id',
  // The participation pages' own router (participate/ParticipatePage.tsx).
  '/take-part/profile',
  '/take-part/needs',
  '/take-part/comment',
  '/take-part/plans/:id',
  '/take-part/rate',
  '/take-part/rate/:id',
  '/take-part/improvements',
  '/take-part/report',
] as const;

/** Prefixes the portal hands to a sub-router that shows a page for any address below it: none left. */
export const PORTAL_PREFIXES: readonly string[] = [];

const segments = (p: string) => p.split('/').filter(Boolean);

/** Whether the portal routes `path` (no query string) to a page; the router's `match` rule. */
export function isPortalPath(path: string): boolean {
  if (PORTAL_PREFIXES.some((p) => path.startsWith(p))) return true;
  const s = segments(path);
  return PORTAL_PATTERNS.some((pattern) => {
    const p = segments(pattern);
    return p.length === s.length && p.every((x, i) => x.startsWith(':') || x === s[i]);
  });
}

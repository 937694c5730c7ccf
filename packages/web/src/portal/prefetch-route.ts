/**
 * Imported first by the portal's entry: the list pages' data is asked for as soon as the scripts are
 * evaluated, before React renders, so that it arrives while they run (on a slow phone the scripts take
 * most of a second) and the first render shows it. Each path here must match the page's own `useApi`.
 */
import { prefetch } from './useApi';

const path = location.pathname.replace(/\/+$/, '') || '/';
if (path === '/') prefetch('/api/public/cycles');
else if (path === '/units') prefetch('/api/public/orgs');
else if (path === '/cadres') {
  prefetch('/api/public/people');
  prefetch('/api/public/orgs');
}

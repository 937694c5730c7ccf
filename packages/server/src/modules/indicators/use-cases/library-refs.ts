import { and, eq, inArray, sql } from 'drizzle-orm';
import type { IndicatorNodeInput } from '@perfcommons/contracts';
import type { DbOrTx } from '../../../db/client';
import { indicatorLibrary, indicatorNodes } from '../../../db/schema';
import { badRequest } from '../../../lib/errors';

/**
 * Checks the library references of a tree being saved: each (code, version) must exist. A retired or
 * superseded version is accepted when the plan already had it (a plan keeps what it picked); a newly
 * picked one must be the current active version. `previous` holds the references stored before the save.
 */
export async function assertLibraryRefs(
  tx: DbOrTx,
  tree: IndicatorNodeInput[],
  previous: Set<string>,
): Promise<void> {
  const refs: { path: string; code: string; version: number }[] = [];
  const walk = (nodes: IndicatorNodeInput[], path: string) =>
    nodes.forEach((n, i) => {
      if (n.library) refs.push({ path: `${path}.${i}.library`, ...n.library });
      if (n.children) walk(n.children, `${path}.${i}.children`);
    });
  walk(tree, 'tree');
  if (!refs.length) return;
  const rows = await tx
    .select({
      code: indicatorLibrary.code,
      version: indicatorLibrary.version,
      status: indicatorLibrary.status,
    })
    .from(indicatorLibrary)
    .where(
      inArray(
        indicatorLibrary.code,
        refs.map((r) => r.code),
      ),
    );
  const status = new Map(rows.map((r) => [`${r.code}@${r.version}`, r.status]));
  const details = refs.flatMap((r) => {
    const key = `${r.code}@${r.version}`;
    const s = status.get(key);
    if (!s) return [{ path: r.path, message: `no library indicator ${r.code} version ${r.version}` }];
    if (s !== 'active' && !previous.has(key))
      return [{ path: r.path, message: `library indicator ${r.code} version ${r.version} is ${s}` }];
    return [];
  });
  if (details.length)
    throw badRequest('The tree refers to library indicators that cannot be picked', details);
}

/** `code@version` of the library references stored in a plan's tree. */
export async function storedLibraryRefs(tx: DbOrTx, planId: string): Promise<Set<string>> {
  const rows = await tx
    .select({ code: indicatorNodes.libraryCode, version: indicatorNodes.libraryVersion })
    .from(indicatorNodes)
    .where(and(eq(indicatorNodes.planId, planId), sql`${indicatorNodes.libraryCode} is not null`));
  return new Set(rows.map((r) => `${r.code}@${r.version}`));
}

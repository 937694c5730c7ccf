import { and, eq } from 'drizzle-orm';
import type { Db } from '../../../db/client';
import { indicatorLibrary } from '../../../db/schema';
import { type Actor } from '../../../lib/actor';
import { notFound } from '../../../lib/errors';
import { present, requireStaff, selectEntries } from './shared';

/** One version, for picking into a plan (any status: a plan keeps the version it picked). */
export async function getIndicatorVersion(db: Db, actor: Actor | null, code: string, version: number) {
  requireStaff(actor);
  const [row] = await selectEntries(db).where(
    and(eq(indicatorLibrary.code, code), eq(indicatorLibrary.version, version)),
  );
  if (!row) throw notFound('Indicator version');
  return { entry: present(row) };
}

import type { ModeratedKind } from '@perfcommons/contracts';
import { eq } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { needs, orgUnits, planComments, publicRatings, threadPosts, threads } from '../../db/schema';
import type { Actor } from '../../lib/actor';
import { badRequest, notFound } from '../../lib/errors';
import { appendAudit } from '../audit/service';
import { loadPlanScope } from '../plans/access';
import { assertUnitOfficial } from './access';

/** The table of each kind of moderated content (MODERATED_KINDS). */
const TABLES = { need: needs, comment: planComments, post: threadPosts, rating: publicRatings } as const;

/** The org path that decides who moderates an item: the unit the need or plan belongs to. */
async function orgPathOf(db: Db, kind: ModeratedKind, id: string): Promise<string> {
  if (kind === 'need') {
    const [row] = await db
      .select({ path: orgUnits.path })
      .from(needs)
      .innerJoin(orgUnits, eq(orgUnits.id, needs.orgUnitId))
      .where(eq(needs.id, id));
    if (!row) throw notFound('Need');
    return row.path;
  }
  let planId: string | undefined;
  if (kind === 'comment')
    [{ planId } = { planId: undefined }] = await db
      .select({ planId: planComments.planId })
      .from(planComments)
      .where(eq(planComments.id, id));
  else if (kind === 'rating')
    [{ planId } = { planId: undefined }] = await db
      .select({ planId: publicRatings.planId })
      .from(publicRatings)
      .where(eq(publicRatings.id, id));
  else
    [{ planId } = { planId: undefined }] = await db
      .select({ planId: threads.planId })
      .from(threadPosts)
      .innerJoin(threads, eq(threads.id, threadPosts.threadId))
      .where(eq(threadPosts.id, id));
  if (!planId) throw notFound(kind === 'post' ? 'Post' : kind === 'rating' ? 'Rating' : 'Comment');
  return (await loadPlanScope(db, planId)).orgPath;
}

/**
 * Hides content (with a reason shown publicly in its place) or shows it again. Only the unit's
 * manager or the performance office moderates; every decision is audited.
 */
export async function moderate(
  db: Db,
  actor: Actor | null,
  input: { kind: ModeratedKind; id: string; action: 'hide' | 'show'; reason?: string },
) {
  const a = assertUnitOfficial(actor, await orgPathOf(db, input.kind, input.id), 'Moderation');
  const reason = input.reason?.trim();
  if (input.action === 'hide' && !reason)
    throw badRequest('Say publicly why the content is hidden', [
      { path: 'reason', message: 'required when hiding' },
    ]);
  const table = TABLES[input.kind];
  return db.transaction(async (tx) => {
    const [row] = await tx
      .update(table)
      .set({
        status: input.action === 'hide' ? 'hidden' : 'visible',
        hiddenReason: input.action === 'hide' ? reason! : null,
        moderatedBy: a.id,
        moderatedAt: new Date(),
      })
      .where(eq(table.id, input.id))
      .returning({ id: table.id, status: table.status, hiddenReason: table.hiddenReason });
    await appendAudit(tx, [
      {
        actorId: a.id,
        action: `participation.${input.kind}.${input.action}`,
        entityType: input.kind,
        entityId: input.id,
        data: { reason: reason ?? null },
      },
    ]);
    return row;
  });
}

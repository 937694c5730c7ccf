import { and, asc, count, eq, isNull } from 'drizzle-orm';
import type { Db, DbOrTx } from '../../db/client';
import { indicatorNodes, planComments } from '../../db/schema';
import type { Actor } from '../../lib/actor';
import { badRequest, conflict, notFound } from '../../lib/errors';
import { appendAudit } from '../audit/service';
import { loadPlanScope } from '../plans/access';
import { assertUnitOfficial, requireParticipant } from './access';

/** A participant comments on a plan published for comment, or on one of its indicators. */
export async function submitComment(
  db: Db,
  actor: Actor | null,
  planId: string,
  input: { indicatorCode?: string; body: string },
) {
  const a = requireParticipant(actor);
  return db.transaction(async (tx) => {
    const scope = await loadPlanScope(tx, planId);
    if (scope.plan.status !== 'published_for_comment')
      throw conflict('The plan is not open for public comment', [
        { path: 'plan.status', message: scope.plan.status },
      ]);
    if (input.indicatorCode) {
      const [node] = await tx
        .select({ id: indicatorNodes.id })
        .from(indicatorNodes)
        .where(and(eq(indicatorNodes.planId, planId), eq(indicatorNodes.code, input.indicatorCode)));
      if (!node)
        throw badRequest(`The plan has no indicator ${input.indicatorCode}`, [
          { path: 'indicatorCode', message: 'unknown indicator' },
        ]);
    }
    const [row] = await tx
      .insert(planComments)
      .values({ planId, indicatorCode: input.indicatorCode ?? null, authorId: a.id, body: input.body })
      .returning();
    await appendAudit(tx, [
      { actorId: a.id, action: 'participation.comment.submit', entityType: 'comment', entityId: row.id },
    ]);
    return presentComment(row, true);
  });
}

/** The unit (or office) answers a comment; the answer is public and recorded. */
export async function answerComment(db: Db, actor: Actor | null, id: string, input: { answer: string }) {
  return db.transaction(async (tx) => {
    const [c] = await tx.select().from(planComments).where(eq(planComments.id, id));
    if (!c) throw notFound('Comment');
    const a = assertUnitOfficial(actor, (await loadPlanScope(tx, c.planId)).orgPath, 'Answering comments');
    const [row] = await tx
      .update(planComments)
      .set({ answer: input.answer, answeredBy: a.id, answeredAt: new Date() })
      .where(eq(planComments.id, id))
      .returning();
    await appendAudit(tx, [
      {
        actorId: a.id,
        action: 'participation.comment.answer',
        entityType: 'comment',
        entityId: id,
        data: input,
      },
    ]);
    return presentComment(row, true);
  });
}

type CommentRow = typeof planComments.$inferSelect;

function presentComment(c: CommentRow, full: boolean) {
  const base = {
    id: c.id,
    planId: c.planId,
    indicatorCode: c.indicatorCode,
    status: c.status,
    createdAt: c.createdAt,
  };
  if (c.status === 'hidden' && !full) return { ...base, hiddenReason: c.hiddenReason };
  return {
    ...base,
    body: c.body,
    hiddenReason: c.hiddenReason,
    answer: c.answer,
    answeredAt: c.answeredAt,
    ...(full ? { authorId: c.authorId } : {}),
  };
}

/** Comments of a plan: officials of the unit see everything, the public sees hidden ones as their reason. */
export async function listComments(
  db: Db,
  actor: Actor | null,
  planId: string,
  opts: { official?: boolean } = {},
) {
  const scope = await loadPlanScope(db, planId);
  if (opts.official) assertUnitOfficial(actor, scope.orgPath, 'Answering comments');
  else if (!['published_for_comment', 'approved', 'closed'].includes(scope.plan.status))
    throw notFound('Plan');
  const rows = await db
    .select()
    .from(planComments)
    .where(eq(planComments.planId, planId))
    .orderBy(asc(planComments.createdAt));
  return rows.map((r) => presentComment(r, !!opts.official));
}

/**
 * Gate of plan approval: every visible public comment must have an answer, unless the office
 * overrides with a reason (recorded on the plan and in the audit log by approvePlan).
 */
export async function assertCommentsAnswered(tx: DbOrTx, planId: string, overrideReason?: string) {
  const [{ n }] = await tx
    .select({ n: count() })
    .from(planComments)
    .where(
      and(eq(planComments.planId, planId), eq(planComments.status, 'visible'), isNull(planComments.answer)),
    );
  if (n > 0 && !overrideReason?.trim())
    throw conflict(
      `${n} public comment(s) are unanswered; answer them or give an override reason`,
      [{ path: 'overrideReason', message: `${n} unanswered comment(s)` }],
      'unanswered_comments',
    );
  return n;
}

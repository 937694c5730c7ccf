import { asc, eq, inArray } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { counselingSessions, threadPosts, threads, users, type AgreedAction } from '../../db/schema';
import type { Actor } from '../../lib/actor';
import { notFound } from '../../lib/errors';
import { appendAudit } from '../audit/service';
import { canReadPlanSync, loadPlanScope } from '../plans/access';
import { assertUnitOfficial, speakerRole } from './access';

const OPEN_PLAN = ['published_for_comment', 'approved', 'closed'];

/** Opens a thread on a plan or indicator with its first post (cadre, office, unit or stakeholder). */
export async function openThread(
  db: Db,
  actor: Actor | null,
  planId: string,
  input: { indicatorCode?: string; title: string; body: string },
) {
  return db.transaction(async (tx) => {
    const scope = await loadPlanScope(tx, planId);
    if (!actor) throw notFound('Plan');
    const role = speakerRole(actor, scope);
    if (role === 'stakeholder' && !OPEN_PLAN.includes(scope.plan.status)) throw notFound('Plan');
    const [thread] = await tx
      .insert(threads)
      .values({ planId, indicatorCode: input.indicatorCode ?? null, title: input.title, authorId: actor.id })
      .returning();
    await tx
      .insert(threadPosts)
      .values({ threadId: thread.id, authorId: actor.id, authorRole: role, body: input.body });
    await appendAudit(tx, [
      { actorId: actor.id, action: 'participation.thread.open', entityType: 'thread', entityId: thread.id },
    ]);
    return thread;
  });
}

export async function postInThread(db: Db, actor: Actor | null, threadId: string, input: { body: string }) {
  return db.transaction(async (tx) => {
    const [thread] = await tx.select().from(threads).where(eq(threads.id, threadId));
    if (!thread || !actor) throw notFound('Thread');
    const role = speakerRole(actor, await loadPlanScope(tx, thread.planId));
    const [post] = await tx
      .insert(threadPosts)
      .values({ threadId, authorId: actor.id, authorRole: role, body: input.body })
      .returning();
    await appendAudit(tx, [
      { actorId: actor.id, action: 'participation.post', entityType: 'post', entityId: post.id },
    ]);
    return post;
  });
}

/**
 * Threads of a plan with their posts. Hidden posts show only their reason, except to the unit's
 * officials and the office (`official`).
 */
export async function listThreads(
  db: Db,
  actor: Actor | null,
  planId: string,
  opts: { official?: boolean } = {},
) {
  const scope = await loadPlanScope(db, planId);
  const full = !!opts.official;
  if (full) assertUnitOfficial(actor, scope.orgPath, 'Moderating threads');
  else if (!OPEN_PLAN.includes(scope.plan.status) && !canReadPlanSync(actor, scope)) throw notFound('Plan');
  const list = await db
    .select()
    .from(threads)
    .where(eq(threads.planId, planId))
    .orderBy(asc(threads.createdAt));
  const posts = list.length
    ? await db
        .select({ p: threadPosts, authorName: users.displayName })
        .from(threadPosts)
        .innerJoin(users, eq(users.id, threadPosts.authorId))
        .where(
          inArray(
            threadPosts.threadId,
            list.map((t) => t.id),
          ),
        )
        .orderBy(asc(threadPosts.createdAt))
    : [];
  return list.map((t) => ({
    id: t.id,
    planId: t.planId,
    indicatorCode: t.indicatorCode,
    title: t.title,
    createdAt: t.createdAt,
    posts: posts
      .filter(({ p }) => p.threadId === t.id)
      .map(({ p, authorName }) =>
        p.status === 'hidden' && !full
          ? {
              id: p.id,
              status: p.status,
              hiddenReason: p.hiddenReason,
              authorRole: p.authorRole,
              createdAt: p.createdAt,
            }
          : {
              id: p.id,
              status: p.status,
              hiddenReason: p.hiddenReason,
              authorRole: p.authorRole,
              // Stakeholders stay anonymous in public; officials speak under their name.
              authorName: p.authorRole === 'stakeholder' && !full ? null : authorName,
              body: p.body,
              createdAt: p.createdAt,
            },
      ),
  }));
}

/** Records a counseling session 辅导记录: date, attendees, issues and agreed actions with owners and deadlines. */
export async function recordCounseling(
  db: Db,
  actor: Actor | null,
  planId: string,
  input: { heldOn: string; attendees: string[]; issues: string[]; actions: AgreedAction[]; summary?: string },
) {
  return db.transaction(async (tx) => {
    const scope = await loadPlanScope(tx, planId);
    const a = assertUnitOfficial(actor, scope.orgPath, 'Recording counseling');
    const [row] = await tx
      .insert(counselingSessions)
      .values({ planId, ...input, summary: input.summary ?? null, recordedBy: a.id })
      .returning();
    await appendAudit(tx, [
      {
        actorId: a.id,
        action: 'participation.counseling.record',
        entityType: 'counseling',
        entityId: row.id,
        data: input,
      },
    ]);
    return row;
  });
}

export async function listCounseling(db: Db, actor: Actor | null, planId: string) {
  const scope = await loadPlanScope(db, planId);
  if (!OPEN_PLAN.includes(scope.plan.status) && !canReadPlanSync(actor, scope)) throw notFound('Plan');
  const rows = await db
    .select()
    .from(counselingSessions)
    .where(eq(counselingSessions.planId, planId))
    .orderBy(asc(counselingSessions.heldOn));
  return rows.map(({ recordedBy: _r, ...r }) => r);
}

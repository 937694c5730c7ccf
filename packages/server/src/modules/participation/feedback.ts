import { and, asc, count, eq, inArray } from 'drizzle-orm';
import type { Db } from '../../db/client';
import {
  feedbackInterviews,
  improvementActions,
  improvementFollows,
  improvementPlans,
  interviewSeats,
  orgUnits,
  people,
  plans,
  type AgreedAction,
} from '../../db/schema';
import type { Actor } from '../../lib/actor';
import { badRequest, notFound } from '../../lib/errors';
import { appendAudit } from '../audit/service';
import { loadPlanScope } from '../plans/access';
import { assertUnitOfficial, requireParticipant } from './access';
import { appraiseeResolver, loadParticipants, relevanceOf } from './relevance';

/** Stakeholders proposed for interview seats: the most closely related participants first. */
export async function proposeSeats(db: Db, actor: Actor | null, planId: string, n: number) {
  const scope = await loadPlanScope(db, planId);
  assertUnitOfficial(actor, scope.orgPath, 'Proposing interview seats');
  const appraisee = (await appraiseeResolver(db))(scope.plan.orgUnitId);
  const pool = [...(await loadParticipants(db)).values()];
  return pool
    .map((p) => ({
      userId: p.userId,
      displayName: p.displayName,
      category: p.category,
      district: p.district ?? null,
      relevance: relevanceOf(p, appraisee).score,
    }))
    .sort((a, b) => b.relevance - a.relevance || a.displayName.localeCompare(b.displayName))
    .slice(0, n);
}

/** Plans a feedback interview 反馈面谈 with stakeholder seats (proposed by relevance when none are named). */
export async function createInterview(
  db: Db,
  actor: Actor | null,
  planId: string,
  input: { heldOn: string; title: string; seatUserIds?: string[]; seats?: number },
) {
  const scope = await loadPlanScope(db, planId);
  const a = assertUnitOfficial(actor, scope.orgPath, 'Feedback interviews');
  const appraisee = (await appraiseeResolver(db))(scope.plan.orgUnitId);
  let seats: { userId: string; relevance: number }[];
  if (input.seatUserIds?.length) {
    const ps = await loadParticipants(db, input.seatUserIds);
    seats = input.seatUserIds.map((id) => ({
      userId: id,
      relevance: relevanceOf(ps.get(id)!, appraisee).score,
    }));
  } else seats = await proposeSeats(db, actor, planId, input.seats ?? 5);
  return db.transaction(async (tx) => {
    const [row] = await tx
      .insert(feedbackInterviews)
      .values({ planId, heldOn: input.heldOn, title: input.title })
      .returning();
    if (seats.length)
      await tx.insert(interviewSeats).values(seats.map((s) => ({ interviewId: row.id, ...s })));
    await appendAudit(tx, [
      {
        actorId: a.id,
        action: 'participation.interview.plan',
        entityType: 'interview',
        entityId: row.id,
        data: { seats: seats.length },
      },
    ]);
    return { ...row, seats };
  });
}

/** Records what was said and who of the invited stakeholders attended. */
export async function recordInterview(
  db: Db,
  actor: Actor | null,
  id: string,
  input: { record: string; attendedUserIds: string[] },
) {
  return db.transaction(async (tx) => {
    const [iv] = await tx.select().from(feedbackInterviews).where(eq(feedbackInterviews.id, id));
    if (!iv) throw notFound('Interview');
    const a = assertUnitOfficial(actor, (await loadPlanScope(tx, iv.planId)).orgPath, 'Feedback interviews');
    const seats = await tx.select().from(interviewSeats).where(eq(interviewSeats.interviewId, id));
    const unknown = input.attendedUserIds.filter((u) => !seats.some((s) => s.userId === u));
    if (unknown.length)
      throw badRequest(
        'Only invited stakeholders can be recorded as attending',
        unknown.map((u) => ({
          path: `attendedUserIds.${input.attendedUserIds.indexOf(u)}`,
          message: 'no seat',
        })),
      );
    for (const s of seats)
      await tx
        .update(interviewSeats)
        .set({ status: input.attendedUserIds.includes(s.userId) ? 'attended' : 'absent' })
        .where(and(eq(interviewSeats.interviewId, id), eq(interviewSeats.userId, s.userId)));
    const [row] = await tx
      .update(feedbackInterviews)
      .set({ status: 'held', record: input.record, recordedBy: a.id })
      .where(eq(feedbackInterviews.id, id))
      .returning();
    await appendAudit(tx, [
      {
        actorId: a.id,
        action: 'participation.interview.record',
        entityType: 'interview',
        entityId: id,
        data: input,
      },
    ]);
    return row;
  });
}

/** Interviews of a plan; the public sees seat relevance and attendance, officials also the names. */
export async function listInterviews(
  db: Db,
  actor: Actor | null,
  planId: string,
  opts: { official?: boolean } = {},
) {
  const scope = await loadPlanScope(db, planId);
  if (opts.official) assertUnitOfficial(actor, scope.orgPath, 'Feedback interviews');
  const list = await db
    .select()
    .from(feedbackInterviews)
    .where(eq(feedbackInterviews.planId, planId))
    .orderBy(asc(feedbackInterviews.heldOn));
  const seats = list.length
    ? await db
        .select()
        .from(interviewSeats)
        .where(
          inArray(
            interviewSeats.interviewId,
            list.map((i) => i.id),
          ),
        )
    : [];
  const names = opts.official
    ? await loadParticipants(
        db,
        seats.map((s) => s.userId),
      )
    : new Map();
  return list.map(({ recordedBy: _r, ...iv }) => ({
    ...iv,
    seats: seats
      .filter((s) => s.interviewId === iv.id)
      .sort((x, y) => y.relevance - x.relevance)
      .map((s) => ({
        relevance: s.relevance,
        status: s.status,
        ...(opts.official ? { userId: s.userId, displayName: names.get(s.userId)?.displayName ?? null } : {}),
      })),
  }));
}

/** An improvement plan 整改方案 with actions, owners and deadlines, followed publicly. */
export async function createImprovementPlan(
  db: Db,
  actor: Actor | null,
  planId: string,
  input: { title: string; summary?: string; actions: AgreedAction[] },
) {
  return db.transaction(async (tx) => {
    const scope = await loadPlanScope(tx, planId);
    const a = assertUnitOfficial(actor, scope.orgPath, 'Improvement plans');
    const [row] = await tx
      .insert(improvementPlans)
      .values({ planId, title: input.title, summary: input.summary ?? null, createdBy: a.id })
      .returning();
    const actions = await tx
      .insert(improvementActions)
      .values(input.actions.map((x) => ({ improvementPlanId: row.id, ...x })))
      .returning();
    await appendAudit(tx, [
      {
        actorId: a.id,
        action: 'participation.improvement.create',
        entityType: 'improvement',
        entityId: row.id,
        data: input,
      },
    ]);
    return { ...row, actions };
  });
}

/** Progress of one action: status and the evidence the public can check. */
export async function updateImprovementAction(
  db: Db,
  actor: Actor | null,
  actionId: string,
  input: { status: string; evidence?: string },
) {
  return db.transaction(async (tx) => {
    const [row] = await tx
      .select({ action: improvementActions, planId: improvementPlans.planId })
      .from(improvementActions)
      .innerJoin(improvementPlans, eq(improvementPlans.id, improvementActions.improvementPlanId))
      .where(eq(improvementActions.id, actionId));
    if (!row) throw notFound('Action');
    const a = assertUnitOfficial(actor, (await loadPlanScope(tx, row.planId)).orgPath, 'Improvement plans');
    if (input.status === 'done' && !(input.evidence ?? row.action.evidence))
      throw badRequest('A finished action needs evidence the public can check', [
        { path: 'evidence', message: 'required when done' },
      ]);
    const [updated] = await tx
      .update(improvementActions)
      .set({ status: input.status, evidence: input.evidence ?? row.action.evidence, updatedAt: new Date() })
      .where(eq(improvementActions.id, actionId))
      .returning();
    await appendAudit(tx, [
      {
        actorId: a.id,
        action: 'participation.improvement.action',
        entityType: 'improvement_action',
        entityId: actionId,
        data: input,
      },
    ]);
    return updated;
  });
}

export async function followImprovement(db: Db, actor: Actor | null, id: string, follow: boolean) {
  const a = requireParticipant(actor);
  const [ip] = await db
    .select({ id: improvementPlans.id })
    .from(improvementPlans)
    .where(eq(improvementPlans.id, id));
  if (!ip) throw notFound('Improvement plan');
  if (follow)
    await db.insert(improvementFollows).values({ improvementPlanId: id, userId: a.id }).onConflictDoNothing();
  else
    await db
      .delete(improvementFollows)
      .where(and(eq(improvementFollows.improvementPlanId, id), eq(improvementFollows.userId, a.id)));
  const [{ n }] = await db
    .select({ n: count() })
    .from(improvementFollows)
    .where(eq(improvementFollows.improvementPlanId, id));
  return { id, following: follow, followers: n };
}

/** Improvement plans (of a cycle or plan) with actions, overdue flags and followers; public. */
export async function listImprovements(
  db: Db,
  actor: Actor | null,
  q: { cycleId?: string; planId?: string; followed?: boolean },
) {
  const conds = [];
  if (q.cycleId) conds.push(eq(plans.cycleId, q.cycleId));
  if (q.planId) conds.push(eq(improvementPlans.planId, q.planId));
  const list = await db
    .select({
      ip: improvementPlans,
      cycleId: plans.cycleId,
      orgName: orgUnits.name,
      orgNameEn: orgUnits.nameEn,
      personName: people.name,
      personNameEn: people.nameEn,
    })
    .from(improvementPlans)
    .innerJoin(plans, eq(plans.id, improvementPlans.planId))
    .innerJoin(orgUnits, eq(orgUnits.id, plans.orgUnitId))
    .leftJoin(people, eq(people.id, plans.personId))
    .where(conds.length ? and(...conds) : undefined)
    .orderBy(asc(orgUnits.path), asc(improvementPlans.createdAt));
  const ids = list.map((l) => l.ip.id);
  if (!ids.length) return [];
  const actions = await db
    .select()
    .from(improvementActions)
    .where(inArray(improvementActions.improvementPlanId, ids))
    .orderBy(asc(improvementActions.deadline));
  const follows = await db
    .select({ id: improvementFollows.improvementPlanId, userId: improvementFollows.userId })
    .from(improvementFollows)
    .where(inArray(improvementFollows.improvementPlanId, ids));
  const today = new Date().toISOString().slice(0, 10);
  return list
    .map((l) => {
      const acts = actions.filter((x) => x.improvementPlanId === l.ip.id);
      return {
        id: l.ip.id,
        planId: l.ip.planId,
        cycleId: l.cycleId,
        title: l.ip.title,
        summary: l.ip.summary,
        createdAt: l.ip.createdAt,
        appraiseeName: l.personName ?? l.orgName,
        appraiseeNameEn: l.personNameEn ?? l.orgNameEn,
        actions: acts.map((x) => ({ ...x, overdue: x.status !== 'done' && x.deadline < today })),
        done: acts.filter((x) => x.status === 'done').length,
        followers: follows.filter((f) => f.id === l.ip.id).length,
        followedByMe: !!actor && follows.some((f) => f.id === l.ip.id && f.userId === actor.id),
      };
    })
    .filter((x) => !q.followed || x.followedByMe);
}

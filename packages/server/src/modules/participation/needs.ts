import { and, count, desc, eq, inArray } from 'drizzle-orm';
import { clusterTexts } from '@perfcommons/domain';
import type { Db, DbOrTx } from '../../db/client';
import { indicatorNodes, needLinks, needSupports, needs, plans } from '../../db/schema';
import type { Actor } from '../../lib/actor';
import { badRequest, conflict, isUniqueViolation, notFound } from '../../lib/errors';
import { appendAudit } from '../audit/service';
import { assertStage, assertUnitOfficial, loadCycle, loadUnit, requireParticipant } from './access';

/** Links of the cycle in which needs are collected and supported. */
const NEED_STAGES = ['mission_analysis', 'planning'];

export async function submitNeed(
  db: Db,
  actor: Actor | null,
  input: { cycleId: string; orgUnitId: string; title: string; body: string },
) {
  const a = requireParticipant(actor);
  return db.transaction(async (tx) => {
    assertStage(await loadCycle(tx, input.cycleId), NEED_STAGES, 'Submitting needs');
    await loadUnit(tx, input.orgUnitId);
    const [need] = await tx
      .insert(needs)
      .values({ ...input, authorId: a.id })
      .returning();
    await appendAudit(tx, [
      { actorId: a.id, action: 'participation.need.submit', entityType: 'need', entityId: need.id },
    ]);
    return presentNeed(need, 0, [], true);
  });
}

/** One support per participant and need (the database keeps it so under concurrency). */
export async function supportNeed(db: Db, actor: Actor | null, needId: string) {
  const a = requireParticipant(actor);
  try {
    return await db.transaction(async (tx) => {
      const [need] = await tx.select().from(needs).where(eq(needs.id, needId));
      if (!need || need.status !== 'visible') throw notFound('Need');
      assertStage(await loadCycle(tx, need.cycleId), NEED_STAGES, 'Supporting needs');
      if (need.authorId === a.id)
        throw badRequest('Support the needs of others; yours counts already', [
          { path: 'id', message: 'own need' },
        ]);
      await tx.insert(needSupports).values({ needId, userId: a.id });
      const [{ n }] = await tx
        .select({ n: count() })
        .from(needSupports)
        .where(eq(needSupports.needId, needId));
      return { needId, supports: n };
    });
  } catch (err) {
    if (isUniqueViolation(err))
      throw conflict(
        'You support this need already',
        [{ path: 'id', message: 'already supported' }],
        'already_supported',
      );
    throw err;
  }
}

type NeedRow = typeof needs.$inferSelect;

/** A need as shown: hidden needs keep only the public reason unless `full`. */
function presentNeed(
  n: NeedRow,
  supports: number,
  links: { planId: string; indicatorCode: string }[],
  full: boolean,
) {
  const base = {
    id: n.id,
    cycleId: n.cycleId,
    orgUnitId: n.orgUnitId,
    status: n.status,
    createdAt: n.createdAt,
  };
  if (n.status === 'hidden' && !full) return { ...base, hiddenReason: n.hiddenReason };
  return {
    ...base,
    title: n.title,
    body: n.body,
    hiddenReason: n.hiddenReason,
    supports,
    links,
    ...(full ? { authorId: n.authorId } : {}),
  };
}

async function needRows(db: DbOrTx, q: { cycleId: string; orgUnitId?: string }) {
  const conds = [eq(needs.cycleId, q.cycleId)];
  if (q.orgUnitId) conds.push(eq(needs.orgUnitId, q.orgUnitId));
  const rows = await db
    .select()
    .from(needs)
    .where(and(...conds))
    .orderBy(desc(needs.createdAt));
  const ids = rows.map((r) => r.id);
  const sup = ids.length
    ? await db
        .select({ needId: needSupports.needId, n: count() })
        .from(needSupports)
        .where(inArray(needSupports.needId, ids))
        .groupBy(needSupports.needId)
    : [];
  const links = ids.length
    ? await db
        .select({
          needId: needLinks.needId,
          planId: needLinks.planId,
          indicatorCode: needLinks.indicatorCode,
        })
        .from(needLinks)
        .where(inArray(needLinks.needId, ids))
    : [];
  const supports = new Map(sup.map((s) => [s.needId, s.n]));
  return rows.map((r) => ({
    row: r,
    supports: supports.get(r.id) ?? 0,
    links: links
      .filter((l) => l.needId === r.id)
      .map(({ planId, indicatorCode }) => ({ planId, indicatorCode })),
  }));
}

/**
 * Needs of a cycle (and unit). Officials of the unit see hidden needs in full; everyone else sees
 * only the reason they were hidden. Participants learn which needs they support.
 */
export async function listNeeds(
  db: Db,
  actor: Actor | null,
  q: { cycleId: string; orgUnitId?: string },
  opts: { official?: boolean } = {},
) {
  let full = false;
  if (opts.official) {
    if (!q.orgUnitId) throw badRequest('Name the unit', [{ path: 'orgUnitId', message: 'required' }]);
    assertUnitOfficial(actor, (await loadUnit(db, q.orgUnitId)).path, 'Moderating needs');
    full = true;
  }
  const rows = await needRows(db, q);
  const mine = actor
    ? new Set(
        (
          await db
            .select({ needId: needSupports.needId })
            .from(needSupports)
            .where(eq(needSupports.userId, actor.id))
        ).map((s) => s.needId),
      )
    : new Set<string>();
  return rows
    .map((r) => ({
      ...presentNeed(r.row, r.supports, r.links, full),
      ...(actor && r.row.status === 'visible'
        ? { supportedByMe: mine.has(r.row.id), mine: r.row.authorId === actor.id }
        : {}),
    }))
    .sort((x, y) => ('supports' in y ? (y.supports ?? 0) : -1) - ('supports' in x ? (x.supports ?? 0) : -1));
}

/** Groups visible needs saying the same thing (character bigrams, works for Chinese). */
export async function clusterNeeds(db: Db, q: { cycleId: string; orgUnitId: string; threshold?: number }) {
  const rows = (await needRows(db, q)).filter((r) => r.row.status === 'visible');
  const byId = new Map(rows.map((r) => [r.row.id, r]));
  return clusterTexts(
    rows.map((r) => ({ id: r.row.id, text: `${r.row.title} ${r.row.body}` })),
    { threshold: q.threshold },
  ).map((c) => {
    const rep = byId.get(c.representativeId)!;
    return {
      representativeId: c.representativeId,
      title: rep.row.title,
      size: c.size,
      memberIds: c.memberIds,
      supports: c.memberIds.reduce((s, id) => s + byId.get(id)!.supports, 0),
    };
  });
}

async function unitPlan(db: DbOrTx, cycleId: string, orgUnitId: string) {
  const [plan] = await db
    .select()
    .from(plans)
    .where(and(eq(plans.cycleId, cycleId), eq(plans.orgUnitId, orgUnitId), eq(plans.appraiseeType, 'unit')));
  return plan;
}

/** The unit links a need to an indicator (goal) of its plan in the same cycle. */
export async function linkNeed(
  db: Db,
  actor: Actor | null,
  needId: string,
  input: { indicatorCode: string },
) {
  return db.transaction(async (tx) => {
    const [need] = await tx.select().from(needs).where(eq(needs.id, needId));
    if (!need) throw notFound('Need');
    const a = assertUnitOfficial(actor, (await loadUnit(tx, need.orgUnitId)).path, 'Linking needs');
    const plan = await unitPlan(tx, need.cycleId, need.orgUnitId);
    if (!plan)
      throw conflict('The unit has no plan in this cycle yet', [{ path: 'planId', message: 'no plan' }]);
    const [node] = await tx
      .select()
      .from(indicatorNodes)
      .where(and(eq(indicatorNodes.planId, plan.id), eq(indicatorNodes.code, input.indicatorCode)));
    if (!node)
      throw badRequest(`The plan has no indicator ${input.indicatorCode}`, [
        { path: 'indicatorCode', message: 'unknown indicator' },
      ]);
    await tx
      .insert(needLinks)
      .values({ needId, planId: plan.id, indicatorCode: input.indicatorCode, linkedBy: a.id })
      .onConflictDoNothing();
    await appendAudit(tx, [
      {
        actorId: a.id,
        action: 'participation.need.link',
        entityType: 'need',
        entityId: needId,
        data: { planId: plan.id, indicatorCode: input.indicatorCode },
      },
    ]);
    return { needId, planId: plan.id, indicatorCode: input.indicatorCode };
  });
}

export async function unlinkNeed(db: Db, actor: Actor | null, needId: string, indicatorCode: string) {
  return db.transaction(async (tx) => {
    const [need] = await tx.select().from(needs).where(eq(needs.id, needId));
    if (!need) throw notFound('Need');
    const a = assertUnitOfficial(actor, (await loadUnit(tx, need.orgUnitId)).path, 'Linking needs');
    await tx
      .delete(needLinks)
      .where(and(eq(needLinks.needId, needId), eq(needLinks.indicatorCode, indicatorCode)));
    await appendAudit(tx, [
      {
        actorId: a.id,
        action: 'participation.need.unlink',
        entityType: 'need',
        entityId: needId,
        data: { indicatorCode },
      },
    ]);
    return { ok: true as const };
  });
}

/**
 * Coverage report: of the `top` most-supported visible needs of the unit, which the plan answers
 * (linked to one of its indicators) and which it does not.
 */
export async function needCoverage(db: Db, q: { cycleId: string; orgUnitId: string; top: number }) {
  const plan = await unitPlan(db, q.cycleId, q.orgUnitId);
  const nodes = plan
    ? await db
        .select({ code: indicatorNodes.code, name: indicatorNodes.name, nameEn: indicatorNodes.nameEn })
        .from(indicatorNodes)
        .where(eq(indicatorNodes.planId, plan.id))
    : [];
  const names = new Map(nodes.map((n) => [n.code, n]));
  const rows = (await needRows(db, q))
    .filter((r) => r.row.status === 'visible')
    .sort((a, b) => b.supports - a.supports || a.row.createdAt.getTime() - b.row.createdAt.getTime())
    .slice(0, q.top);
  const items = rows.map((r) => {
    const codes = r.links.filter((l) => l.planId === plan?.id).map((l) => l.indicatorCode);
    return {
      needId: r.row.id,
      title: r.row.title,
      supports: r.supports,
      covered: codes.length > 0,
      indicators: codes.map((c) => ({
        code: c,
        name: names.get(c)?.name ?? c,
        nameEn: names.get(c)?.nameEn ?? null,
      })),
    };
  });
  const covered = items.filter((i) => i.covered).length;
  return {
    planId: plan?.id ?? null,
    items,
    covered,
    uncovered: items.length - covered,
    coveredShare: items.length ? covered / items.length : 0,
  };
}

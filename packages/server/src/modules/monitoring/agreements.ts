/** Mid-cycle revisions 计划调整 of approved plans: requested by the appraisee side, decided by the office, published. */
import { and, asc, desc, eq, inArray, sql } from 'drizzle-orm';
import { validateTree } from '@perfcommons/domain';
import type { IndicatorNodeInput, RevisionChange } from '@perfcommons/contracts';
import type { Db, DbOrTx } from '../../db/client';
import { indicatorNodes, planRevisions, plans } from '../../db/schema';
import { requireActor, requireOffice, type Actor } from '../../lib/actor';
import { badRequest, conflict, notFound, type ErrorDetail } from '../../lib/errors';
import { appendAudit, planTreeSnapshot } from '../audit/service';
import { assertCycleNotPublished } from '../cycles/freeze';
import { assertCanEditPlan, assertCanReadPlan, loadPlanScope, type PlanScope } from '../plans/access';
import { loadTree, presentPlan } from '../plans/service';
import { monitoredPlans, canFollowPlan, officeUserIds } from './common';
import { notify } from './notifications';
import { requireApproved } from './signoffs';

export type RevisionField = 'target' | 'weight';
export type { RevisionChange };
type RevisionRow = typeof planRevisions.$inferSelect;

/** Current value of a revisable field of a node; a target lives on the node and in its rule. */
function currentValue(n: IndicatorNodeInput, field: RevisionField): number | undefined {
  if (field === 'weight') return n.weight;
  return n.target ?? (n.rule && 'target' in n.rule ? n.rule.target : undefined);
}

function applyChanges(
  tree: IndicatorNodeInput[],
  changes: { code: string; field: RevisionField; to: number }[],
) {
  const copy = structuredClone(tree);
  const walk = (nodes: IndicatorNodeInput[]) => {
    for (const n of nodes) {
      for (const c of changes.filter((x) => x.code === n.code)) {
        if (c.field === 'weight') n.weight = c.to;
        else {
          n.target = c.to;
          if (n.rule && 'target' in n.rule) n.rule = { ...n.rule, target: c.to };
        }
      }
      if (n.children) walk(n.children);
    }
  };
  walk(copy);
  return copy;
}

const problemKey = (p: { path: string[]; field: string; message: string }) =>
  `${p.path.join('/')}|${p.field}|${p.message}`;

/**
 * Checks requested changes against the tree: known codes, a target only where the indicator has
 * one, no field twice, and no new problem in the revised tree (weights must still sum to 100).
 */
function checkChanges(
  tree: IndicatorNodeInput[],
  changes: { code: string; field: RevisionField; to: number }[],
) {
  const nodes = new Map<string, IndicatorNodeInput>();
  const walk = (list: IndicatorNodeInput[]) =>
    list.forEach((n) => {
      nodes.set(n.code, n);
      if (n.children) walk(n.children);
    });
  walk(tree);
  const details: ErrorDetail[] = [];
  const seen = new Set<string>();
  const out: RevisionChange[] = [];
  changes.forEach((c, i) => {
    const n = nodes.get(c.code);
    const key = `${c.code}|${c.field}`;
    if (!n) details.push({ path: `changes.${i}.code`, message: `no indicator ${c.code} in this plan` });
    else if (seen.has(key))
      details.push({ path: `changes.${i}.field`, message: `${c.code} ${c.field} changed twice` });
    else {
      const from = currentValue(n, c.field);
      if (from === undefined)
        details.push({ path: `changes.${i}.field`, message: `${c.code} has no ${c.field} to revise` });
      else if (from === c.to) details.push({ path: `changes.${i}.to`, message: 'same as the current value' });
      else out.push({ code: c.code, field: c.field, from, to: c.to });
    }
    seen.add(key);
  });
  if (details.length) throw badRequest(`${details.length} change(s) refused`, details);
  const before = new Set(validateTree(tree).map(problemKey));
  const fresh = validateTree(applyChanges(tree, out)).filter((p) => !before.has(problemKey(p)));
  if (fresh.length)
    throw badRequest(
      'The revised tree would have problems',
      fresh.map((p) => ({ path: `tree.${p.path.join('/')}.${p.field}`, message: p.message })),
      'invalid_tree',
    );
  return out;
}

/**
 * Requests a mid-cycle revision 年中调整 of targets or weights of an approved plan (its unit
 * manager or the office), with a justification; the office is notified and decides.
 */
export async function requestRevision(
  db: Db,
  actor: Actor | null,
  planId: string,
  input: { justification: string; changes: { code: string; field: RevisionField; to: number }[] },
) {
  requireActor(actor);
  return db.transaction(async (tx) => {
    const scope = await loadPlanScope(tx, planId);
    const a = assertCanEditPlan(actor, scope);
    requireApproved(scope);
    const [pending] = await tx
      .select({ id: planRevisions.id })
      .from(planRevisions)
      .where(and(eq(planRevisions.planId, planId), eq(planRevisions.status, 'pending')))
      .limit(1);
    if (pending)
      throw conflict('A revision of this plan is already waiting for the office', [
        { path: 'planId', message: 'revision pending' },
      ]);
    const changes = checkChanges(await loadTree(tx, planId), input.changes);
    const [row] = await tx
      .insert(planRevisions)
      .values({ planId, justification: input.justification, changes, requestedBy: a.id })
      .returning();
    const list = changes.map((c) => `${c.code} ${c.field} ${c.from} → ${c.to}`).join('; ');
    await notify(
      tx,
      (await officeUserIds(tx))
        .filter((id) => id !== a.id)
        .map((userId) => ({
          userId,
          kind: 'plan_revision',
          title: `计划调整申请：${scope.appraiseeName}`,
          titleEn: `Plan revision requested: ${scope.appraiseeNameEn ?? scope.appraiseeName}`,
          body: list,
          bodyEn: list,
          entityType: 'plan_revision',
          entityId: row.id,
          planId,
        })),
    );
    await appendAudit(tx, [
      {
        actorId: a.id,
        action: 'plan.revision.request',
        entityType: 'plan_revision',
        entityId: row.id,
        data: { planId, changes, justification: input.justification },
        entity: row,
      },
    ]);
    return presentRevision(row);
  });
}

/**
 * The office approves or rejects a revision. Approval re-checks that the plan still has the
 * values the request started from, keeps the previous tree on the revision, applies the changes
 * to the indicator nodes and bumps the plan version, all in one transaction.
 */
export async function decideRevision(
  db: Db,
  actor: Actor | null,
  id: string,
  input: { decision: 'approved' | 'rejected'; reason?: string },
) {
  const a = requireOffice(actor, 'Deciding a plan revision');
  if (input.decision === 'rejected' && !input.reason?.trim())
    throw badRequest('A rejection needs a reason', [{ path: 'reason', message: 'required when rejecting' }]);
  return db.transaction(async (tx) => {
    const [rev] = await tx.select().from(planRevisions).where(eq(planRevisions.id, id)).limit(1);
    if (!rev) throw notFound('Revision');
    if (rev.status !== 'pending')
      throw conflict(`The revision is already ${rev.status}`, [{ path: 'status', message: rev.status }]);
    const scope = await loadPlanScope(tx, rev.planId);
    const decided = { decidedBy: a.id, decidedAt: new Date(), decisionReason: input.reason?.trim() || null };
    if (input.decision === 'rejected') {
      const [row] = await tx
        .update(planRevisions)
        .set({ status: 'rejected', ...decided })
        .where(eq(planRevisions.id, id))
        .returning();
      await finishDecision(tx, a, row, scope);
      return { revision: presentRevision(row), plan: presentPlan(scope.plan, scope) };
    }
    requireApproved(scope);
    await assertCycleNotPublished(tx, scope.plan.cycleId);
    const tree = await loadTree(tx, rev.planId);
    const changes = rev.changes;
    const stale = changes.flatMap((c, i) => {
      const n = findNode(tree, c.code);
      const now = n && currentValue(n, c.field);
      return now === c.from
        ? []
        : [{ path: `changes.${i}.from`, message: `now ${now ?? 'absent'}, requested from ${c.from}` }];
    });
    if (stale.length)
      throw conflict('The plan changed since the request; ask for a new revision', stale, 'stale_revision');
    const revised = applyChanges(tree, changes);
    for (const c of changes) {
      const n = findNode(revised, c.code)!;
      await tx
        .update(indicatorNodes)
        .set(c.field === 'weight' ? { weight: n.weight } : { target: n.target ?? null, rule: n.rule ?? null })
        .where(and(eq(indicatorNodes.planId, rev.planId), eq(indicatorNodes.code, c.code)));
    }
    const [plan] = await tx
      .update(plans)
      .set({ version: sql`${plans.version} + 1`, updatedAt: new Date() })
      .where(and(eq(plans.id, rev.planId), eq(plans.version, scope.plan.version)))
      .returning();
    if (!plan) throw conflict('The plan was changed meanwhile; try again', [], 'version_conflict');
    const [row] = await tx
      .update(planRevisions)
      .set({
        status: 'approved',
        ...decided,
        previousTree: tree,
        previousVersion: scope.plan.version,
        newVersion: plan.version,
      })
      .where(eq(planRevisions.id, id))
      .returning();
    await appendAudit(tx, [
      { actorId: a.id, action: 'plan.update', entityType: 'plan', entityId: plan.id, entity: plan },
      {
        actorId: a.id,
        action: 'plan.tree.revise',
        entityType: 'plan_tree',
        entityId: plan.id,
        data: { revisionId: id, version: plan.version, changes },
        entity: await planTreeSnapshot(tx, plan.id),
      },
    ]);
    await finishDecision(tx, a, row, scope);
    return { revision: presentRevision(row), plan: presentPlan(plan, scope) };
  });
}

async function finishDecision(tx: DbOrTx, a: Actor, row: RevisionRow, scope: PlanScope) {
  await appendAudit(tx, [
    {
      actorId: a.id,
      action: `plan.revision.${row.status === 'approved' ? 'approve' : 'reject'}`,
      entityType: 'plan_revision',
      entityId: row.id,
      data: { planId: row.planId, reason: row.decisionReason },
      entity: row,
    },
  ]);
  if (row.requestedBy && row.requestedBy !== a.id) {
    const ok = row.status === 'approved';
    await notify(tx, [
      {
        userId: row.requestedBy,
        kind: 'plan_revision',
        title: `计划调整${ok ? '已批准' : '未批准'}：${scope.appraiseeName}`,
        titleEn: `Plan revision ${ok ? 'approved' : 'rejected'}: ${scope.appraiseeNameEn ?? scope.appraiseeName}`,
        body: row.decisionReason,
        bodyEn: row.decisionReason,
        entityType: 'plan_revision',
        entityId: row.id,
        planId: row.planId,
      },
    ]);
  }
}

function findNode(tree: IndicatorNodeInput[], code: string): IndicatorNodeInput | undefined {
  for (const n of tree) {
    if (n.code === code) return n;
    const hit = n.children && findNode(n.children, code);
    if (hit) return hit;
  }
  return undefined;
}

const presentRevision = ({ previousTree: _t, ...r }: RevisionRow) => ({
  ...r,
  changes: r.changes,
});

/** Revisions of a plan, newest first, for whoever may read it (the previous tree on request). */
export async function listRevisions(db: Db, actor: Actor | null, planId: string) {
  requireActor(actor);
  await assertCanReadPlan(db, actor, await loadPlanScope(db, planId));
  const rows = await db
    .select()
    .from(planRevisions)
    .where(eq(planRevisions.planId, planId))
    .orderBy(desc(planRevisions.requestedAt));
  return rows.map((r) => ({
    ...presentRevision(r),
    previousTree: r.previousTree,
  }));
}

/** Revisions of the plans of a cycle the actor follows (the office's queue of pending requests). */
export async function cycleRevisions(db: Db, actor: Actor | null, cycleId: string, status?: string) {
  const a = requireActor(actor);
  const visible = (await monitoredPlans(db, { cycleId })).filter((p) => canFollowPlan(a, p));
  if (!visible.length) return [];
  const byId = new Map(visible.map((p) => [p.id, p]));
  const rows = await db
    .select()
    .from(planRevisions)
    .where(
      and(
        inArray(planRevisions.planId, [...byId.keys()]),
        status ? eq(planRevisions.status, status) : undefined,
      ),
    )
    .orderBy(desc(planRevisions.requestedAt));
  return rows.map((r) => ({
    ...presentRevision(r),
    appraiseeName: byId.get(r.planId)!.appraiseeName,
    appraiseeNameEn: byId.get(r.planId)!.appraiseeNameEn,
  }));
}

/** Approved revisions of a published plan for the portal: what changed, why and when. */
export async function publicRevisions(db: DbOrTx, planId: string) {
  const rows = await db
    .select()
    .from(planRevisions)
    .where(and(eq(planRevisions.planId, planId), eq(planRevisions.status, 'approved')))
    .orderBy(asc(planRevisions.decidedAt));
  const nodes = await db
    .select({
      code: indicatorNodes.code,
      name: indicatorNodes.name,
      nameEn: indicatorNodes.nameEn,
      unit: indicatorNodes.unit,
    })
    .from(indicatorNodes)
    .where(eq(indicatorNodes.planId, planId));
  const byCode = new Map(nodes.map((n) => [n.code, n]));
  return rows.map((r) => ({
    id: r.id,
    justification: r.justification,
    decidedAt: r.decidedAt,
    previousVersion: r.previousVersion,
    newVersion: r.newVersion,
    changes: r.changes.map((c) => ({
      ...c,
      name: byCode.get(c.code)?.name ?? c.code,
      nameEn: byCode.get(c.code)?.nameEn ?? null,
      unit: byCode.get(c.code)?.unit ?? null,
    })),
  }));
}

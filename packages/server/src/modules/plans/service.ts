import { and, asc, eq, sql } from 'drizzle-orm';
import { validateTree } from '@perfcommons/domain';
import type { AppraiseeType, IndicatorNodeInput, PlanStatus } from '@perfcommons/contracts';
import type { Db, DbOrTx } from '../../db/client';
import { evaluationTasks, indicatorNodes, orgUnits, people, plans } from '../../db/schema';
import { requireActor, requireOffice, type Actor } from '../../lib/actor';
import { conflict } from '../../lib/errors';
import type { AuditAction } from '../audit/actions';
import { appendAudit, planTreeSnapshot } from '../audit/service';
import { assertCycleNotPublished } from '../cycles/freeze';
import {
  assertCanEditPlan,
  assertCanReadPlan,
  canReadPlanSync,
  loadPlanScope,
  selectPlanScopes,
  toScope,
  ownerView,
  planPermissions,
  awaitsApproval,
  type PlanRow,
  type PlanScope,
} from './access';
import { buildTree, flattenTree } from './tree';
import { assertCommentsAnswered } from '../participation/comments';
import { assertLintPasses, lintPlanTree } from './lint';
import { assertLibraryRefs, storedLibraryRefs } from '../indicators/use-cases';

export const presentPlan = (
  p: PlanRow,
  names?: { appraiseeName: string; appraiseeNameEn: string | null },
) => ({
  id: p.id,
  cycleId: p.cycleId,
  appraiseeType: p.appraiseeType,
  orgUnitId: p.orgUnitId,
  personId: p.personId,
  title: p.title,
  titleEn: p.titleEn,
  status: p.status,
  version: p.version,
  peerGroup: p.peerGroup,
  approvedAt: p.approvedAt,
  overrideReason: p.overrideReason,
  updatedAt: p.updatedAt,
  ...(names ? { appraiseeName: names.appraiseeName, appraiseeNameEn: names.appraiseeNameEn } : {}),
});

export async function loadTree(db: DbOrTx, planId: string): Promise<IndicatorNodeInput[]> {
  const rows = await db.select().from(indicatorNodes).where(eq(indicatorNodes.planId, planId));
  return buildTree(rows);
}

/** Plans of a cycle the actor may read, with appraisee names. */
export async function listPlans(
  db: Db,
  actor: Actor | null,
  opts: { cycleId?: string; appraiseeType?: AppraiseeType; orgUnitId?: string; onlyPublic?: boolean },
) {
  const conds = [];
  if (opts.cycleId) conds.push(eq(plans.cycleId, opts.cycleId));
  if (opts.appraiseeType) conds.push(eq(plans.appraiseeType, opts.appraiseeType));
  if (opts.orgUnitId) conds.push(eq(plans.orgUnitId, opts.orgUnitId));
  if (opts.onlyPublic) conds.push(sql`${plans.status} in ('published_for_comment', 'approved', 'closed')`);
  const rows = await selectPlanScopes(db, conds.length ? and(...conds) : undefined).orderBy(
    asc(plans.appraiseeType),
    asc(orgUnits.path),
    asc(people.code),
  );
  let taskPlans = new Set<string>();
  if (!opts.onlyPublic) {
    const a = requireActor(actor);
    if (a.roles.some((r) => r.role === 'evaluator')) {
      const tasks = await db
        .select({ planId: evaluationTasks.planId })
        .from(evaluationTasks)
        .where(eq(evaluationTasks.raterId, a.id));
      taskPlans = new Set(tasks.map((t) => t.planId));
    }
  }
  return rows
    .filter((r) => opts.onlyPublic || canReadPlanSync(actor, r) || taskPlans.has(r.plan.id))
    .map((r) => {
      const scope = toScope(r);
      if (opts.onlyPublic) return presentPlan(r.plan, scope);
      return { ...presentPlan(r.plan, scope), ...ownerView(scope), can: planPermissions(actor, scope) };
    });
}

export async function getPlan(db: Db, actor: Actor | null, id: string) {
  const scope = await loadPlanScope(db, id);
  await assertCanReadPlan(db, actor, scope);
  return planView(db, actor, scope);
}

/** A plan as staff see it: names, owner and what the actor may do with it. */
export const staffPlanView = (actor: Actor | null, scope: PlanScope) => ({
  ...presentPlan(scope.plan, scope),
  ...ownerView(scope),
  can: planPermissions(actor, scope),
});

async function planView(db: DbOrTx, actor: Actor | null, scope: PlanScope) {
  const tree = await loadTree(db, scope.plan.id);
  return {
    plan: staffPlanView(actor, scope),
    tree,
    problems: validateTree(tree),
    lint: await lintPlanTree(db, scope.plan.cycleId, tree),
  };
}

/**
 * Replaces the indicator tree of a draft plan. The write names the version it started from;
 * a stale version (another official saved meanwhile) is refused with 409, so no edit is lost.
 * A draft may be saved with problems (work in progress); submitting requires none.
 */
export async function saveTree(
  db: Db,
  actor: Actor | null,
  id: string,
  input: { tree: IndicatorNodeInput[]; version: number },
) {
  return db.transaction(async (tx) => {
    const scope = await loadPlanScope(tx, id);
    const a = assertCanEditPlan(actor, scope);
    await assertCycleNotPublished(tx, scope.plan.cycleId);
    if (scope.plan.status !== 'draft')
      throw conflict(`The plan is ${scope.plan.status}; only a draft can be edited`, [
        { path: 'status', message: 'not draft' },
      ]);
    const [updated] = await tx
      .update(plans)
      .set({ version: sql`${plans.version} + 1`, updatedAt: new Date() })
      // Still a draft: a submit committed meanwhile (it bumps the version too) refuses the save.
      .where(and(eq(plans.id, id), eq(plans.version, input.version), eq(plans.status, 'draft')))
      .returning();
    if (!updated)
      throw conflict(
        `The plan was changed by someone else (now version ${scope.plan.version}); reload and apply your edit again`,
        [{ path: 'version', message: `stale: current version is ${scope.plan.version}` }],
        'version_conflict',
      );
    await assertLibraryRefs(tx, input.tree, await storedLibraryRefs(tx, id));
    await tx.delete(indicatorNodes).where(eq(indicatorNodes.planId, id));
    const rows = flattenTree(id, input.tree);
    const codes = new Set<string>();
    const dup = rows.find((r) => (codes.has(r.code) ? true : (codes.add(r.code), false)));
    if (dup) {
      throw conflict(`Indicator code ${dup.code} is used twice`, [
        { path: 'tree', message: `duplicate code ${dup.code}` },
      ]);
    }
    for (let i = 0; i < rows.length; i += 500) await tx.insert(indicatorNodes).values(rows.slice(i, i + 500));
    await appendAudit(tx, [
      { actorId: a.id, action: 'plan.update', entityType: 'plan', entityId: id, entity: updated },
      {
        actorId: a.id,
        action: 'plan.tree.save',
        entityType: 'plan_tree',
        entityId: id,
        data: { version: updated.version, nodes: rows.length },
        entity: await planTreeSnapshot(tx, id),
      },
    ]);
    return planView(tx, a, { ...scope, plan: updated });
  });
}

/** `['A', 'A1']` → `tree.0.children.1`, the same path form as request validation uses. */
function indexPath(tree: IndicatorNodeInput[], codes: string[]): string {
  let path = 'tree';
  let level: IndicatorNodeInput[] | undefined = tree;
  codes.forEach((code, depth) => {
    const i = level?.findIndex((n) => n.code === code) ?? -1;
    path += `${depth ? '.children' : ''}.${i}`;
    level = i >= 0 ? level![i].children : undefined;
  });
  return path;
}

/**
 * Draft → published for public comment; refused while the tree has problems, or while the scientific
 * design checks find errors unless `lintOverride.reason` is given (recorded in the audit entry).
 */
export async function submitPlan(
  db: Db,
  actor: Actor | null,
  id: string,
  input: { lintOverride?: { reason: string } } = {},
) {
  return db.transaction(async (tx) => {
    const scope = await loadPlanScope(tx, id);
    const a = assertCanEditPlan(actor, scope);
    await assertCycleNotPublished(tx, scope.plan.cycleId);
    if (scope.plan.status !== 'draft')
      throw conflict(`The plan is ${scope.plan.status}, not a draft`, [
        { path: 'status', message: 'not draft' },
      ]);
    const tree = await loadTree(tx, id);
    const problems = validateTree(tree);
    if (tree.length === 0 || problems.length) {
      const details = tree.length
        ? problems.map((p) => ({ path: `${indexPath(tree, p.path)}.${p.field}`, message: p.message }))
        : [{ path: 'tree', message: 'the plan has no indicators' }];
      throw conflict('The indicator tree has problems; fix them before submitting', details, 'invalid_tree');
    }
    const findings = await lintPlanTree(tx, scope.plan.cycleId, tree);
    assertLintPasses(findings, input.lintOverride);
    const errors = findings.filter((f) => f.severity === 'error');
    return setStatus(
      tx,
      a,
      scope,
      'published_for_comment',
      'plan.submit',
      {},
      errors.length && input.lintOverride
        ? {
            lintOverride: {
              reason: input.lintOverride.reason,
              findings: errors.map((f) => ({ code: f.code, indicatorCode: f.indicatorCode })),
            },
          }
        : {},
    );
  });
}

/** Published → approved, by the performance office; unanswered public comments block it unless overridden with a reason. */
export async function approvePlan(
  db: Db,
  actor: Actor | null,
  id: string,
  input: { overrideReason?: string },
) {
  const a = requireOffice(actor, 'Approving a plan');
  return db.transaction(async (tx) => {
    const scope = await loadPlanScope(tx, id);
    await assertCycleNotPublished(tx, scope.plan.cycleId);
    if (!awaitsApproval(scope.plan))
      throw conflict(`The plan is ${scope.plan.status}; it must be published for comment first`, [
        { path: 'status', message: 'not published_for_comment' },
      ]);
    await assertCommentsAnswered(tx, id, input.overrideReason);
    return setStatus(tx, a, scope, 'approved', 'plan.approve', {
      approvedAt: new Date(),
      approvedBy: a.id,
      overrideReason: input.overrideReason ?? null,
    });
  });
}

async function setStatus(
  tx: DbOrTx,
  a: Actor,
  scope: PlanScope,
  status: PlanStatus,
  action: AuditAction,
  extra: Partial<PlanRow> = {},
  auditData: Record<string, unknown> = {},
) {
  await assertCycleNotPublished(tx, scope.plan.cycleId);
  // Conditional on the status read: of two concurrent changes the later finds it moved (409). The
  // version moves too, so a tree save that started from the draft is refused after a submit.
  const [updated] = await tx
    .update(plans)
    .set({ status, updatedAt: new Date(), version: sql`${plans.version} + 1`, ...extra })
    .where(and(eq(plans.id, scope.plan.id), eq(plans.status, scope.plan.status)))
    .returning();
  if (!updated)
    throw conflict(
      `The plan was changed by someone else meanwhile (it was ${scope.plan.status}); reload it`,
      [{ path: 'status', message: `stale: was ${scope.plan.status}` }],
      'version_conflict',
    );
  await appendAudit(tx, [
    {
      actorId: a.id,
      action,
      entityType: 'plan',
      entityId: updated.id,
      data: { from: scope.plan.status, to: status, ...auditData },
      entity: updated,
    },
  ]);
  return staffPlanView(a, { ...scope, plan: updated });
}

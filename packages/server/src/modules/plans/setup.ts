import { and, eq } from 'drizzle-orm';
import type { BulkCreatePlansInput, CreatePlanInput, IndicatorNodeInput } from '@perfcommons/contracts';
import type { Db, DbOrTx } from '../../db/client';
import { indicatorNodes, orgUnits, people, plans } from '../../db/schema';
import { requireOffice, type Actor } from '../../lib/actor';
import { badRequest, conflict, isUniqueViolation } from '../../lib/errors';
import { appendAudit, planTreeSnapshot, type AuditEntryInput } from '../audit/service';
import { isPlanSetupStage, type CycleRow } from '../cycles/service';
import type { TemplateAppraisee } from './templates';
import { activeUser, defaultOwners } from './owners';
import { lockCycle, planSummary } from './setup-common';
import {
  carryTargetsAsBaselines,
  findAppraisees,
  keyOf,
  nameOf,
  planTitle,
  resolveSource,
  type Appraisee,
  type ResolvedSource,
  unitAppraisee,
} from './setup-sources';
import { flattenTree } from './tree';

function assertSetupStage(c: CycleRow) {
  if (!isPlanSetupStage(c.stage))
    throw conflict(
      `Plans are set up in mission analysis or planning; the cycle is in ${c.stage}`,
      [{ path: 'cycleId', message: `stage is ${c.stage}` }],
      'wrong_stage',
    );
}

export type SetupOutcome = {
  appraiseeType: TemplateAppraisee;
  orgUnitId: string;
  personId: string | null;
  appraiseeName: string;
  appraiseeNameEn: string | null;
  /** created, exists (a plan was there already: left as it was) or skipped (see reason). */
  outcome: 'created' | 'exists' | 'skipped';
  planId?: string;
  title?: string;
  titleEn?: string | null;
  /** How the tree was made: from a template, or copied from the earlier cycle's plan. */
  source?: 'template' | 'copy';
  templateId?: string;
  /** The earlier plan copied. */
  fromPlanId?: string;
  /** Copy requested, but the appraisee had no plan in that cycle: the fallback template was used. */
  fallback?: boolean;
  /** Leaves whose target the owner must set (copies: the old target is now the baseline). */
  targetsToSet?: number;
  ownerId?: string | null;
  owner?: { id: string; username: string; displayName: string; displayNameEn: string | null } | null;
  /** no_peer_group: the unit has no peer group to be ranked in; no_earlier_plan: nothing to copy, no fallback. */
  reason?: 'no_peer_group' | 'no_earlier_plan';
};

/**
 * Creates the plans of the given appraisees that do not exist yet, all in the caller's transaction:
 * trees from the source, default owners, generated titles, audit entries (plan.create, plan.tree.save).
 */
async function createPlans(
  tx: DbOrTx,
  a: Actor,
  cycle: CycleRow,
  list: Appraisee[],
  source: ResolvedSource,
  owners: Map<
    string,
    { id: string; username: string; displayName: string; displayNameEn: string | null } | null
  >,
): Promise<SetupOutcome[]> {
  const existing = list.length
    ? await tx
        .select({
          id: plans.id,
          orgUnitId: plans.orgUnitId,
          personId: plans.personId,
          title: plans.title,
          titleEn: plans.titleEn,
        })
        .from(plans)
        .where(and(eq(plans.cycleId, cycle.id), eq(plans.appraiseeType, list[0].appraiseeType)))
    : [];
  const existingBy = new Map(existing.map((p) => [keyOf(list[0].appraiseeType, p.orgUnitId, p.personId), p]));
  const outcomes: SetupOutcome[] = [];
  const toCreate: { x: Appraisee; out: SetupOutcome; tree: IndicatorNodeInput[] }[] = [];
  for (const x of list) {
    const base = {
      appraiseeType: x.appraiseeType,
      orgUnitId: x.orgUnitId,
      personId: x.personId,
      ...nameOf(x),
    };
    const found = existingBy.get(keyOf(x.appraiseeType, x.orgUnitId, x.personId));
    if (found) {
      outcomes.push({
        ...base,
        outcome: 'exists',
        planId: found.id,
        title: found.title,
        titleEn: found.titleEn,
      });
      continue;
    }
    if (!x.peerGroup) {
      outcomes.push({ ...base, outcome: 'skipped', reason: 'no_peer_group' });
      continue;
    }
    const prev = source.earlier?.get(keyOf(x.appraiseeType, x.orgUnitId, x.personId));
    let out: SetupOutcome;
    let tree: IndicatorNodeInput[];
    if (prev) {
      const carried = carryTargetsAsBaselines(prev.tree);
      tree = carried.tree;
      out = {
        ...base,
        outcome: 'created',
        source: 'copy',
        fromPlanId: prev.planId,
        targetsToSet: carried.targetsToSet,
      };
    } else if (source.template) {
      tree = source.template.tree();
      out = {
        ...base,
        outcome: 'created',
        source: 'template',
        templateId: source.template.id,
        ...(source.earlier ? { fallback: true } : {}),
        targetsToSet: 0,
      };
    } else {
      outcomes.push({ ...base, outcome: 'skipped', reason: 'no_earlier_plan' });
      continue;
    }
    toCreate.push({ x, out, tree });
    outcomes.push(out);
  }
  if (!toCreate.length) return outcomes;

  let created: (typeof plans.$inferSelect)[] = [];
  try {
    for (let i = 0; i < toCreate.length; i += 500) {
      const rows = await tx
        .insert(plans)
        .values(
          toCreate.slice(i, i + 500).map(({ x }) => ({
            cycleId: cycle.id,
            appraiseeType: x.appraiseeType,
            orgUnitId: x.orgUnitId,
            personId: x.personId,
            ...planTitle(cycle, x.person ? { ...x, person: x.person } : { ...x, person: null }),
            status: 'draft' as const,
            peerGroup: x.peerGroup!,
            ownerId: owners.get(x.orgUnitId)?.id ?? null,
          })),
        )
        .returning();
      created = created.concat(rows);
    }
  } catch (err) {
    if (isUniqueViolation(err))
      throw conflict('A plan of one of these appraisees was created meanwhile; run the set-up again', [
        { path: 'cycleId', message: 'concurrent plan creation' },
      ]);
    throw err;
  }
  const nodeRows = created.flatMap((p, i) => flattenTree(p.id, toCreate[i].tree));
  for (let i = 0; i < nodeRows.length; i += 500)
    await tx.insert(indicatorNodes).values(nodeRows.slice(i, i + 500));
  const audit: AuditEntryInput[] = [];
  for (const [i, p] of created.entries()) {
    const { out } = toCreate[i];
    out.planId = p.id;
    out.title = p.title;
    out.titleEn = p.titleEn;
    out.ownerId = p.ownerId;
    out.owner = owners.get(p.orgUnitId) ?? null;
    audit.push(
      {
        actorId: a.id,
        action: 'plan.create',
        entityType: 'plan',
        entityId: p.id,
        data: {
          source: out.source,
          templateId: out.templateId ?? null,
          fromPlanId: out.fromPlanId ?? null,
          ownerId: p.ownerId,
        },
        entity: p,
      },
      {
        actorId: a.id,
        action: 'plan.tree.save',
        entityType: 'plan_tree',
        entityId: p.id,
        data: { version: p.version, nodes: nodeRows.filter((n) => n.planId === p.id).length },
        entity: await planTreeSnapshot(tx, p.id),
      },
    );
  }
  await appendAudit(tx, audit);
  return outcomes;
}

const count = (outcomes: SetupOutcome[], o: SetupOutcome['outcome']) =>
  outcomes.filter((x) => x.outcome === o).length;

/**
 * Bulk plan set-up of a cycle (office only, mission analysis or planning): a draft plan for every
 * appraisee of the target that has none, its tree from a template or copied from the same appraisee's
 * plan in an earlier cycle (targets carried as baselines, see {@link carryTargetsAsBaselines}), falling
 * back to a template for appraisees that had no plan there. Existing plans are left alone and reported
 * (`exists`), so a re-run creates only what is missing. One transaction, the cycle row locked (two
 * concurrent set-ups of one cycle run one after the other), audited per plan and as a whole.
 */
export async function bulkCreatePlans(db: Db, actor: Actor | null, input: BulkCreatePlansInput) {
  const a = requireOffice(actor, 'Setting up plans');
  return db.transaction(async (tx) => {
    const cycle = await lockCycle(tx, input.cycleId);
    assertSetupStage(cycle);
    const type = input.target.appraiseeType;
    const source = await resolveSource(tx, cycle, input.source, type);
    const list = await findAppraisees(tx, cycle, input.target);
    const owners = await defaultOwners(tx, [...new Set(list.map((x) => x.orgUnitId))]);
    const items = await createPlans(tx, a, cycle, list, source, owners);
    const summary = {
      created: count(items, 'created'),
      existing: count(items, 'exists'),
      skipped: count(items, 'skipped'),
      withoutOwner: items.filter((x) => x.outcome === 'created' && !x.ownerId).length,
    };
    await appendAudit(tx, [
      {
        actorId: a.id,
        action: 'plan.bulk_create',
        entityType: 'cycle',
        entityId: cycle.id,
        data: { target: input.target, source: input.source, ...summary },
      },
    ]);
    return { cycleId: cycle.id, ...summary, items };
  });
}

/**
 * One plan (office only, mission analysis or planning), from a template or copied from an earlier
 * cycle (without a fallback template, an appraisee with no plan there is a 400). 409 when the
 * appraisee already has a plan in the cycle. Owner: `ownerId` when given (null: none), else the default.
 */
export async function createPlan(db: Db, actor: Actor | null, input: CreatePlanInput) {
  const a = requireOffice(actor, 'Creating a plan');
  const result = await db.transaction(async (tx) => {
    const cycle = await lockCycle(tx, input.cycleId);
    assertSetupStage(cycle);
    let x: Appraisee;
    if (input.appraiseeType === 'unit') {
      const [u] = await tx.select().from(orgUnits).where(eq(orgUnits.id, input.orgUnitId));
      if (!u) throw badRequest('No such org unit', [{ path: 'orgUnitId', message: 'unknown org unit' }]);
      if (!u.parentId)
        throw badRequest('The government itself is not appraised', [
          { path: 'orgUnitId', message: 'root unit' },
        ]);
      x = unitAppraisee(u);
    } else {
      const [row] = await tx
        .select({ p: people, u: orgUnits })
        .from(people)
        .innerJoin(orgUnits, eq(orgUnits.id, people.orgUnitId))
        .where(eq(people.id, input.personId));
      if (!row) throw badRequest('No such person', [{ path: 'personId', message: 'unknown person' }]);
      const { p, u } = row;
      if ((p.termStart && p.termStart > cycle.periodEnd) || (p.termEnd && p.termEnd < cycle.periodStart))
        throw badRequest(`The term of ${p.name} does not overlap the cycle period`, [
          { path: 'personId', message: 'term outside the cycle period' },
        ]);
      x = {
        appraiseeType: 'cadre',
        orgUnitId: u.id,
        personId: p.id,
        peerGroup: u.peerGroup,
        unitName: u.name,
        unitNameEn: u.nameEn,
        person: { name: p.name, nameEn: p.nameEn, position: p.position, positionEn: p.positionEn },
      };
    }
    if (!x.peerGroup)
      throw badRequest('The unit has no peer group to rank the plan in; set one first', [
        { path: input.appraiseeType === 'unit' ? 'orgUnitId' : 'personId', message: 'no peer group' },
      ]);
    const source = await resolveSource(tx, cycle, input.source, x.appraiseeType, x);
    const owners =
      input.ownerId === undefined
        ? await defaultOwners(tx, [x.orgUnitId])
        : new Map([[x.orgUnitId, input.ownerId === null ? null : await activeUser(tx, input.ownerId)]]);
    const [out] = await createPlans(tx, a, cycle, [x], source, owners);
    if (out.outcome === 'exists')
      throw conflict(
        'This appraisee already has a plan in the cycle',
        [
          {
            path: input.appraiseeType === 'unit' ? 'orgUnitId' : 'personId',
            message: `plan ${out.planId} exists`,
          },
        ],
        'plan_exists',
      );
    if (out.outcome === 'skipped')
      throw badRequest('The appraisee has no plan in the cycle to copy from; name a fallback template', [
        { path: 'source.fallbackTemplate', message: 'no earlier plan' },
      ]);
    return out;
  });
  return { outcome: result, ...(await planSummary(db, a, result.planId!)) };
}

import { and, asc, eq, inArray, isNotNull, isNull, lte, gte, or, type SQL } from 'drizzle-orm';
import type {
  BulkCreatePlansInput,
  CreatePlanInput,
  IndicatorNodeInput,
  PlanSource,
} from '@perfcommons/contracts';
import type { Db, DbOrTx } from '../../db/client';
import { indicatorNodes, orgUnits, people, plans, roleAssignments, users } from '../../db/schema';
import { requireOffice, type Actor } from '../../lib/actor';
import { AppError, badRequest, conflict, isUniqueViolation, type ErrorDetail } from '../../lib/errors';
import { appendAudit, planTreeSnapshot, type AuditEntryInput } from '../audit/service';
import { getCycle, type CycleRow } from '../cycles/service';
import { loadPlanScope } from './access';
import { approvePlan, staffPlanView } from './service';
import { findTemplate, PLAN_TEMPLATES, type PlanTemplate, type TemplateAppraisee } from './templates';
import { buildTree, flattenTree, leaves } from './tree';

/** Stages in which the office sets up a cycle's plans. */
export const SETUP_STAGES = ['mission_analysis', 'planning'] as const;

/** The templates the office picks from, each with its tree. */
export function listTemplates() {
  return PLAN_TEMPLATES.map((t) => {
    const tree = t.tree();
    return {
      id: t.id,
      appraiseeTypes: t.appraiseeTypes,
      name: t.name,
      nameEn: t.nameEn,
      description: t.description,
      descriptionEn: t.descriptionEn,
      /** Number of scored leaves. */
      leaves: leaves(tree).length,
      tree,
    };
  });
}

/**
 * A copied tree for the next cycle: each leaf's target becomes its baseline.
 * - node `target` → node `baseline`; the node's target is cleared for the owner to set;
 * - a linear rule's old target becomes its baseline, and its target stays at that value, which the
 *   tree validation reports (`ruleTarget`) until the owner sets a target beyond it, so such a plan
 *   cannot be submitted with last cycle's target;
 * - ratio rules keep their target (a completion rate's target, often 100%, is the attainment
 *   denominator and usually carries over); banded, pass/fail, rating and per-unit rules are unchanged.
 * Returns the tree and how many leaves need a new target.
 */
export function carryTargetsAsBaselines(tree: IndicatorNodeInput[]): {
  tree: IndicatorNodeInput[];
  targetsToSet: number;
} {
  let targetsToSet = 0;
  const walk = (nodes: IndicatorNodeInput[]): IndicatorNodeInput[] =>
    nodes.map((n) => {
      if (n.children?.length) return { ...n, children: walk(n.children) };
      const out: IndicatorNodeInput = { ...n };
      const rule = n.rule;
      if (rule?.type === 'linear') {
        out.rule = { ...rule, baseline: rule.target };
        out.baseline = rule.target;
        delete out.target;
        targetsToSet++;
      } else if (n.target !== undefined) {
        out.baseline = n.target;
        if (rule?.type !== 'ratio') delete out.target;
      }
      return out;
    });
  return { tree: walk(tree), targetsToSet };
}

/** The year label of plan titles: 2026年度 / 2021—2025年任期 / the cycle's name. */
function periodLabel(c: CycleRow): { zh: string; en: string } {
  const y1 = c.periodStart.slice(0, 4);
  const y2 = c.periodEnd.slice(0, 4);
  if (c.type === 'annual') return { zh: `${y1}年度`, en: y1 };
  if (c.type === 'term') return { zh: `${y1}—${y2}年任期`, en: `${y1}–${y2} term` };
  return { zh: `${c.name}`, en: c.nameEn ?? c.name };
}

/** Plan titles, e.g. 市教育局2026年度绩效计划, 张伟（局长）2026年度考核计划. */
export function planTitle(
  c: CycleRow,
  a: { unitName: string; unitNameEn: string | null } & (
    | { person: null }
    | { person: { name: string; nameEn: string | null; position: string; positionEn: string | null } }
  ),
): { title: string; titleEn: string } {
  const label = periodLabel(c);
  if (a.person) {
    const p = a.person;
    return {
      title: `${p.name}（${p.position}）${label.zh}考核计划`,
      titleEn: `${p.nameEn ?? p.name} (${p.positionEn ?? p.position}) ${label.en} appraisal plan`,
    };
  }
  return {
    title: `${a.unitName.replace('人民政府', '')}${label.zh}绩效计划`,
    titleEn: `${a.unitNameEn ?? a.unitName} ${label.en} performance plan`,
  };
}

/** One appraisee a set-up considers. */
interface Appraisee {
  appraiseeType: TemplateAppraisee;
  orgUnitId: string;
  personId: string | null;
  peerGroup: string | null;
  unitName: string;
  unitNameEn: string | null;
  person: { name: string; nameEn: string | null; position: string; positionEn: string | null } | null;
}

const nameOf = (x: Appraisee) => ({
  appraiseeName: x.person?.name ?? x.unitName,
  appraiseeNameEn: x.person ? x.person.nameEn : x.unitNameEn,
});

function assertSetupStage(c: CycleRow) {
  if (!(SETUP_STAGES as readonly string[]).includes(c.stage))
    throw conflict(
      `Plans are set up in mission analysis or planning; the cycle is in ${c.stage}`,
      [{ path: 'cycleId', message: `stage is ${c.stage}` }],
      'wrong_stage',
    );
}

function templateFor(id: string, type: TemplateAppraisee, path: string): PlanTemplate {
  const t = findTemplate(id);
  if (!t) throw badRequest(`No template ${id}`, [{ path, message: `unknown template ${id}` }]);
  if (!t.appraiseeTypes.includes(type))
    throw badRequest(`Template ${id} is for ${t.appraiseeTypes.join(' and ')} plans, not ${type} plans`, [
      { path, message: `not a ${type} template` },
    ]);
  return t;
}

/** Validated source: the template, or the earlier cycle's plans of this appraisee type with their trees. */
interface ResolvedSource {
  template?: PlanTemplate;
  fromCycle?: CycleRow;
  /** Earlier plans by appraisee key (`unit:<orgUnitId>` or `cadre:<personId>`). */
  earlier?: Map<string, { planId: string; tree: IndicatorNodeInput[] }>;
}

const keyOf = (type: string, orgUnitId: string, personId: string | null) =>
  type === 'cadre' ? `cadre:${personId}` : `unit:${orgUnitId}`;

async function resolveSource(
  tx: DbOrTx,
  cycle: CycleRow,
  source: PlanSource,
  type: TemplateAppraisee,
  only?: { orgUnitId: string; personId: string | null },
): Promise<ResolvedSource> {
  if (source.kind === 'template') return { template: templateFor(source.template, type, 'source.template') };
  const template = source.fallbackTemplate
    ? templateFor(source.fallbackTemplate, type, 'source.fallbackTemplate')
    : undefined;
  if (source.fromCycleId === cycle.id)
    throw badRequest('Plans are copied from an earlier cycle, not from the same one', [
      { path: 'source.fromCycleId', message: 'same cycle' },
    ]);
  let fromCycle: CycleRow;
  try {
    fromCycle = await getCycle(tx, source.fromCycleId);
  } catch {
    throw badRequest('No such cycle to copy from', [
      { path: 'source.fromCycleId', message: 'unknown cycle' },
    ]);
  }
  if (fromCycle.periodStart >= cycle.periodStart)
    throw badRequest(
      `Cycle ${fromCycle.code} does not start before ${cycle.code}; copy from an earlier cycle`,
      [{ path: 'source.fromCycleId', message: 'not an earlier cycle' }],
    );
  const conds: SQL[] = [eq(plans.cycleId, fromCycle.id), eq(plans.appraiseeType, type)];
  if (only)
    conds.push(type === 'cadre' ? eq(plans.personId, only.personId!) : eq(plans.orgUnitId, only.orgUnitId));
  if (type === 'unit') conds.push(isNull(plans.personId));
  const earlierPlans = await tx
    .select({ id: plans.id, orgUnitId: plans.orgUnitId, personId: plans.personId })
    .from(plans)
    .where(and(...conds))
    .orderBy(asc(plans.createdAt));
  const nodes = earlierPlans.length
    ? await tx
        .select()
        .from(indicatorNodes)
        .where(
          inArray(
            indicatorNodes.planId,
            earlierPlans.map((p) => p.id),
          ),
        )
    : [];
  const nodesOf = new Map<string, (typeof nodes)[number][]>();
  for (const n of nodes) nodesOf.set(n.planId, [...(nodesOf.get(n.planId) ?? []), n]);
  const earlier = new Map<string, { planId: string; tree: IndicatorNodeInput[] }>();
  // A cadre with two plans in the earlier cycle (moved units): the later one is copied.
  for (const p of earlierPlans)
    earlier.set(keyOf(type, p.orgUnitId, p.personId), {
      planId: p.id,
      tree: buildTree(nodesOf.get(p.id) ?? []),
    });
  return { template, fromCycle, earlier };
}

/** Units below the root (the government itself is not appraised), or cadres whose term overlaps the period. */
async function findAppraisees(
  tx: DbOrTx,
  cycle: CycleRow,
  target: BulkCreatePlansInput['target'],
): Promise<Appraisee[]> {
  if (target.appraiseeType === 'unit') {
    const rows = await tx
      .select()
      .from(orgUnits)
      .where(
        and(
          isNotNull(orgUnits.parentId),
          target.peerGroup ? eq(orgUnits.peerGroup, target.peerGroup) : undefined,
        ),
      )
      .orderBy(asc(orgUnits.path));
    return rows.map((u) => ({
      appraiseeType: 'unit',
      orgUnitId: u.id,
      personId: null,
      peerGroup: u.peerGroup,
      unitName: u.name,
      unitNameEn: u.nameEn,
      person: null,
    }));
  }
  const rows = await tx
    .select({ p: people, u: orgUnits })
    .from(people)
    .innerJoin(orgUnits, eq(orgUnits.id, people.orgUnitId))
    .where(
      and(
        or(isNull(people.termStart), lte(people.termStart, cycle.periodEnd)),
        or(isNull(people.termEnd), gte(people.termEnd, cycle.periodStart)),
        target.peerGroup ? eq(orgUnits.peerGroup, target.peerGroup) : undefined,
      ),
    )
    .orderBy(asc(orgUnits.path), asc(people.code));
  return rows.map(({ p, u }) => ({
    appraiseeType: 'cadre',
    orgUnitId: u.id,
    personId: p.id,
    peerGroup: u.peerGroup,
    unitName: u.name,
    unitNameEn: u.nameEn,
    person: { name: p.name, nameEn: p.nameEn, position: p.position, positionEn: p.positionEn },
  }));
}

/** Default owners: per unit, its unit manager when it has exactly one active one (assigned on the unit itself). */
async function defaultOwners(tx: DbOrTx, unitIds: string[]) {
  const owners = new Map<
    string,
    { id: string; username: string; displayName: string; displayNameEn: string | null }
  >();
  if (!unitIds.length) return owners;
  const rows = await tx
    .select({
      orgUnitId: roleAssignments.orgUnitId,
      id: users.id,
      username: users.username,
      displayName: users.displayName,
      displayNameEn: users.displayNameEn,
    })
    .from(roleAssignments)
    .innerJoin(users, eq(users.id, roleAssignments.userId))
    .where(
      and(
        eq(roleAssignments.role, 'unit_manager'),
        inArray(roleAssignments.orgUnitId, unitIds),
        eq(users.disabled, false),
      ),
    );
  const byUnit = new Map<string, typeof rows>();
  for (const r of rows) byUnit.set(r.orgUnitId!, [...(byUnit.get(r.orgUnitId!) ?? []), r]);
  for (const [unit, list] of byUnit) if (list.length === 1) owners.set(unit, list[0]);
  return owners;
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
            status: 'draft',
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

async function lockCycle(tx: DbOrTx, id: string) {
  try {
    return await getCycle(tx, id, { forUpdate: true });
  } catch (err) {
    if (err instanceof AppError && err.statusCode === 404)
      throw badRequest('No such cycle', [{ path: 'cycleId', message: 'unknown cycle' }]);
    throw err;
  }
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
      x = {
        appraiseeType: 'unit',
        orgUnitId: u.id,
        personId: null,
        peerGroup: u.peerGroup,
        unitName: u.name,
        unitNameEn: u.nameEn,
        person: null,
      };
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

async function planSummary(db: DbOrTx, actor: Actor | null, planId: string) {
  return { plan: staffPlanView(actor, await loadPlanScope(db, planId)) };
}

async function activeUser(tx: DbOrTx, id: string, path = 'ownerId') {
  const [u] = await tx
    .select({
      id: users.id,
      username: users.username,
      displayName: users.displayName,
      displayNameEn: users.displayNameEn,
      disabled: users.disabled,
    })
    .from(users)
    .where(eq(users.id, id));
  if (!u || u.disabled)
    throw badRequest(u ? 'The account is disabled' : 'No such user', [
      { path, message: u ? 'disabled account' : 'unknown user' },
    ]);
  const { disabled: _, ...owner } = u;
  return owner;
}

/** Sets or clears the owner of one plan (office only; any stage until the plan is closed). */
export async function setPlanOwner(
  db: Db,
  actor: Actor | null,
  id: string,
  input: { ownerId: string | null },
) {
  const a = requireOffice(actor, 'Assigning plan owners');
  await db.transaction(async (tx) => {
    const scope = await loadPlanScope(tx, id);
    if (scope.plan.status === 'closed')
      throw conflict('The plan is closed', [{ path: 'status', message: 'closed' }]);
    if (input.ownerId) await activeUser(tx, input.ownerId);
    if (scope.plan.ownerId === input.ownerId) return;
    const [updated] = await tx
      .update(plans)
      .set({ ownerId: input.ownerId, updatedAt: new Date() })
      .where(eq(plans.id, id))
      .returning();
    await appendAudit(tx, [
      {
        actorId: a.id,
        action: 'plan.owner.set',
        entityType: 'plan',
        entityId: id,
        data: { from: scope.plan.ownerId, to: input.ownerId },
        entity: updated,
      },
    ]);
  });
  return planSummary(db, a, id);
}

/**
 * Assigns the default owner (the unit's only unit manager) to every plan of a cycle that has none.
 * Plans whose unit has no or several unit managers stay without owner and are counted.
 */
export async function assignDefaultOwners(db: Db, actor: Actor | null, cycleId: string) {
  const a = requireOffice(actor, 'Assigning plan owners');
  return db.transaction(async (tx) => {
    const cycle = await lockCycle(tx, cycleId);
    const rows = await tx
      .select()
      .from(plans)
      .where(
        and(
          eq(plans.cycleId, cycle.id),
          isNull(plans.ownerId),
          inArray(plans.status, ['draft', 'published_for_comment', 'approved']),
        ),
      );
    const owners = await defaultOwners(tx, [...new Set(rows.map((p) => p.orgUnitId))]);
    const audit: AuditEntryInput[] = [];
    for (const p of rows) {
      const owner = owners.get(p.orgUnitId);
      if (!owner) continue;
      const [updated] = await tx
        .update(plans)
        .set({ ownerId: owner.id, updatedAt: new Date() })
        .where(eq(plans.id, p.id))
        .returning();
      audit.push({
        actorId: a.id,
        action: 'plan.owner.set',
        entityType: 'plan',
        entityId: p.id,
        data: { from: null, to: owner.id, default: true },
        entity: updated,
      });
    }
    await appendAudit(tx, audit);
    return { assigned: audit.length, withoutOwner: rows.length - audit.length };
  });
}

export type ApproveOutcome =
  | { planId: string; outcome: 'approved'; plan: Awaited<ReturnType<typeof approvePlan>> }
  | { planId: string; outcome: 'refused'; error: string; message: string; details: ErrorDetail[] };

/**
 * Approves many plans, each exactly as {@link approvePlan} does (published for comment; unanswered
 * comments need the override reason) and each in its own transaction: approval is a decision on one
 * plan, so a plan that passes is approved even when another is refused. The outcome per plan, in
 * the order asked; the same plan named twice is decided once.
 */
export async function bulkApprovePlans(
  db: Db,
  actor: Actor | null,
  input: { planIds: string[]; overrideReason?: string },
) {
  requireOffice(actor, 'Approving plans');
  const items: ApproveOutcome[] = [];
  for (const planId of [...new Set(input.planIds)]) {
    try {
      const plan = await approvePlan(db, actor, planId, { overrideReason: input.overrideReason });
      items.push({ planId, outcome: 'approved', plan });
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      items.push({
        planId,
        outcome: 'refused',
        error: err.error,
        message: err.message,
        details: err.details,
      });
    }
  }
  return {
    approved: items.filter((i) => i.outcome === 'approved').length,
    refused: items.filter((i) => i.outcome === 'refused').length,
    items,
  };
}

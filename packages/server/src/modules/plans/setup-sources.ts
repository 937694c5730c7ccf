/**
 * Where a cycle's plans come from: the templates, an earlier cycle's plans (targets carried as baselines),
 * the appraisees a set-up considers, and plan titles.
 */
import { and, asc, eq, inArray, isNotNull, isNull, lte, gte, or, type SQL } from 'drizzle-orm';
import type { BulkCreatePlansInput, IndicatorNodeInput, PlanSource } from '@perfcommons/contracts';
import type { DbOrTx } from '../../db/client';
import { indicatorNodes, orgUnits, people, plans } from '../../db/schema';
import { badRequest } from '../../lib/errors';
import { getCycle, type CycleRow } from '../cycles/service';
import { findTemplate, PLAN_TEMPLATES, type PlanTemplate, type TemplateAppraisee } from './templates';
import { buildTree, leaves } from './tree';

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
export function periodLabel(c: CycleRow): { zh: string; en: string } {
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
export interface Appraisee {
  appraiseeType: TemplateAppraisee;
  orgUnitId: string;
  personId: string | null;
  peerGroup: string | null;
  unitName: string;
  unitNameEn: string | null;
  person: { name: string; nameEn: string | null; position: string; positionEn: string | null } | null;
}

export const nameOf = (x: Appraisee) => ({
  appraiseeName: x.person?.name ?? x.unitName,
  appraiseeNameEn: x.person ? x.person.nameEn : x.unitNameEn,
});

/** An org unit as the appraisee of a unit plan. */
export const unitAppraisee = (u: {
  id: string;
  peerGroup: string | null;
  name: string;
  nameEn: string | null;
}): Appraisee => ({
  appraiseeType: 'unit',
  orgUnitId: u.id,
  personId: null,
  peerGroup: u.peerGroup,
  unitName: u.name,
  unitNameEn: u.nameEn,
  person: null,
});

export function templateFor(id: string, type: TemplateAppraisee, path: string): PlanTemplate {
  const t = findTemplate(id);
  if (!t) throw badRequest(`No template ${id}`, [{ path, message: `unknown template ${id}` }]);
  if (!t.appraiseeTypes.includes(type))
    throw badRequest(`Template ${id} is for ${t.appraiseeTypes.join(' and ')} plans, not ${type} plans`, [
      { path, message: `not a ${type} template` },
    ]);
  return t;
}

/** Validated source: the template, or the earlier cycle's plans of this appraisee type with their trees. */
export interface ResolvedSource {
  template?: PlanTemplate;
  fromCycle?: CycleRow;
  /** Earlier plans by appraisee key (`unit:<orgUnitId>` or `cadre:<personId>`). */
  earlier?: Map<string, { planId: string; tree: IndicatorNodeInput[] }>;
}

export const keyOf = (type: string, orgUnitId: string, personId: string | null) =>
  type === 'cadre' ? `cadre:${personId}` : `unit:${orgUnitId}`;

export async function resolveSource(
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
export async function findAppraisees(
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
    return rows.map((u) => unitAppraisee(u));
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

import { count, eq } from 'drizzle-orm';
import type { IndicatorNodeInput, PlanStatus, Role } from '@perfcommons/contracts';
import { mulberry32, type SubjectType } from '@perfcommons/domain';
import type { Db } from '../db/client';
import {
  actualValues,
  cycleRuleVersions,
  cycles,
  evaluationTasks,
  indicatorNodes,
  orgUnits,
  people,
  plans,
  ratings,
  roleAssignments,
  users,
} from '../db/schema';
import { hashPassword } from '../modules/auth/password';
import {
  appendAudit,
  auditBaseline,
  planTreeSnapshot,
  sealAudit,
  type AuditEntryInput,
} from '../modules/audit/service';
import { computeCycleResults, publishResults } from '../modules/results/service';
import { flattenTree, leaves } from '../modules/plans/tree';
import { systemActor } from '../lib/system';
import { CycleRulesSchema, DEFAULT_CONSEQUENCE_RULES } from '../modules/evaluation/rules';
import { CITY, DEPARTMENTS, DISTRICTS, GIVEN, SURNAMES, type UnitSpec } from './city-data';
import { cadreTree, departmentTree, districtTree } from './templates';
import { seedSurveys } from '../modules/surveys/seed';
import { seedParticipation } from '../modules/participation/seed';
import { seedMonitoring } from '../modules/monitoring/seed';
import { linkLibrary, seedIndicators } from '../modules/indicators/seed';
import { seedLinkage } from '../modules/linkage/seed';

/** Password of every demo account. */
export const DEMO_PASSWORD = 'demo1234';
const SEED = 20251231;

export async function isEmpty(db: Db): Promise<boolean> {
  const [{ n }] = await db.select({ n: count() }).from(users);
  return n === 0;
}

type UserRow = typeof users.$inferSelect;
type Unit = UnitSpec & { id: string; kind: 'department' | 'district' };

/**
 * Loads the demo city 江宁市: 30 departments and 8 districts in peer groups, 152 leading cadres,
 * the 2025 annual cycle with approved plans, verified values, ratings and published results, the
 * 2021–2025 term cycle in evaluation (open rating tasks), and the 2026 annual cycle in planning.
 */
export async function seedDemoCity(db: Db, opts: { progress?: (step: string) => void } = {}) {
  const progress = opts.progress ?? (() => undefined);
  progress('accounts, units, cadres, cycles, plans, values and ratings');
  const random = mulberry32(SEED);
  const between = (lo: number, hi: number) => lo + (hi - lo) * random();
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  const sys = systemActor();

  const ids = await db.transaction(async (tx) => {
    const audit: AuditEntryInput[] = [];
    // Org tree.
    const [city] = await tx
      .insert(orgUnits)
      .values({ code: CITY.code, name: CITY.name, nameEn: CITY.nameEn, kind: 'government', path: '/city/' })
      .returning();
    await tx.insert(orgUnits).values({
      code: 'po',
      name: '市政府绩效管理办公室',
      nameEn: 'Performance Management Office',
      kind: 'department',
      parentId: city.id,
      path: '/city/po/',
    });
    const units: Unit[] = [];
    for (const [list, kind] of [
      [DEPARTMENTS, 'department'],
      [DISTRICTS, 'district'],
    ] as const) {
      const rows = await tx
        .insert(orgUnits)
        .values(
          list.map((u) => ({
            code: u.code,
            name: u.name,
            nameEn: u.nameEn,
            kind,
            parentId: city.id,
            path: `/city/${u.code}/`,
            peerGroup: u.peerGroup,
          })),
        )
        .returning();
      rows.forEach((r, i) => units.push({ ...list[i], id: r.id, kind }));
    }

    // Accounts.
    const mkUsers = async (list: { username: string; displayName: string; displayNameEn: string }[]) =>
      tx
        .insert(users)
        .values(list.map((u) => ({ ...u, passwordHash })))
        .returning();
    const grant = (rows: { userId: string; role: Role; orgUnitId?: string | null }[]) =>
      tx.insert(roleAssignments).values(rows.map((r) => ({ ...r, orgUnitId: r.orgUnitId ?? null })));
    const [admin, office, verifier, security, auditor] = await mkUsers([
      { username: 'admin', displayName: '系统管理员', displayNameEn: 'Administrator' },
      { username: 'office', displayName: '市绩效办 刘敏', displayNameEn: 'Liu Min, Performance Office' },
      {
        username: 'verifier',
        displayName: '市统计局 数据核查员',
        displayNameEn: 'Data verifier, Statistics Bureau',
      },
      // The two other duties of 三员分立 beside the system administrator, each on its own account.
      { username: 'security', displayName: '安全保密管理员', displayNameEn: 'Security administrator' },
      { username: 'auditor', displayName: '安全审计员', displayNameEn: 'Security auditor' },
    ]);
    await grant([
      { userId: admin.id, role: 'admin' },
      { userId: office.id, role: 'office' },
      { userId: verifier.id, role: 'verifier' },
      { userId: security.id, role: 'security_admin' },
      { userId: auditor.id, role: 'audit_admin' },
    ]);
    const library = await seedIndicators(tx, {
      actorId: office.id,
      unitIds: new Map(units.map((u) => [u.code, u.id])),
    });
    const managers = await mkUsers(
      units.map((u) => ({
        username: `${u.code}.manager`,
        displayName: `${u.name.replace('人民政府', '')} 绩效联络员`,
        displayNameEn: `Performance liaison, ${u.nameEn}`,
      })),
    );
    await grant(managers.map((m, i) => ({ userId: m.id, role: 'unit_manager', orgUnitId: units[i].id })));
    const seq = (prefix: string, n: number, zh: string, en: string) =>
      Array.from({ length: n }, (_, i) => ({
        username: `${prefix}${String(i + 1).padStart(2, '0')}`,
        displayName: `${zh}${i + 1}`,
        displayNameEn: `${en} ${i + 1}`,
      }));
    const leaders = await mkUsers(seq('leader', 5, '市领导', 'City leader'));
    const deputies = await mkUsers(seq('deputy', 5, '人大代表', "People's congress deputy"));
    const experts = await mkUsers(seq('expert', 3, '评审专家', 'Expert'));
    const citizens = await mkUsers(seq('citizen', 40, '市民', 'Resident'));
    await grant([...leaders, ...deputies, ...experts].map((u) => ({ userId: u.id, role: 'evaluator' })));
    await grant(citizens.map((u) => ({ userId: u.id, role: 'public' })));

    // Leading cadres: a head and three deputies per unit; heads have accounts.
    const names = new Set<string>();
    let k = 0;
    const nextName = () => {
      for (;;) {
        const [s, sEn] = SURNAMES[Math.floor(random() * SURNAMES.length)];
        const [g, gEn] = GIVEN[(k++ * 7) % GIVEN.length];
        if (!names.has(s + g)) {
          names.add(s + g);
          return { name: s + g, nameEn: `${sEn} ${gEn}` };
        }
      }
    };
    const heads = await mkUsers(
      units.map((u) => ({
        username: `${u.code}.head`,
        displayName: `${u.name.replace('人民政府', '')} 主要负责人`,
        displayNameEn: `Head, ${u.nameEn}`,
      })),
    );
    await grant(heads.map((h, i) => ({ userId: h.id, role: 'appraisee', orgUnitId: units[i].id })));
    const personRows = units.flatMap((u, ui) => {
      const county = u.code.length === 2 && u.peerGroup === 'county';
      const district = u.kind === 'district' && !county;
      const [head, deputy, headEn, deputyEn] = county
        ? ['县长', '副县长', 'County Magistrate', 'Deputy County Magistrate']
        : district
          ? ['区长', '副区长', 'District Mayor', 'Deputy District Mayor']
          : ['局长（主任）', '副局长（副主任）', 'Director-General', 'Deputy Director-General'];
      return [0, 1, 2, 3].map((j) => ({
        code: `${u.code}-${j + 1}`,
        ...nextName(),
        position: j === 0 ? head : deputy,
        positionEn: j === 0 ? headEn : deputyEn,
        orgUnitId: u.id,
        userId: j === 0 ? heads[ui].id : null,
        termStart: j === 0 ? '2021-06-01' : `202${2 + (j % 3)}-0${1 + j}-01`,
        termEnd: j === 0 ? '2026-05-31' : null,
      }));
    });
    const persons = await tx.insert(people).values(personRows).returning();

    // Cycles.
    const scheme = undefined; // default grade scheme of the domain: 90/80/70/60, ≤ 20% excellent
    const rules = CycleRulesSchema.parse({
      trimEachSide: 1,
      minRaters: 3,
      unitShareForCadres: 0.2,
      consequenceRules: DEFAULT_CONSEQUENCE_RULES,
    });
    // The term appraisal takes half of its total from the annual results within the term and none
    // from the unit's result (the unit is appraised by the annual cycles): its regulations, frozen
    // below, and its live rules are this one set.
    const termRules = { ...rules, unitShareForCadres: 0, annualShareForTerm: 0.5 };
    const [annual, term, next] = await tx
      .insert(cycles)
      .values([
        {
          code: '2025-annual',
          name: '2025年度综合考核',
          nameEn: '2025 Annual Appraisal',
          type: 'annual',
          periodStart: '2025-01-01',
          periodEnd: '2025-12-31',
          stage: 'results',
          gradeScheme: scheme,
          rules,
        },
        {
          code: '2021-2025-term',
          name: '2021—2025年任期考核',
          nameEn: '2021–2025 Term Appraisal',
          type: 'term',
          periodStart: '2021-06-01',
          periodEnd: '2025-12-31',
          stage: 'evaluation',
          rules: termRules,
        },
        {
          code: '2026-annual',
          name: '2026年度综合考核',
          nameEn: '2026 Annual Appraisal',
          type: 'annual',
          periodStart: '2026-01-01',
          periodEnd: '2026-12-31',
          stage: 'planning',
          rules,
        },
      ])
      .returning();
    // Regulations: the rules of cycles past the start of evaluation are frozen versions.
    const frozenAt = new Date('2025-12-15T00:00:00Z');
    await tx.insert(cycleRuleVersions).values([
      { cycleId: annual.id, version: 1, rules, createdBy: office.id, frozenAt, note: '2025年度综合考核办法' },
      {
        cycleId: term.id,
        version: 1,
        rules: termRules,
        createdBy: office.id,
        frozenAt,
        note: '任期考核办法',
      },
      {
        cycleId: next.id,
        version: 1,
        rules,
        createdBy: office.id,
        note: '2026年度综合考核办法（征求意见稿）',
      },
    ]);

    const makePlan = async (
      cycleId: string,
      unit: Unit,
      person: (typeof persons)[number] | null,
      status: PlanStatus,
      unlinked: IndicatorNodeInput[],
      year: string,
    ) => {
      const tree = linkLibrary(unlinked, library);
      const title = person
        ? `${person.name}（${person.position}）${year}年度考核计划`
        : `${unit.name.replace('人民政府', '')}${year}年度绩效计划`;
      const titleEn = person
        ? `${person.nameEn} (${person.positionEn}) ${year} appraisal plan`
        : `${unit.nameEn} ${year} performance plan`;
      const [plan] = await tx
        .insert(plans)
        .values({
          cycleId,
          appraiseeType: person ? 'cadre' : 'unit',
          orgUnitId: unit.id,
          personId: person?.id ?? null,
          title,
          titleEn,
          status,
          peerGroup: unit.peerGroup,
          approvedAt: status === 'approved' ? new Date('2025-02-28T02:00:00Z') : null,
          approvedBy: status === 'approved' ? office.id : null,
        })
        .returning();
      await tx.insert(indicatorNodes).values(flattenTree(plan.id, tree));
      audit.push(
        { actorId: office.id, action: 'plan.create', entityType: 'plan', entityId: plan.id, entity: plan },
        {
          actorId: office.id,
          action: 'plan.tree.save',
          entityType: 'plan_tree',
          entityId: plan.id,
          entity: await planTreeSnapshot(tx, plan.id),
        },
      );
      return { plan, tree };
    };
    const treeOf = (u: Unit) => (u.kind === 'district' ? districtTree() : departmentTree(u));

    // 2025 annual: unit plans with verified values and ratings, cadre plans with ratings.
    const quality = new Map(units.map((u) => [u.id, between(0.55, 1.1)]));
    const taskRows: (typeof evaluationTasks.$inferInsert)[] = [];
    const ratingRows: (typeof ratings.$inferInsert)[] = [];
    const valueRows: (typeof actualValues.$inferInsert)[] = [];
    const peersOf = (u: Unit, pool: UserRow[]) =>
      units
        .map((x, i) => ({ x, user: pool[i] }))
        .filter(({ x }) => x.peerGroup === u.peerGroup && x.id !== u.id)
        .slice(0, 4)
        .map(({ user }) => user);
    const rate = (
      planId: string,
      cycleId: string,
      code: string,
      subject: SubjectType,
      raters: UserRow[],
      base: number,
      withWeight = false,
    ) => {
      for (const r of raters) {
        taskRows.push({ cycleId, planId, raterId: r.id, subjectType: subject });
        ratingRows.push({
          cycleId,
          planId,
          indicatorCode: code,
          subjectType: subject,
          raterId: r.id,
          score: Math.round(Math.min(100, Math.max(40, base + between(-8, 8))) * 10) / 10,
          weight: withWeight ? Math.round(between(0.3, 1) * 100) / 100 : 1,
        });
      }
    };
    for (const [ui, u] of units.entries()) {
      const q = quality.get(u.id)!;
      const { plan, tree } = await makePlan(annual.id, u, null, 'approved', treeOf(u), '2025');
      for (const leaf of leaves(tree)) {
        const rule = leaf.rule!;
        const subjects = leaf.subjects ?? [];
        if (subjects.length) {
          for (const s of subjects) {
            const pool =
              s.type === 'superior'
                ? leaders
                : s.type === 'deputy'
                  ? deputies
                  : s.type === 'peer'
                    ? peersOf(u, managers)
                    : citizens.filter(() => random() < 0.6);
            const taskKey = (r: UserRow) => `${plan.id}|${r.id}|${s.type}`;
            const seen = new Set(taskRows.map((t) => `${t.planId}|${t.raterId}|${t.subjectType}`));
            rate(
              plan.id,
              annual.id,
              leaf.code,
              s.type,
              pool.filter((r) => !seen.has(taskKey(r))),
              60 + 30 * Math.min(1, q),
              s.type === 'public',
            );
          }
          continue;
        }
        let value: number;
        if (rule.type === 'linear')
          value = rule.baseline + (rule.target - rule.baseline) * q * between(0.85, 1.15);
        else if (rule.type === 'ratio')
          value = Math.min(100, rule.target * Math.min(1.02, q * between(0.95, 1.05)));
        else if (rule.type === 'banded') value = Math.floor(between(0, 5) * (1.2 - Math.min(1, q)));
        else if (rule.type === 'passFail') value = u.code === 'bs' && leaf.code === 'D3' ? 1 : 0;
        else if (leaf.kind === 'bonus') value = Math.floor(between(0, 3.5));
        else value = Math.floor(between(0, 1.6) * (1.2 - Math.min(1, q)) * 2);
        const integer = ['人', '套', '个', '件', '起', '项'].includes(leaf.unit ?? '');
        value = integer ? Math.round(value) : Math.round(value * 100) / 100;
        const unverified = u.code === 'cul' && (leaf.code === 'A2' || leaf.code === 'B1');
        valueRows.push({
          planId: plan.id,
          indicatorCode: leaf.code,
          period: '2025',
          value,
          note: unverified ? '待统计局核验' : null,
          status: unverified ? 'reported' : 'verified',
          reportedBy: managers[ui].id,
          reportedAt: new Date('2026-01-20T02:00:00Z'),
          verifiedBy: unverified ? null : verifier.id,
          verifiedAt: unverified ? null : new Date('2026-02-05T06:00:00Z'),
        });
      }
    }
    for (const p of persons) {
      const u = units.find((x) => x.id === p.orgUnitId)!;
      const { plan, tree } = await makePlan(annual.id, u, p, 'approved', cadreTree(), '2025');
      const base = 62 + 30 * Math.min(1, quality.get(u.id)! * between(0.9, 1.1));
      const peers = peersOf(u, heads).filter((h) => h.id !== p.userId);
      for (const leaf of leaves(tree)) {
        rate(plan.id, annual.id, leaf.code, 'superior', leaders, base);
        rate(plan.id, annual.id, leaf.code, 'peer', peers, base);
        rate(plan.id, annual.id, leaf.code, 'deputy', deputies, base);
      }
    }

    // Term cycle: heads' plans, approved, rating tasks open for city leaders and deputies.
    for (const p of persons.filter((x) => x.userId)) {
      const u = units.find((x) => x.id === p.orgUnitId)!;
      const { plan } = await makePlan(term.id, u, p, 'approved', cadreTree(), '2021—2025');
      for (const r of [...leaders, ...deputies])
        taskRows.push({
          cycleId: term.id,
          planId: plan.id,
          raterId: r.id,
          subjectType: leaders.includes(r) ? 'superior' : 'deputy',
        });
      for (const r of peersOf(u, heads))
        taskRows.push({ cycleId: term.id, planId: plan.id, raterId: r.id, subjectType: 'peer' });
    }

    // 2026 annual: draft unit plans from the same templates, being prepared.
    for (const u of units) await makePlan(next.id, u, null, 'draft', treeOf(u), '2026');

    const uniqueTasks = [
      ...new Map(taskRows.map((t) => [`${t.planId}|${t.raterId}|${t.subjectType}`, t])).values(),
    ];
    for (let i = 0; i < uniqueTasks.length; i += 1000)
      await tx.insert(evaluationTasks).values(uniqueTasks.slice(i, i + 1000));
    for (let i = 0; i < ratingRows.length; i += 1000) {
      const stored = await tx
        .insert(ratings)
        .values(ratingRows.slice(i, i + 1000))
        .returning();
      for (const r of stored)
        audit.push({
          actorId: r.raterId,
          action: 'rating.submit',
          entityType: 'rating',
          entityId: r.id,
          entity: r,
        });
    }
    for (let i = 0; i < valueRows.length; i += 1000) {
      const stored = await tx
        .insert(actualValues)
        .values(valueRows.slice(i, i + 1000))
        .returning();
      for (const v of stored)
        audit.push({
          actorId: v.verifiedBy ?? v.reportedBy,
          action: v.status === 'verified' ? 'value.verify' : 'value.report',
          entityType: 'actual_value',
          entityId: v.id,
          entity: v,
        });
    }
    await appendAudit(tx, audit);
    return {
      annual: annual.id,
      units: units.length,
      people: persons.length,
      ratings: ratingRows.length,
      values: valueRows.length,
    };
  });

  // The published satisfaction survey feeds the public satisfaction indicators computed below.
  progress('satisfaction survey and its answers');
  const survey = await seedSurveys(db, { cycleId: ids.annual });
  // 12345 and 好差评 exports, and an audit finding that the 2025 results deduct.
  progress('data linkage');
  await seedLinkage(db, { annualCycleId: ids.annual });
  progress('2025 results');
  const results = await computeCycleResults(db, sys, ids.annual);
  progress('public participation');
  const participation = await seedParticipation(db);
  progress('monitoring');
  await seedMonitoring(db);
  // The quarterly reports seeded above are inputs of the annual plans too (the annual figure still
  // wins): bring the results' inputs keys up to date, so that no demo result reads as stale.
  progress('2025 results with the quarterly reports');
  await computeCycleResults(db, sys, ids.annual);
  // Published last: from publication on the cycle's inputs are frozen (revision 1 of every result).
  progress('publication of the 2025 results');
  await publishResults(db, sys, ids.annual);
  // Rows the seeds inserted in bulk without an entry of their own (accounts, roles, surveys, answers…)
  // get their baseline entry; then everything is sealed.
  progress('audit baseline and seal');
  await auditBaseline(db, null);
  await sealAudit(db);
  const [{ n }] = await db.select({ n: count() }).from(plans).where(eq(plans.cycleId, ids.annual));
  return { ...ids, plans2025: n, results: results.count, surveyResponses: survey.responses, participation };
}

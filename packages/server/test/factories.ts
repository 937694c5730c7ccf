import { eq, isNull } from 'drizzle-orm';
import type { CycleRules, IndicatorNodeInput } from '@perfcommons/contracts';
import { mulberry32, type Answers, type Questionnaire, type SubjectType } from '@perfcommons/domain';
import {
  actualValues,
  cycles,
  orgUnits,
  people,
  ratings as ratingRows,
  roleAssignments,
  surveyInvitations,
  surveyResponses,
  surveys,
  users,
} from '../src/db/schema';
import type { Actor, Role } from '../src/lib/actor';
import { appendAudit, type AuditEntryInput } from '../src/modules/audit/service';
import { auditBaseline } from '../src/modules/audit/baseline';
import { hashPassword } from '../src/modules/auth/password';
import { loadActor } from '../src/modules/auth/service';
import { createCycle, STAGES, type Stage } from '../src/modules/cycles/service';
import { assignTasks, freezeRules, getRules, updateRules } from '../src/modules/evaluation/service';
import { createOrgUnit, createPerson } from '../src/modules/orgs/service';
import { approvePlan, saveTree, submitPlan } from '../src/modules/plans/service';
import { PLAN_TEMPLATES } from '../src/modules/plans/templates';
import { bulkApprovePlans } from '../src/modules/plans/bulk-approve';
import { leaves } from '../src/modules/plans/tree';
import { DEFAULT_ANALYSIS, publishSurvey } from '../src/modules/surveys/analysis';
import { publishResults } from '../src/modules/results/publication';
import { computeCycleResults } from '../src/modules/results/service';
import { bulkCreatePlans, createPlan } from '../src/modules/plans/setup';
import {
  closeFielding,
  createSurvey,
  drawSample,
  startFielding,
  replaceFrame,
  type SampleInput,
} from '../src/modules/surveys/use-cases';
import { reportValues, verifyValue } from '../src/modules/values/service';
import { DEMO_PASSWORD } from '../src/seed/demo-city';
import type { Client, TestApp } from './helper';

/**
 * Test factories: build exactly what a test needs — an org unit, users with roles, a cycle, a plan with
 * its tree, values — through the services (permissions, audit and all), or by direct inserts that write
 * their audit entry, so a test names its own data instead of the demo city's codes. Every code and
 * username is fresh (`f1-unit`, `f1-manager` …), so factories can be called any number of times on one
 * database. Users log in with the demo password (`t.as(user.username)`).
 */
export interface Factory {
  /** The office account the factory acts as (created on first use). */
  office(): Promise<Actor>;
  /** A department under the root (made when missing), or with `kind` a district. */
  org(opts?: {
    parentId?: string;
    peerGroup?: string;
    name?: string;
    nameEn?: string;
    kind?: 'department' | 'district';
  }): Promise<{ id: string; code: string }>;
  user(roles: { role: Role; orgUnitId?: string | null }[]): Promise<FactoryUser>;
  stage(cycleId: string, to: Stage): Promise<void>;
  cycle(opts?: { stage?: Stage; type?: 'regular' | 'annual' | 'term'; year?: number }): Promise<FactoryCycle>;
  /** Changes a cycle's rules before evaluation (when they freeze): these fields over the current ones. */
  rules(cycleId: string, rules: Partial<CycleRules>): Promise<void>;
  /** A cadre (a row in `people`) holding a position in a unit, linked to a login account when `userId`. */
  person(opts: {
    orgUnitId: string;
    userId?: string | null;
    name?: string;
  }): Promise<{ id: string; code: string }>;
  /** A unit's plan, or with `personId` a cadre's plan (appraised in that cadre's unit). */
  plan(opts: {
    cycleId: string;
    orgUnitId: string;
    personId?: string;
    tree?: IndicatorNodeInput[];
    status?: 'draft' | 'published_for_comment' | 'approved';
    ownerId?: string | null;
  }): Promise<{ id: string; version: number }>;
  values(
    planId: string,
    rows: { indicatorCode: string; period: string; value: number }[],
    opts: { by: Actor; verifyAs?: Actor },
  ): Promise<{ id: string; version: number }[]>;
  /** Assigns raters of one subject type to plans (the office's rater panel), conflicts of interest skipped. */
  tasks(opts: {
    cycleId: string;
    planIds: string[];
    subjectType: string;
    raterIds: string[];
  }): Promise<{ created: number; skipped: { planId: string; raterId: string; reason: string }[] }>;
  /**
   * Cadres in bulk: `perUnit` in each of the units (no term dates: in office through any cycle), inserted
   * at once and audited as one by one (`person.create`, the row snapshotted).
   */
  people(orgUnitIds: string[], perUnit: number): Promise<{ id: string; code: string; orgUnitId: string }[]>;
  /**
   * The plans of every unit, or every cadre, of one peer group in a cycle in planning, through the office's
   * bulk set-up from the plan template `template` (`department-annual`, `district-annual`, `cadre-annual`);
   * each then submitted (the design checks overridden with a reason) and approved through the bulk approval.
   */
  plans(opts: {
    cycleId: string;
    appraiseeType: 'unit' | 'cadre';
    peerGroup: string;
    template: string;
  }): Promise<FactoryPlan[]>;
  /** Rater accounts: for each subject type, that many accounts (evaluators; `public`: residents). */
  panel(groups: Record<string, number>): Promise<Record<string, FactoryUser[]>>;
  /**
   * Ratings in bulk, as many as a rating round collects: the tasks through the office's panel assignment
   * (a conflict of interest there is an error), the ratings inserted at once and audited as the demo seed's
   * are (a `rating.submit` entry each by its rater, the row snapshotted).
   */
  ratings(cycleId: string, rows: FactoryRating[]): Promise<number>;
  /**
   * Verified values in bulk, reported by `by` and verified by `verifyAs`, inserted at once and audited as
   * the demo seed's are (a `value.verify` entry each, the row snapshotted).
   */
  verifiedValues(
    rows: { planId: string; indicatorCode: string; period: string; value: number }[],
    opts: { by: Actor; verifyAs: Actor },
  ): Promise<number>;
  /**
   * An annual appraisal at the demo city's scale in a cycle in planning, with the cycle's rules as they
   * are: peer groups of units (plans from the department or district template) with `cadresPerUnit`
   * cadres each (cadre template); the cycle moved to evaluation; a panel of `panel[subject]` raters per
   * subject rating every rated leaf (scores around each unit's quality, from a seeded generator); a verified
   * value of the cycle's year for every measured leaf (from the same quality; every veto item passes except
   * the `veto` unit's); with `survey`, a published satisfaction survey of the first units' plans; then the
   * results computed, and with `publish` published (revision 1), all through the factories above.
   */
  appraisal(opts: {
    cycleId: string;
    groups: { kind: 'department' | 'district'; units: number }[];
    cadresPerUnit: number;
    panel: { superior: number; peer: number; deputy: number; public: number };
    /** The unit (its index in `units`) whose veto item fails. */
    veto?: number;
    /** How many units (the first ones) a published satisfaction survey asks about. */
    survey?: { units: number; respondents: number };
    publish?: boolean;
  }): Promise<FactoryAppraisal>;
  /**
   * Computes a cycle's results through the results service (moving the cycle to evaluation first when it is
   * earlier), and with `publish` moves it to feedback and publishes them (revision 1).
   */
  results(cycleId: string, opts?: { publish?: boolean }): Promise<void>;
  /**
   * A survey through the survey use cases: created (of `cycleId` when given), its frame stored, a sample
   * drawn and fielding started; then, with `answer`, each sampled invitation's answers (null: no answer)
   * stored as web responses in bulk (as many answers as a fieldwork would collect, without a request
   * each) and audited as the demo seed's are (`audit.baseline`), and with `close` fielding closed.
   */
  survey(opts: {
    cycleId?: string;
    title?: string;
    strataFields: string[];
    definition: Questionnaire;
    frame: Record<string, string>[];
    sample: SampleInput;
    answer?: (profile: Record<string, string>, index: number) => Answers | null;
    close?: boolean;
    /** Publishes the closed survey's report (the default analysis): its estimates feed the cycle's results. */
    publish?: boolean;
  }): Promise<{ id: string; code: string; responses: number }>;
}

export interface FactoryUser {
  id: string;
  username: string;
  actor: Actor;
  /** A logged-in API client of this user. */
  login(): Promise<Client>;
}

export interface FactoryCycle {
  id: string;
  code: string;
  periodStart: string;
  periodEnd: string;
}

export interface FactoryPlan {
  id: string;
  orgUnitId: string;
  personId: string | null;
  tree: IndicatorNodeInput[];
}

export interface FactoryRating {
  planId: string;
  indicatorCode: string;
  subjectType: SubjectType;
  raterId: string;
  score: number;
  weight?: number;
}

export interface FactoryAppraisal {
  /** Units in the order of `groups`, each with its quality (0.55–1.1, the scale of its inputs) and plan. */
  units: {
    id: string;
    code: string;
    name: string;
    peerGroup: string;
    kind: 'department' | 'district';
    quality: number;
    plan: FactoryPlan;
  }[];
  cadres: { personId: string; orgUnitId: string; plan: FactoryPlan }[];
  raters: Record<'superior' | 'peer' | 'deputy' | 'public', FactoryUser[]>;
  verifier: FactoryUser;
  ratings: FactoryRating[];
  values: { planId: string; indicatorCode: string; period: string; value: number }[];
  survey: { id: string; code: string; planIds: string[] } | null;
}

/** A small valid tree: one dimension, a linear and a ratio leaf measured from data. */
export const SMALL_TREE: IndicatorNodeInput[] = [
  {
    code: 'A',
    name: '经济发展',
    nameEn: 'Economic development',
    weight: 100,
    children: [
      {
        code: 'A1',
        name: '地区生产总值增速',
        nameEn: 'GDP growth',
        weight: 60,
        unit: '%',
        rule: { type: 'linear', baseline: 0, target: 6, direction: 'higher' },
        subjects: [{ type: 'data', weight: 100 }],
      },
      {
        code: 'A2',
        name: '一般公共预算收入完成率',
        nameEn: 'Budget revenue completion',
        weight: 40,
        unit: '%',
        rule: { type: 'ratio', target: 100, direction: 'higher' },
        subjects: [{ type: 'data', weight: 100 }],
      },
    ],
  },
];

/** A measured leaf (A1, 80 points) and a veto leaf 一票否决 (A2, 20 points, passes with no major accident). */
export const VETO_TREE: IndicatorNodeInput[] = [
  {
    code: 'A',
    name: '综合',
    weight: 100,
    children: [
      {
        code: 'A1',
        name: '重点任务完成率',
        weight: 80,
        unit: '%',
        rule: { type: 'linear', baseline: 0, target: 100, direction: 'higher' },
        subjects: [{ type: 'data', weight: 100 }],
      },
      {
        code: 'A2',
        name: '较大及以上生产安全事故',
        weight: 20,
        unit: '起',
        rule: { type: 'passFail', passWhen: 'zero' },
        veto: { mode: 'unqualified' },
        subjects: [{ type: 'data', weight: 100 }],
      },
    ],
  },
];

let passwordHash: Promise<string> | undefined;
let run = 0;

/** Factories on one test app; `prefix` keeps codes apart when a file makes several factories. */
export function factory(t: TestApp, prefix = `f${++run}`): Factory {
  let n = 0;
  const next = (what: string) => `${prefix}-${what}-${++n}`;
  let officeActor: Promise<Actor> | undefined;

  async function user(roles: { role: Role; orgUnitId?: string | null }[]): Promise<FactoryUser> {
    passwordHash ??= hashPassword(DEMO_PASSWORD);
    const username = next(roles[0]?.role ?? 'user').replace(/_/g, '-');
    const id = await t.db.transaction(async (tx) => {
      const [u] = await tx
        .insert(users)
        .values({
          username,
          displayName: username,
          passwordHash: await passwordHash!,
          passwordSetAt: new Date(),
        })
        .returning();
      if (roles.length)
        await tx
          .insert(roleAssignments)
          .values(roles.map((r) => ({ userId: u.id, role: r.role, orgUnitId: r.orgUnitId ?? null })));
      await appendAudit(tx, [
        {
          actorId: null,
          action: 'user.create',
          entityType: 'user',
          entityId: u.id,
          data: { username, roles, by: 'test factory' },
        },
      ]);
      return u.id;
    });
    const actor = (await loadActor(t.db, id))!;
    return { id, username, actor, login: () => t.as(username) };
  }

  const office = () => (officeActor ??= user([{ role: 'office' }]).then((u) => u.actor));

  /**
   * Puts a cycle straight into a link, past the preconditions a test of another feature does not care
   * about (plans are set up in mission analysis or planning: move on after making them); audited like a
   * transition, with the factory named as the reason.
   */
  async function stage(cycleId: string, to: Stage) {
    const a = await office();
    await t.db.transaction(async (tx) => {
      const [c] = await tx.select().from(cycles).where(eq(cycles.id, cycleId));
      if (c.stage === to) return;
      const [updated] = await tx.update(cycles).set({ stage: to }).where(eq(cycles.id, cycleId)).returning();
      // As the real transition does: the rules in force when evaluation starts are frozen.
      if (STAGES.indexOf(to) >= STAGES.indexOf('evaluation')) await freezeRules(tx, updated, a.id);
      await appendAudit(tx, [
        {
          actorId: a.id,
          action: 'cycle.transition',
          entityType: 'cycle',
          entityId: cycleId,
          data: { from: c.stage, to, reason: 'test factory' },
        },
      ]);
    });
  }

  /** The root of the org tree (the government), made when the database has none. */
  async function root(): Promise<string> {
    const [r] = await t.db.select({ id: orgUnits.id }).from(orgUnits).where(isNull(orgUnits.parentId));
    if (r) return r.id;
    const code = next('gov');
    const gov = await createOrgUnit(t.db, await office(), {
      code,
      name: `测试政府 ${code}`,
      kind: 'government',
      parentId: null,
    });
    return gov.id;
  }

  const api: Factory = {
    office,
    user,
    stage,
    async org(opts = {}) {
      const code = next('unit');
      const unit = await createOrgUnit(t.db, await office(), {
        code,
        name: opts.name ?? `测试单位 ${code}`,
        nameEn: opts.nameEn ?? `Test unit ${code}`,
        kind: opts.kind ?? 'department',
        parentId: opts.parentId ?? (await root()),
        peerGroup: opts.peerGroup ?? prefix.replace(/[^a-z0-9_]/g, '_').replace(/^[^a-z]/, 'g'),
      });
      return { id: unit.id, code };
    },
    async cycle(opts = {}) {
      const year = opts.year ?? 2031;
      const code = next('cycle');
      const c = await createCycle(t.db, await office(), {
        code,
        name: `${year} 年度考核 ${code}`,
        nameEn: `${year} annual ${code}`,
        type: opts.type ?? 'annual',
        periodStart: `${year}-01-01`,
        periodEnd: `${year}-12-31`,
      });
      if (opts.stage) await stage(c.id, opts.stage);
      return { id: c.id, code, periodStart: c.periodStart, periodEnd: c.periodEnd };
    },
    async rules(cycleId, rules) {
      const current = await getRules(t.db, cycleId);
      await updateRules(t.db, await office(), cycleId, {
        rules: { ...current.rules, ...rules },
        note: 'test factory',
      });
    },
    async person(opts) {
      const code = next('person');
      const p = await createPerson(t.db, await office(), {
        code,
        name: opts.name ?? `测试干部 ${code}`,
        nameEn: `Test cadre ${code}`,
        position: '局长',
        positionEn: 'Director',
        orgUnitId: opts.orgUnitId,
        userId: opts.userId ?? null,
      });
      return { id: p.id, code };
    },
    async plan(opts) {
      const a = await office();
      const common = {
        cycleId: opts.cycleId,
        source: { kind: 'template' as const, template: 'blank' },
        ownerId: opts.ownerId ?? null,
      };
      const created = await createPlan(
        t.db,
        a,
        opts.personId
          ? { ...common, appraiseeType: 'cadre', personId: opts.personId }
          : { ...common, appraiseeType: 'unit', orgUnitId: opts.orgUnitId },
      );
      let plan = (
        await saveTree(t.db, a, created.plan.id, {
          tree: opts.tree ?? SMALL_TREE,
          version: created.plan.version,
        })
      ).plan;
      const status = opts.status ?? 'approved';
      // A test's minimal tree need not meet the design checks (public share …): overridden with a reason.
      if (status !== 'draft')
        plan = await submitPlan(t.db, a, plan.id, { lintOverride: { reason: 'test factory: minimal tree' } });
      if (status === 'approved') plan = await approvePlan(t.db, a, plan.id, {});
      return { id: plan.id, version: plan.version };
    },
    async values(planId, rows, opts) {
      const stored = await reportValues(t.db, opts.by, planId, rows);
      if (!opts.verifyAs) return stored.map((v) => ({ id: v.id, version: v.version }));
      const out = [];
      for (const v of stored) {
        const r = await verifyValue(t.db, opts.verifyAs, v.id, { decision: 'verified', version: v.version });
        out.push({ id: r.id, version: r.version });
      }
      return out;
    },
    async tasks(opts) {
      return assignTasks(t.db, await office(), opts);
    },
    async people(orgUnitIds, perUnit) {
      const a = await office();
      const rows = orgUnitIds.flatMap((orgUnitId) =>
        Array.from({ length: perUnit }, (_, j) => {
          const code = next('person');
          return {
            code,
            name: `测试干部 ${code}`,
            nameEn: `Test cadre ${code}`,
            position: j === 0 ? '局长' : '副局长',
            positionEn: j === 0 ? 'Director' : 'Deputy director',
            orgUnitId,
          };
        }),
      );
      return t.db.transaction(async (tx) => {
        const stored = rows.length ? await tx.insert(people).values(rows).returning() : [];
        await appendAudit(
          tx,
          stored.map((p) => ({
            actorId: a.id,
            action: 'person.create',
            entityType: 'person',
            entityId: p.id,
            data: { code: p.code, by: 'test factory' },
            entity: p,
          })),
        );
        return stored.map((p) => ({ id: p.id, code: p.code, orgUnitId: p.orgUnitId }));
      });
    },
    async plans(opts) {
      const a = await office();
      const setup = await bulkCreatePlans(t.db, a, {
        cycleId: opts.cycleId,
        target: { appraiseeType: opts.appraiseeType, peerGroup: opts.peerGroup },
        source: { kind: 'template', template: opts.template },
      });
      const created = setup.items.filter((i) => i.outcome === 'created');
      if (created.length !== setup.items.length)
        throw new Error(`plan set-up: ${setup.skipped} skipped, ${setup.existing} existing`);
      for (const p of created)
        await submitPlan(t.db, a, p.planId!, { lintOverride: { reason: 'test factory: template tree' } });
      const approved = await bulkApprovePlans(t.db, a, { planIds: created.map((p) => p.planId!) });
      if (approved.refused) throw new Error(`plan approval refused: ${JSON.stringify(approved.items)}`);
      // The set-up gives every plan the template's tree as it is.
      const tree = PLAN_TEMPLATES.find((x) => x.id === opts.template)!.tree();
      const out: FactoryPlan[] = created.map((p) => ({
        id: p.planId!,
        orgUnitId: p.orgUnitId,
        personId: p.personId,
        tree,
      }));
      return out;
    },
    async panel(groups) {
      const out: Record<string, FactoryUser[]> = {};
      for (const [subject, n] of Object.entries(groups)) {
        out[subject] = [];
        for (let i = 0; i < n; i++)
          out[subject].push(await user([{ role: subject === 'public' ? 'public' : 'evaluator' }]));
      }
      return out;
    },
    async ratings(cycleId, rows) {
      // The tasks: one panel assignment per subject and set of plans, of the raters who rate those plans.
      const plansOf = new Map<string, Set<string>>();
      for (const r of rows) {
        const k = `${r.subjectType}|${r.raterId}`;
        plansOf.set(k, (plansOf.get(k) ?? new Set()).add(r.planId));
      }
      const panels = new Map<string, { subjectType: string; planIds: string[]; raterIds: string[] }>();
      for (const [k, set] of plansOf) {
        const [subjectType, raterId] = k.split('|');
        const planIds = [...set].sort();
        const key = `${subjectType}|${planIds.join(',')}`;
        const p = panels.get(key) ?? { subjectType, planIds, raterIds: [] };
        p.raterIds.push(raterId);
        panels.set(key, p);
      }
      for (const p of panels.values()) {
        const assigned = await assignTasks(t.db, await office(), { cycleId, ...p });
        if (assigned.skipped.length)
          throw new Error(`rating tasks refused: ${JSON.stringify(assigned.skipped)}`);
      }
      await t.db.transaction(async (tx) => {
        const audit: AuditEntryInput[] = [];
        for (let i = 0; i < rows.length; i += 1000) {
          const stored = await tx
            .insert(ratingRows)
            .values(
              rows.slice(i, i + 1000).map((r) => ({
                cycleId,
                planId: r.planId,
                indicatorCode: r.indicatorCode,
                subjectType: r.subjectType,
                raterId: r.raterId,
                score: r.score,
                weight: r.weight ?? 1,
              })),
            )
            .returning();
          for (const r of stored)
            audit.push({
              actorId: r.raterId,
              action: 'rating.submit',
              entityType: 'rating',
              entityId: r.id,
              data: {
                planId: r.planId,
                indicatorCode: r.indicatorCode,
                subjectType: r.subjectType,
                score: r.score,
              },
              entity: r,
            });
        }
        await appendAudit(tx, audit);
      });
      return rows.length;
    },
    async verifiedValues(rows, opts) {
      await t.db.transaction(async (tx) => {
        const audit: AuditEntryInput[] = [];
        for (let i = 0; i < rows.length; i += 1000) {
          const stored = await tx
            .insert(actualValues)
            .values(
              rows.slice(i, i + 1000).map((r) => ({
                ...r,
                status: 'verified',
                reportedBy: opts.by.id,
                verifiedBy: opts.verifyAs.id,
                verifiedAt: new Date(),
              })),
            )
            .returning();
          for (const v of stored)
            audit.push({
              actorId: opts.verifyAs.id,
              action: 'value.verify',
              entityType: 'actual_value',
              entityId: v.id,
              entity: v,
            });
        }
        await appendAudit(tx, audit);
      });
      return rows.length;
    },
    async appraisal(opts) {
      const random = mulberry32(20311231);
      const between = (lo: number, hi: number) => lo + (hi - lo) * random();
      const [cycle] = await t.db.select().from(cycles).where(eq(cycles.id, opts.cycleId));
      const year = cycle.periodEnd.slice(0, 4);
      const units: FactoryAppraisal['units'] = [];
      const cadres: FactoryAppraisal['cadres'] = [];
      for (const [g, group] of opts.groups.entries()) {
        const peerGroup = `${prefix}_g${g + 1}`.replace(/[^a-z0-9_]/g, '_').replace(/^[^a-z]/, 'g');
        const made: { id: string; code: string; quality: number }[] = [];
        for (let i = 0; i < group.units; i++) {
          const u = await api.org({ peerGroup, kind: group.kind });
          // Qualities spread evenly over 0.55–1.1 within the group.
          made.push({ ...u, quality: 0.55 + (0.55 * i) / Math.max(1, group.units - 1) });
        }
        const persons = await api.people(
          made.map((u) => u.id),
          opts.cadresPerUnit,
        );
        const template = group.kind === 'district' ? 'district-annual' : 'department-annual';
        const unitPlans = await api.plans({
          cycleId: opts.cycleId,
          appraiseeType: 'unit',
          peerGroup,
          template,
        });
        const cadrePlans = await api.plans({
          cycleId: opts.cycleId,
          appraiseeType: 'cadre',
          peerGroup,
          template: 'cadre-annual',
        });
        const names = new Map(
          (await t.db.select().from(orgUnits).where(eq(orgUnits.peerGroup, peerGroup))).map((o) => [
            o.id,
            o.name,
          ]),
        );
        for (const u of made)
          units.push({
            ...u,
            name: names.get(u.id)!,
            peerGroup,
            kind: group.kind,
            plan: unitPlans.find((p) => p.orgUnitId === u.id)!,
          });
        for (const p of persons)
          cadres.push({
            personId: p.id,
            orgUnitId: p.orgUnitId,
            plan: cadrePlans.find((x) => x.personId === p.id)!,
          });
      }
      await stage(opts.cycleId, 'evaluation');

      const raters = (await api.panel(opts.panel)) as FactoryAppraisal['raters'];
      const verifier = await user([{ role: 'verifier' }]);
      const quality = new Map(units.map((u) => [u.id, u.quality]));
      const ratings: FactoryRating[] = [];
      const rate = (planId: string, code: string, subject: keyof typeof raters, base: number) => {
        for (const r of raters[subject])
          ratings.push({
            planId,
            indicatorCode: code,
            subjectType: subject,
            raterId: r.id,
            score: Math.round(Math.min(100, Math.max(40, base + between(-8, 8))) * 10) / 10,
            weight: subject === 'public' ? Math.round(between(0.3, 1) * 100) / 100 : 1,
          });
      };
      const values: FactoryAppraisal['values'] = [];
      for (const [ui, u] of units.entries()) {
        const q = u.quality;
        for (const leaf of leaves(u.plan.tree)) {
          const subjects = (leaf.subjects ?? []).filter((s) => s.type !== 'data');
          if (subjects.length) {
            for (const s of subjects)
              rate(u.plan.id, leaf.code, s.type as keyof typeof raters, 60 + 30 * Math.min(1, q));
            continue;
          }
          const rule = leaf.rule!;
          let value: number;
          if (rule.type === 'linear')
            value = rule.baseline + (rule.target - rule.baseline) * q * between(0.85, 1.15);
          else if (rule.type === 'ratio')
            value = Math.min(100, rule.target * Math.min(1.02, q * between(0.95, 1.05)));
          else if (rule.type === 'banded') value = Math.floor(between(0, 5) * (1.2 - Math.min(1, q)));
          else if (rule.type === 'passFail') value = leaf.veto && ui === opts.veto ? 1 : 0;
          else if (leaf.kind === 'bonus') value = Math.floor(between(0, 3.5));
          else value = Math.floor(between(0, 1.6) * (1.2 - Math.min(1, q)) * 2);
          const integer = ['人', '套', '个', '件', '起', '项'].includes(leaf.unit ?? '');
          values.push({
            planId: u.plan.id,
            indicatorCode: leaf.code,
            period: year,
            value: integer ? Math.round(value) : Math.round(value * 100) / 100,
          });
        }
      }
      for (const c of cadres) {
        const base = 62 + 30 * Math.min(1, quality.get(c.orgUnitId)! * between(0.9, 1.1));
        for (const leaf of leaves(c.plan.tree))
          for (const s of leaf.subjects ?? [])
            rate(c.plan.id, leaf.code, s.type as keyof typeof raters, base);
      }
      await api.ratings(opts.cycleId, ratings);
      await api.verifiedValues(values, { by: await office(), verifyAs: verifier.actor });

      let survey: FactoryAppraisal['survey'] = null;
      if (opts.survey) {
        const asked = units.slice(0, opts.survey.units);
        const frame = Array.from({ length: opts.survey.respondents * 2 }, (_, i) => ({
          id: `R-${String(i).padStart(5, '0')}`,
          area: i % 3 ? 'urban' : 'rural',
        }));
        const likert = (x: number) => Math.min(5, Math.max(1, Math.round(x)));
        const s = await api.survey({
          cycleId: opts.cycleId,
          strataFields: ['area'],
          definition: {
            sections: [
              {
                id: 'services',
                title: '政府部门服务',
                questions: [
                  {
                    id: 'service',
                    type: 'matrix',
                    text: '服务满意度',
                    required: true,
                    scale: 5,
                    items: asked.map((u, i) => ({ id: `u${i}`, text: u.name, planId: u.plan.id })),
                  },
                ],
              },
            ],
          },
          frame,
          sample: { size: opts.survey.respondents, allocation: 'proportional', seed: 'factory-appraisal' },
          answer: () => ({
            service: Object.fromEntries(
              asked.map((u, i) => [`u${i}`, likert(1 + 4 * Math.min(1, u.quality) + (random() - 0.5) * 1.5)]),
            ),
          }),
          close: true,
          publish: true,
        });
        survey = { id: s.id, code: s.code, planIds: asked.map((u) => u.plan.id) };
      }
      await api.results(opts.cycleId, { publish: opts.publish });
      return { units, cadres, raters, verifier, ratings, values, survey };
    },
    async results(cycleId, opts = {}) {
      const a = await office();
      const at = async () =>
        (await t.db.select().from(cycles).where(eq(cycles.id, cycleId)))[0].stage as Stage;
      if (STAGES.indexOf(await at()) < STAGES.indexOf('evaluation')) await stage(cycleId, 'evaluation');
      await computeCycleResults(t.db, a, cycleId);
      if (!opts.publish) return;
      if (STAGES.indexOf(await at()) < STAGES.indexOf('feedback')) await stage(cycleId, 'feedback');
      await publishResults(t.db, a, cycleId);
    },
    async survey(opts) {
      const a = await office();
      const code = next('survey');
      const { survey } = await createSurvey(t.db, a, {
        code,
        title: opts.title ?? `测试调查 ${code}`,
        titleEn: `Test survey ${code}`,
        ...(opts.cycleId ? { cycleId: opts.cycleId } : {}),
        strataFields: opts.strataFields,
        definition: opts.definition,
      });
      await replaceFrame(t.db, a, survey.id, opts.frame as never);
      await drawSample(t.db, a, survey.id, opts.sample);
      await startFielding(t.db, a, survey.id);
      let responses = 0;
      if (opts.answer) {
        const invites = await t.db
          .select()
          .from(surveyInvitations)
          .where(eq(surveyInvitations.surveyId, survey.id))
          .orderBy(surveyInvitations.stratum, surveyInvitations.id);
        const [{ versionId }] = await t.db
          .select({ versionId: surveys.fieldedVersionId })
          .from(surveys)
          .where(eq(surveys.id, survey.id));
        const rows: (typeof surveyResponses.$inferInsert)[] = [];
        invites.forEach((inv, i) => {
          const answers = opts.answer!(inv.profile as Record<string, string>, i);
          if (answers)
            rows.push({
              surveyId: survey.id,
              versionId: versionId!,
              invitationId: inv.id,
              mode: 'web',
              interviewerId: null,
              trust: 'sampled',
              stratum: inv.stratum,
              profile: inv.profile,
              designWeight: inv.designWeight,
              answers,
            });
        });
        for (let i = 0; i < rows.length; i += 500)
          await t.db.insert(surveyResponses).values(rows.slice(i, i + 500));
        // Audited as the demo seed's bulk rows are: a baseline entry for each row without one.
        await auditBaseline(t.db, a.id);
        responses = rows.length;
      }
      if (opts.close) await closeFielding(t.db, a, survey.id);
      if (opts.publish) await publishSurvey(t.db, a, survey.id, DEFAULT_ANALYSIS);
      return { id: survey.id, code, responses };
    },
  };
  return api;
}

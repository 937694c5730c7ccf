import { eq, isNull } from 'drizzle-orm';
import type { CycleRules, IndicatorNodeInput } from '@perfcommons/contracts';
import type { Answers, Questionnaire } from '@perfcommons/domain';
import {
  cycles,
  orgUnits,
  roleAssignments,
  surveyInvitations,
  surveyResponses,
  surveys,
  users,
} from '../src/db/schema';
import type { Actor, Role } from '../src/lib/actor';
import { appendAudit } from '../src/modules/audit/service';
import { auditBaseline } from '../src/modules/audit/baseline';
import { hashPassword } from '../src/modules/auth/password';
import { loadActor } from '../src/modules/auth/service';
import { createCycle, STAGES, type Stage } from '../src/modules/cycles/service';
import { assignTasks, freezeRules, getRules, updateRules } from '../src/modules/evaluation/service';
import { createOrgUnit, createPerson } from '../src/modules/orgs/service';
import { approvePlan, saveTree, submitPlan } from '../src/modules/plans/service';
import { publishResults } from '../src/modules/results/publication';
import { computeCycleResults } from '../src/modules/results/service';
import { createPlan } from '../src/modules/plans/setup';
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

  return {
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
      return { id: survey.id, code, responses };
    },
  };
}

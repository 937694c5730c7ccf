import { randomBytes } from 'node:crypto';
import { and, asc, desc, eq, inArray, isNotNull, sql } from 'drizzle-orm';
import {
  DEFAULT_GRADE_SCHEME,
  krippendorffAlpha,
  raterLeniency,
  type GradeScheme,
} from '@perfcommons/domain';
import type { Db, DbOrTx } from '../../db/client';
import {
  cycleRuleVersions,
  cycles,
  evaluationTasks,
  orgUnits,
  people,
  plans,
  ratings,
  roleAssignments,
  users,
} from '../../db/schema';
import { requireOffice, type Actor } from '../../lib/actor';
import { badRequest, conflict, isUniqueViolation, notFound } from '../../lib/errors';
import { appendAudit } from '../audit/service';
import { assertCycleNotPublished } from '../cycles/freeze';
import { getCycle, STAGES, type CycleRow } from '../cycles/service';
import { hashPassword } from '../auth/password';
import { CycleRulesSchema, rulesOf, type CycleRules } from './rules';
import { regulationSections } from './regulations-text';

/** Subjects from outside the appraisee's own organisation; a rater of the appraisee's unit is excluded. */
export const EXTERNAL_SUBJECTS = ['expert', 'deputy', 'third_party', 'public', 'service_recipient'];

const frozen = (c: CycleRow) => STAGES.indexOf(c.stage) >= STAGES.indexOf('evaluation');

/** The rules a cycle's results are computed from: its frozen version, published as the regulations. */
export interface FrozenRules {
  version: number;
  frozenAt: Date;
  rules: CycleRules;
  gradeScheme: GradeScheme;
}

/** The latest frozen rules version of a cycle (the regulations), or null before evaluation. */
export async function frozenRulesOrNull(db: DbOrTx, cycleId: string): Promise<FrozenRules | null> {
  const [v] = await db
    .select()
    .from(cycleRuleVersions)
    .where(and(eq(cycleRuleVersions.cycleId, cycleId), isNotNull(cycleRuleVersions.frozenAt)))
    .orderBy(desc(cycleRuleVersions.version))
    .limit(1);
  if (!v) return null;
  return {
    version: v.version,
    frozenAt: v.frozenAt!,
    rules: rulesOf(v.rules),
    gradeScheme: v.gradeScheme ?? DEFAULT_GRADE_SCHEME,
  };
}

/**
 * The frozen rules a cycle's results are computed from; never the live `cycles.rules` column, so
 * that what computes is what the portal publishes. 409 `rules_not_frozen` when there is none.
 */
export async function frozenRules(db: DbOrTx, cycleId: string): Promise<FrozenRules> {
  const v = await frozenRulesOrNull(db, cycleId);
  if (!v)
    throw conflict(
      'The cycle has no frozen rules: results are computed from the rules frozen when evaluation starts',
      [{ path: 'rules', message: 'not frozen' }],
      'rules_not_frozen',
    );
  return v;
}

/** The cycle's rules in force (the frozen version once frozen) and their version history. */
export async function getRules(db: Db, cycleId: string) {
  const cycle = await getCycle(db, cycleId);
  const versions = await db
    .select()
    .from(cycleRuleVersions)
    .where(eq(cycleRuleVersions.cycleId, cycleId))
    .orderBy(asc(cycleRuleVersions.version));
  const isFrozen = frozen(cycle);
  const fixed = isFrozen ? await frozenRulesOrNull(db, cycleId) : null;
  return {
    rules: fixed ? fixed.rules : rulesOf(cycle.rules),
    gradeScheme: fixed ? fixed.gradeScheme : cycle.gradeScheme,
    frozen: isFrozen,
    versions,
  };
}

/** Changes the rules while the cycle is before evaluation; every change is a new version. */
export async function updateRules(
  db: Db,
  actor: Actor | null,
  cycleId: string,
  input: { rules: CycleRules; gradeScheme?: GradeScheme | null; note?: string },
) {
  const a = requireOffice(actor, 'Changing the rules of a cycle');
  return db.transaction(async (tx) => {
    const cycle = await getCycle(tx, cycleId);
    await assertCycleNotPublished(tx, cycleId);
    if (frozen(cycle))
      throw conflict(
        'The rules are frozen once evaluation has started',
        [{ path: 'rules', message: 'frozen' }],
        'frozen',
      );
    const [last] = await tx
      .select({ version: cycleRuleVersions.version })
      .from(cycleRuleVersions)
      .where(eq(cycleRuleVersions.cycleId, cycleId))
      .orderBy(desc(cycleRuleVersions.version))
      .limit(1);
    const version = (last?.version ?? 0) + 1;
    const gradeScheme = input.gradeScheme === undefined ? cycle.gradeScheme : input.gradeScheme;
    const [row] = await tx
      .insert(cycleRuleVersions)
      .values({
        cycleId,
        version,
        rules: input.rules,
        gradeScheme,
        note: input.note ?? null,
        createdBy: a.id,
      })
      .returning();
    await tx.update(cycles).set({ rules: input.rules, gradeScheme }).where(eq(cycles.id, cycleId));
    await appendAudit(tx, [
      {
        actorId: a.id,
        action: 'cycle.rules.update',
        entityType: 'cycle',
        entityId: cycleId,
        data: { version, ...input },
      },
    ]);
    return row;
  });
}

/**
 * Freezes the rules in force when a cycle enters evaluation (called inside the transition's
 * transaction), and makes `cycles.rules` and `cycles.grade_scheme` mirror the frozen version, so
 * that after freezing there is one set of rules (results read the frozen version itself).
 */
export async function freezeRules(tx: DbOrTx, cycle: CycleRow, actorId: string) {
  const [last] = await tx
    .select()
    .from(cycleRuleVersions)
    .where(eq(cycleRuleVersions.cycleId, cycle.id))
    .orderBy(desc(cycleRuleVersions.version))
    .limit(1);
  const now = new Date();
  let fixed: { rules: CycleRules; gradeScheme: GradeScheme | null };
  if (last && !last.frozenAt) {
    await tx.update(cycleRuleVersions).set({ frozenAt: now }).where(eq(cycleRuleVersions.id, last.id));
    fixed = last;
  } else if (!last) {
    fixed = { rules: rulesOf(cycle.rules), gradeScheme: cycle.gradeScheme };
    await tx.insert(cycleRuleVersions).values({
      cycleId: cycle.id,
      version: 1,
      rules: fixed.rules,
      gradeScheme: fixed.gradeScheme,
      createdBy: actorId,
      frozenAt: now,
    });
  } else fixed = last;
  await tx
    .update(cycles)
    .set({ rules: rulesOf(fixed.rules), gradeScheme: fixed.gradeScheme ?? null })
    .where(eq(cycles.id, cycle.id));
}

/** The frozen rules of a cycle, published as its regulations 考核办法. */
export async function regulations(db: Db, cycleId: string) {
  const cycle = await getCycle(db, cycleId);
  const [v] = await db
    .select()
    .from(cycleRuleVersions)
    .where(and(eq(cycleRuleVersions.cycleId, cycleId), isNotNull(cycleRuleVersions.frozenAt)))
    .orderBy(desc(cycleRuleVersions.version))
    .limit(1);
  if (!v) throw notFound('Published regulations');
  // rulesOf fills defaults (missingData: 'incomplete' for versions frozen before that rule existed).
  return {
    cycle: { id: cycle.id, code: cycle.code, name: cycle.name, nameEn: cycle.nameEn },
    version: v.version,
    frozenAt: v.frozenAt!,
    rules: rulesOf(v.rules),
    // The scheme the computation grades with (the domain default when the version stores none).
    gradeScheme: v.gradeScheme ?? DEFAULT_GRADE_SCHEME,
    // Every rule in words, generated from these rule objects (regulations-text.ts).
    text: {
      'zh-CN': regulationSections(rulesOf(v.rules), v.gradeScheme ?? DEFAULT_GRADE_SCHEME, cycle.type, 'zh'),
      en: regulationSections(rulesOf(v.rules), v.gradeScheme ?? DEFAULT_GRADE_SCHEME, cycle.type, 'en'),
    },
  };
}

/** Org paths a user belongs to: units of role assignments and of the cadre record. */
async function unitPathsOf(tx: DbOrTx, userIds: string[]) {
  const out = new Map<string, string[]>();
  if (userIds.length === 0) return out;
  const fromRoles = await tx
    .select({ userId: roleAssignments.userId, path: orgUnits.path })
    .from(roleAssignments)
    .innerJoin(orgUnits, eq(orgUnits.id, roleAssignments.orgUnitId))
    .where(inArray(roleAssignments.userId, userIds));
  const fromPeople = await tx
    .select({ userId: people.userId, path: orgUnits.path })
    .from(people)
    .innerJoin(orgUnits, eq(orgUnits.id, people.orgUnitId))
    .where(inArray(people.userId, userIds));
  for (const r of [...fromRoles, ...fromPeople]) out.set(r.userId!, [...(out.get(r.userId!) ?? []), r.path]);
  return out;
}

/**
 * Assigns a rater panel of one subject type to plans. Conflicts of interest are excluded and
 * reported: rating oneself, and rating one's own unit (or a unit above or below it) as an external subject.
 */
export async function assignTasks(
  db: Db,
  actor: Actor | null,
  input: { cycleId: string; planIds: string[]; subjectType: string; raterIds: string[] },
) {
  const a = requireOffice(actor, 'Assigning rater panels');
  return db.transaction(async (tx) => {
    await getCycle(tx, input.cycleId);
    await assertCycleNotPublished(tx, input.cycleId);
    const planRows = await tx
      .select({ id: plans.id, cycleId: plans.cycleId, orgPath: orgUnits.path, personUserId: people.userId })
      .from(plans)
      .innerJoin(orgUnits, eq(orgUnits.id, plans.orgUnitId))
      .leftJoin(people, eq(people.id, plans.personId))
      .where(inArray(plans.id, input.planIds));
    const details = input.planIds
      .map((id, i) => ({ id, i }))
      .filter(({ id }) => !planRows.some((p) => p.id === id && p.cycleId === input.cycleId))
      .map(({ i }) => ({ path: `planIds.${i}`, message: 'no such plan in this cycle' }));
    const known = await tx.select({ id: users.id }).from(users).where(inArray(users.id, input.raterIds));
    input.raterIds.forEach((id, i) => {
      if (!known.some((u) => u.id === id)) details.push({ path: `raterIds.${i}`, message: 'no such user' });
    });
    if (details.length) throw badRequest('Unknown plans or raters; nothing was assigned', details);
    const unitPaths = await unitPathsOf(tx, input.raterIds);
    const external = EXTERNAL_SUBJECTS.includes(input.subjectType);
    const rows: (typeof evaluationTasks.$inferInsert)[] = [];
    const skipped: { planId: string; raterId: string; reason: string }[] = [];
    for (const p of planRows) {
      for (const raterId of input.raterIds) {
        if (p.personUserId === raterId) {
          skipped.push({ planId: p.id, raterId, reason: 'self-rating' });
          continue;
        }
        const own = (unitPaths.get(raterId) ?? []).some(
          (up) => p.orgPath.startsWith(up) || up.startsWith(p.orgPath),
        );
        if (external && own && p.orgPath !== '/city/') {
          skipped.push({
            planId: p.id,
            raterId,
            reason: 'rater belongs to the appraisee’s unit (external subject)',
          });
          continue;
        }
        rows.push({ cycleId: input.cycleId, planId: p.id, raterId, subjectType: input.subjectType });
      }
    }
    const created = rows.length
      ? await tx
          .insert(evaluationTasks)
          .values(rows)
          .onConflictDoNothing()
          .returning({ id: evaluationTasks.id })
      : [];
    await appendAudit(tx, [
      {
        actorId: a.id,
        action: 'evaluation.tasks.assign',
        entityType: 'cycle',
        entityId: input.cycleId,
        data: { ...input, created: created.length, skipped },
      },
    ]);
    return { created: created.length, skipped };
  });
}

/** Panels of a cycle: per plan and subject, raters assigned and ratings received (office). */
export async function listPanels(db: Db, actor: Actor | null, cycleId: string) {
  requireOffice(actor, 'Rater panels');
  const tasks = await db
    .select({
      planId: evaluationTasks.planId,
      subjectType: evaluationTasks.subjectType,
      n: sql<number>`count(*)::int`,
    })
    .from(evaluationTasks)
    .where(eq(evaluationTasks.cycleId, cycleId))
    .groupBy(evaluationTasks.planId, evaluationTasks.subjectType);
  const rated = await db
    .select({
      planId: ratings.planId,
      subjectType: ratings.subjectType,
      raters: sql<number>`count(distinct ${ratings.raterId})::int`,
    })
    .from(ratings)
    .where(eq(ratings.cycleId, cycleId))
    .groupBy(ratings.planId, ratings.subjectType);
  const key = (p: string, s: string) => `${p}|${s}`;
  const ratedBy = new Map(rated.map((r) => [key(r.planId, r.subjectType), r.raters]));
  return tasks.map((t) => ({ ...t, raters: t.n, rated: ratedBy.get(key(t.planId, t.subjectType)) ?? 0 }));
}

/** Creates a scoped account for a third-party evaluation organisation; the password is shown once. */
export async function createThirdParty(
  db: Db,
  actor: Actor | null,
  input: { username: string; displayName: string; displayNameEn?: string },
) {
  const a = requireOffice(actor, 'Creating third-party accounts');
  const password = randomBytes(12).toString('base64url');
  const passwordHash = await hashPassword(password);
  try {
    return await db.transaction(async (tx) => {
      const [u] = await tx
        .insert(users)
        .values({
          username: input.username,
          displayName: input.displayName,
          displayNameEn: input.displayNameEn,
          passwordHash,
        })
        .returning();
      await tx.insert(roleAssignments).values({ userId: u.id, role: 'evaluator', orgUnitId: null });
      await appendAudit(tx, [
        { actorId: a.id, action: 'user.create.third_party', entityType: 'user', entityId: u.id, data: input },
      ]);
      return { user: { id: u.id, username: u.username, displayName: u.displayName }, password };
    });
  } catch (err) {
    if (isUniqueViolation(err))
      throw conflict('This username is taken', [{ path: 'username', message: 'taken' }]);
    throw err;
  }
}

/**
 * Rater quality 评分质量: each rater's leniency or severity against the panels they sat on, and
 * the agreement of each subject's panels (Krippendorff's alpha, interval level; units are
 * plan × indicator, coders the raters). Public ratings are left out (they are not panels).
 */
export async function raterQuality(db: Db, actor: Actor | null, cycleId: string) {
  requireOffice(actor, 'Rater quality');
  await getCycle(db, cycleId);
  const rows = await db
    .select({
      raterId: ratings.raterId,
      planId: ratings.planId,
      code: ratings.indicatorCode,
      subject: ratings.subjectType,
      score: ratings.score,
      username: users.username,
      displayName: users.displayName,
    })
    .from(ratings)
    .innerJoin(users, eq(users.id, ratings.raterId))
    .where(and(eq(ratings.cycleId, cycleId), sql`${ratings.subjectType} <> 'public'`));
  const bySubject = new Map<string, typeof rows>();
  for (const r of rows) bySubject.set(r.subject, [...(bySubject.get(r.subject) ?? []), r]);
  const raters: {
    raterId: string;
    username: string;
    displayName: string;
    subjectType: string;
    n: number;
    meanDeviation: number;
    flag: 'lenient' | 'severe' | null;
  }[] = [];
  const panels: {
    subjectType: string;
    units: number;
    raters: number;
    ratings: number;
    alpha: number | null;
  }[] = [];
  for (const [subject, list] of bySubject) {
    const lenient = raterLeniency(
      list.map((r) => ({ raterId: r.raterId, targetId: `${r.planId}|${r.code}`, score: r.score })),
      {
        leaveOneOut: true,
      },
    );
    const who = new Map(list.map((r) => [r.raterId, r]));
    for (const l of lenient) {
      raters.push({
        raterId: l.raterId,
        username: who.get(l.raterId)!.username,
        displayName: who.get(l.raterId)!.displayName,
        subjectType: subject,
        n: l.n,
        meanDeviation: l.meanDeviation,
        flag: l.meanDeviation > 5 ? 'lenient' : l.meanDeviation < -5 ? 'severe' : null,
      });
    }
    const raterIds = [...new Set(list.map((r) => r.raterId))];
    const col = new Map(raterIds.map((id, i) => [id, i]));
    const units = new Map<string, (number | null)[]>();
    for (const r of list) {
      const k = `${r.planId}|${r.code}`;
      const row = units.get(k) ?? new Array<number | null>(raterIds.length).fill(null);
      row[col.get(r.raterId)!] = r.score;
      units.set(k, row);
    }
    let alpha: number | null = null;
    try {
      const a = krippendorffAlpha([...units.values()], 'interval');
      alpha = Number.isFinite(a) ? a : null;
    } catch {
      alpha = null; // too few pairable values
    }
    panels.push({
      subjectType: subject,
      units: units.size,
      raters: raterIds.length,
      ratings: list.length,
      alpha,
    });
  }
  raters.sort((x, y) => Math.abs(y.meanDeviation) - Math.abs(x.meanDeviation));
  return { raters, panels };
}

export { CycleRulesSchema };

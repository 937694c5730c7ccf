import { and, desc, eq } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { actualValues, appeals, cycles, indicatorNodes, results } from '../../db/schema';
import { coversOrg, hasRole, isOffice, requireActor, requireOffice, type Actor } from '../../lib/actor';
import { badRequest, conflict, forbidden, isUniqueViolation, notFound } from '../../lib/errors';
import { appendAudit } from '../audit/service';
import { rulesOf } from '../evaluation/rules';
import { loadPlanScope, type PlanScope } from '../plans/access';
import { reviseResults } from '../results/publication';

const DAY = 24 * 60 * 60 * 1000;

/** The appraisee side of a plan: its cadre, or a manager of its unit (or of a unit above it). */
export const isAppraiseeSide = (a: Actor, s: Pick<PlanScope, 'personUserId' | 'orgPath'>) =>
  s.personUserId === a.id || coversOrg(a, s.orgPath, 'unit_manager');

/**
 * Whether the actor has appeals to see (the appeals page): the office all, a unit manager and a cadre
 * (role `appraisee`, the account its plans name) those of their own side ({@link listAppeals}).
 */
export const seesAppeals = (a: Actor | null) => isOffice(a) || hasRole(a, 'unit_manager', 'appraisee');

type CycleRow = typeof cycles.$inferSelect;

/** Whether appeals are open on the cycle's results now: published, and the appeal window not over. */
export const appealWindowOpen = (cycle: Pick<CycleRow, 'resultsPublishedAt' | 'rules'>, now = Date.now()) =>
  !!cycle.resultsPublishedAt &&
  now <= cycle.resultsPublishedAt.getTime() + rulesOf(cycle.rules).appealWindowDays * DAY;

/**
 * What the actor may do with a result: appeal it when on its appraisee side and the window is open —
 * the two checks {@link fileAppeal} enforces (the indicator and the pending rule are per request).
 */
export const resultPermissions = (
  actor: Actor | null,
  scope: Pick<PlanScope, 'personUserId' | 'orgPath'>,
  cycle: Pick<CycleRow, 'resultsPublishedAt' | 'rules'>,
) => ({ appeal: !!actor && isAppraiseeSide(actor, scope) && appealWindowOpen(cycle) });

/** {@link resultPermissions} of a stored result (its plan's scope and its cycle loaded). */
export async function resultPermissionsOf(
  db: Db,
  actor: Actor | null,
  result: { planId: string; cycleId: string },
) {
  const [cycle] = await db.select().from(cycles).where(eq(cycles.id, result.cycleId));
  return resultPermissions(actor, await loadPlanScope(db, result.planId), cycle);
}

/**
 * What the actor may do with an appeal: decide it (the office, while pending; {@link decideAppeal}); attach
 * evidence files (a party to it — `party`: on its appraisee side — or the office, while pending; files.ts).
 */
export const appealPermissions = (
  actor: Actor | null,
  appeal: Pick<AppealRow, 'status'>,
  party: boolean,
) => ({
  decide: isOffice(actor) && appealIsOpen(appeal),
  attach: appealIsOpen(appeal) && (isOffice(actor) || party),
});

/** An appeal not decided yet: the only one decided ({@link decideAppeal}) or given evidence (files.ts). */
export const appealIsOpen = (appeal: Pick<AppealRow, 'status'>) => appeal.status === 'pending';

type AppealRow = typeof appeals.$inferSelect;
const withCan = (actor: Actor | null, a: AppealRow, party = false) => ({
  ...a,
  can: appealPermissions(actor, a, party),
});

/**
 * An appraisee appeals 申诉 one indicator's score of a published result, within the cycle's
 * appeal window, with reasons and evidence. One open appeal per result and indicator.
 */
export async function fileAppeal(
  db: Db,
  actor: Actor | null,
  resultId: string,
  input: { indicatorCode: string; reason: string; evidence?: string[] },
) {
  const a = requireActor(actor);
  try {
    return await fileAppealTx(db, a, resultId, input);
  } catch (err) {
    if (isUniqueViolation(err)) throw pendingConflict();
    throw err;
  }
}

const pendingConflict = () =>
  conflict('An appeal of this indicator is already pending', [{ path: 'indicatorCode', message: 'pending' }]);

function fileAppealTx(
  db: Db,
  a: Actor,
  resultId: string,
  input: { indicatorCode: string; reason: string; evidence?: string[] },
) {
  return db.transaction(async (tx) => {
    const [result] = await tx.select().from(results).where(eq(results.id, resultId));
    if (!result) throw notFound('Result');
    const scope = await loadPlanScope(tx, result.planId);
    if (!isAppraiseeSide(a, scope)) throw forbidden('Only the appraisee or its unit may appeal this result');
    const [cycle] = await tx.select().from(cycles).where(eq(cycles.id, result.cycleId));
    const window = rulesOf(cycle.rules).appealWindowDays;
    if (!cycle.resultsPublishedAt)
      throw conflict('Appeals open when the results are published', [
        { path: 'resultId', message: 'not published' },
      ]);
    if (!appealWindowOpen(cycle))
      throw conflict(`The appeal window of ${window} days after publication has closed`, [
        { path: 'resultId', message: 'appeal window closed' },
      ]);
    const [node] = await tx
      .select({ code: indicatorNodes.code })
      .from(indicatorNodes)
      .where(and(eq(indicatorNodes.planId, result.planId), eq(indicatorNodes.code, input.indicatorCode)));
    if (!node)
      throw badRequest(`No indicator ${input.indicatorCode} in this plan`, [
        { path: 'indicatorCode', message: 'unknown' },
      ]);
    const [open] = await tx
      .select({ id: appeals.id })
      .from(appeals)
      .where(
        and(
          eq(appeals.resultId, resultId),
          eq(appeals.indicatorCode, input.indicatorCode),
          eq(appeals.status, 'pending'),
        ),
      );
    if (open) throw pendingConflict();
    const [row] = await tx
      .insert(appeals)
      .values({
        resultId,
        planId: result.planId,
        indicatorCode: input.indicatorCode,
        reason: input.reason,
        evidence: input.evidence ?? [],
        appellantId: a.id,
        totalBefore: { total: result.total, grade: result.grade, rank: result.rank },
      })
      .returning();
    await appendAudit(tx, [
      { actorId: a.id, action: 'appeal.file', entityType: 'appeal', entityId: row.id, data: input },
    ]);
    return withCan(a, row, true);
  });
}

/** Appeals the actor may see: all for the office, its own side's otherwise. */
export async function listAppeals(db: Db, actor: Actor | null, opts: { cycleId?: string }) {
  const a = requireActor(actor);
  const rows = await db
    .select({ appeal: appeals, cycleId: results.cycleId })
    .from(appeals)
    .innerJoin(results, eq(results.id, appeals.resultId))
    .where(opts.cycleId ? eq(results.cycleId, opts.cycleId) : undefined)
    .orderBy(desc(appeals.createdAt));
  if (isOffice(a)) return rows.map((r) => withCan(a, r.appeal));
  const visible = [];
  for (const r of rows)
    if (isAppraiseeSide(a, await loadPlanScope(db, r.appeal.planId)))
      visible.push(withCan(a, r.appeal, true));
  return visible;
}

/**
 * The reviewer decides. Accepting with a corrected value stores it as a verified value of the
 * cycle's year and recomputes the cycle in the same transaction, so the new score, grade and rank
 * are in place (or nothing is) when the decision is recorded; on a published cycle every result
 * whose published figures change gets a new revision (reviseResults). Two officers deciding one
 * appeal: the appeal row is locked, and the later decision gets 409 `appeal_decided` with the state.
 */
export async function decideAppeal(
  db: Db,
  actor: Actor | null,
  id: string,
  input: {
    decision: 'accepted' | 'rejected';
    reason: string;
    correction?: { value: number; period?: string };
  },
) {
  const a = requireOffice(actor, 'Deciding appeals');
  return db.transaction(async (tx) => {
    const [appeal] = await tx.select().from(appeals).where(eq(appeals.id, id)).for('update');
    if (!appeal) throw notFound('Appeal');
    if (!appealIsOpen(appeal)) throw decided(appeal);
    const [result] = await tx.select().from(results).where(eq(results.id, appeal.resultId));
    const [cycle] = await tx.select().from(cycles).where(eq(cycles.id, result.cycleId));
    let totalAfter = appeal.totalBefore;
    let revisions: Awaited<ReturnType<typeof reviseResults>> = [];
    if (input.decision === 'accepted' && input.correction) {
      const period = input.correction.period ?? cycle.periodEnd.slice(0, 4);
      const [previous] = await tx
        .select({ value: actualValues.value, version: actualValues.version })
        .from(actualValues)
        .where(
          and(
            eq(actualValues.planId, appeal.planId),
            eq(actualValues.indicatorCode, appeal.indicatorCode),
            eq(actualValues.period, period),
          ),
        );
      const [value] = await tx
        .insert(actualValues)
        .values({
          planId: appeal.planId,
          indicatorCode: appeal.indicatorCode,
          period,
          value: input.correction.value,
          note: `appeal correction: ${input.reason}`,
          status: 'verified',
          reportedBy: appeal.appellantId,
          verifiedBy: a.id,
          verifiedAt: new Date(),
        })
        .onConflictDoUpdate({
          target: [actualValues.planId, actualValues.indicatorCode, actualValues.period],
          set: {
            value: input.correction.value,
            note: `appeal correction: ${input.reason}`,
            status: 'verified',
            reason: null,
            verifiedBy: a.id,
            verifiedAt: new Date(),
            version: (previous?.version ?? 0) + 1,
          },
        })
        .returning();
      await appendAudit(tx, [
        {
          actorId: a.id,
          action: 'value.correct.appeal',
          entityType: 'actual_value',
          entityId: value.id,
          data: { appealId: id, value: input.correction.value, period },
          entity: value,
        },
      ]);
      // Recomputed past the freeze (nested transaction): commits with the decision or not at all.
      revisions = await reviseResults(tx, a, cycle, {
        kind: 'appeal',
        reason: input.reason,
        planId: appeal.planId,
        appealId: id,
        input: {
          indicatorCode: appeal.indicatorCode,
          period,
          from: previous?.value ?? null,
          to: input.correction.value,
        },
      });
      const [after] = await tx.select().from(results).where(eq(results.id, result.id));
      totalAfter = { total: after.total, grade: after.grade, rank: after.rank };
    }
    const [updated] = await tx
      .update(appeals)
      .set({
        status: input.decision,
        reviewerId: a.id,
        decisionReason: input.reason,
        correction: input.correction ?? null,
        totalAfter,
        decidedAt: new Date(),
      })
      .where(and(eq(appeals.id, id), eq(appeals.status, 'pending')))
      .returning();
    if (!updated) {
      const [now] = await tx.select().from(appeals).where(eq(appeals.id, id));
      throw decided(now);
    }
    await appendAudit(tx, [
      {
        actorId: a.id,
        action: `appeal.${input.decision}`,
        entityType: 'appeal',
        entityId: id,
        data: { ...input, totalAfter, revisions: revisions.map((r) => r.id) },
      },
    ]);
    return {
      appeal: withCan(a, updated),
      revisions: revisions.map((r) => ({ resultId: r.resultId, planId: r.planId, revision: r.revision })),
    };
  });
}

/** The 409 of a decision on an appeal decided meanwhile, naming its current state. */
const decided = (appeal: typeof appeals.$inferSelect) =>
  conflict(
    `The appeal was already ${appeal.status}${appeal.decidedAt ? ` at ${appeal.decidedAt.toISOString()}` : ''}`,
    [{ path: 'status', message: `current: ${appeal.status}` }],
    'appeal_decided',
  );

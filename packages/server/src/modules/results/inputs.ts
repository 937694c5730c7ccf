import { and, eq, inArray } from 'drizzle-orm';
import type { Rating } from '@perfcommons/domain';
import type { DbOrTx } from '../../db/client';
import { actualValues, planInputVersions, ratings } from '../../db/schema';
import { canonicalJson, sha256 } from '../../lib/hash';
import type { CycleRow } from '../cycles/service';
import type { CycleRules } from '../evaluation/rules';
import { surveyInputsForCycle } from '../surveys/analysis';

/**
 * What scores a plan: its verified values (one per indicator: the period matching the cycle's year,
 * else the latest verified one), its ratings, and the published surveys' satisfaction estimates that
 * join the public panel. Read the same way by the bulk compute and by the explanation of one result,
 * so that both score the same inputs.
 */
export interface InputVisitor {
  value(planId: string, code: string, value: number): void;
  rating(planId: string, code: string, rating: Rating): void;
}

/** Whether a verified value of `period` replaces the one already chosen (of `chosen`, if any). */
export function preferPeriod(chosen: string | undefined, period: string, annual: string): boolean {
  return chosen === undefined || period === annual || (chosen !== annual && period > chosen);
}

/** Streams the verified values and the ratings of `planIds` (a chunk) into `visit`. */
export async function readInputs(
  tx: DbOrTx,
  cycle: CycleRow,
  planIds: string[],
  surveys: SurveyFeeds,
  visit: InputVisitor,
): Promise<void> {
  if (planIds.length === 0) return;
  const annual = cycle.periodEnd.slice(0, 4);
  const valueRows = await tx
    .select({
      planId: actualValues.planId,
      code: actualValues.indicatorCode,
      period: actualValues.period,
      value: actualValues.value,
    })
    .from(actualValues)
    .where(and(inArray(actualValues.planId, planIds), eq(actualValues.status, 'verified')));
  // Most plans report one period per indicator; the choice needs memory only when they report more.
  const chosen = new Map<string, string>();
  const picked = new Map<string, number>();
  for (const v of valueRows) {
    const key = `${v.planId}\u0000${v.code}`;
    if (preferPeriod(chosen.get(key), v.period, annual)) {
      chosen.set(key, v.period);
      picked.set(key, v.value);
    }
  }
  for (const [key, value] of picked) {
    const cut = key.indexOf('\u0000');
    visit.value(key.slice(0, cut), key.slice(cut + 1), value);
  }
  const ratingRows = await tx
    .select({
      planId: ratings.planId,
      code: ratings.indicatorCode,
      subject: ratings.subjectType,
      score: ratings.score,
      weight: ratings.weight,
      raterId: ratings.raterId,
    })
    .from(ratings)
    .where(and(eq(ratings.cycleId, cycle.id), inArray(ratings.planId, planIds)));
  for (const r of ratingRows)
    visit.rating(r.planId, r.code, {
      subject: r.subject as Rating['subject'],
      score: r.score,
      weight: r.weight,
      raterId: r.raterId,
    });
  for (const planId of planIds)
    for (const f of surveys.byPlan.get(planId) ?? [])
      // Published satisfaction surveys join the public panel, weighted by their effective sample
      // size, as estimates: never trimmed away like one outlying rater.
      visit.rating(planId, f.indicatorCode, {
        subject: 'public',
        score: f.score,
        weight: f.weight,
        raterId: f.raterId,
        estimate: true,
      });
}

/** The published surveys' estimates of a cycle by plan, with a digest per plan for the inputs key. */
export interface SurveyFeeds {
  byPlan: Map<string, { indicatorCode: string; score: number; weight: number; raterId: string }[]>;
  digest(planId: string): string;
}

export async function surveyFeeds(tx: DbOrTx, cycleId: string): Promise<SurveyFeeds> {
  const byPlan: SurveyFeeds['byPlan'] = new Map();
  for (const f of await surveyInputsForCycle(tx, cycleId)) {
    const list = byPlan.get(f.planId) ?? [];
    list.push({ indicatorCode: f.indicatorCode, score: f.score, weight: f.weight, raterId: f.raterId });
    byPlan.set(f.planId, list);
  }
  const digests = new Map([...byPlan].map(([id, list]) => [id, sha256(canonicalJson(list)).slice(0, 16)]));
  return { byPlan, digest: (planId) => digests.get(planId) ?? '-' };
}

/** Current inputs counters (plan_input_versions) of the given plans; absent = 0. */
export async function inputVersions(tx: DbOrTx, planIds: string[]): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (let i = 0; i < planIds.length; i += 5000) {
    const rows = await tx
      .select()
      .from(planInputVersions)
      .where(inArray(planInputVersions.planId, planIds.slice(i, i + 5000)));
    for (const r of rows) out.set(r.planId, r.version);
  }
  return out;
}

/** Digest of everything in a cycle's rules and grade scheme (any change rescores and rewrites). */
export const rulesDigest = (rules: CycleRules, scheme: unknown) =>
  sha256(canonicalJson({ rules, scheme })).slice(0, 16);

/**
 * The key of what a plan's own score was computed from: tree version, inputs counter, rules, surveys.
 * Equal keys ⇒ equal inputs ⇒ the stored own score still holds.
 */
export const inputsKey = (planVersion: number, inputsVersion: number, rules: string, survey: string) =>
  `t${planVersion}.i${inputsVersion}.r${rules}.s${survey}`;

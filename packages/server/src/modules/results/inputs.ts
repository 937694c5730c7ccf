import { inArray, sql, type SQL } from 'drizzle-orm';
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

/** Rows of a raw query, on either driver (node-postgres and PGlite both answer `{ rows }`). */
async function rowsOf<T>(tx: DbOrTx, query: SQL): Promise<T[]> {
  return ((await tx.execute(query)) as unknown as { rows: T[] }).rows;
}

/**
 * Streams the verified values and the ratings of `planIds` (a chunk) into `visit`. Raw statements:
 * a bulk recompute reads millions of these rows, and plain rows cost a fraction of mapped ones.
 */
export async function readInputs(
  tx: DbOrTx,
  cycle: CycleRow,
  planIds: string[],
  surveys: SurveyFeeds,
  visit: InputVisitor,
): Promise<void> {
  if (planIds.length === 0) return;
  // One value per indicator: the period of the cycle's year, else the latest verified period.
  const values = await rowsOf<{ plan_id: string; code: string; value: number }>(
    tx,
    sql`select distinct on (plan_id, indicator_code) plan_id, indicator_code as code, value
        from actual_values where ${inArray(actualValues.planId, planIds)} and status = 'verified'
        order by plan_id, indicator_code, (period = ${cycle.periodEnd.slice(0, 4)}) desc, period desc`,
  );
  for (const v of values) visit.value(v.plan_id, v.code, v.value);
  // By plan only: a plan's ratings are all of its cycle, and the plan index then serves the chunk.
  const rated = await rowsOf<{
    plan_id: string;
    code: string;
    subject: string;
    score: number;
    weight: number;
    rater_id: string;
  }>(
    tx,
    sql`select plan_id, indicator_code as code, subject_type as subject, score, weight, rater_id
        from ratings where ${inArray(ratings.planId, planIds)}`,
  );
  for (const r of rated)
    visit.rating(r.plan_id, r.code, {
      subject: r.subject as Rating['subject'],
      score: r.score,
      weight: r.weight,
      raterId: r.rater_id,
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

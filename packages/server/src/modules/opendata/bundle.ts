/**
 * The open data bundle of a published cycle (docs/open-data.md): regulations, trees, verified values,
 * rater panels without rater identities, survey estimates and the published results with their revision
 * numbers — everything `perfcommons verify-bundle` needs to recompute every result without a database.
 *
 * Read the same way the compute reads its inputs (readInputs' rules: verified values only, every rating
 * of the plan, the published surveys' estimates, the active findings), from the frozen rules version. Serialised as canonical
 * JSON (sorted keys), so the same published data always gives the same bytes and the same SHA-256.
 */
import { and, eq, gte, inArray, lte, ne, sql } from 'drizzle-orm';
import {
  BUNDLE_FORMAT,
  BUNDLE_FORMAT_VERSION,
  disclosesConsequences,
  disclosesResult,
  PANEL_DISCLOSURE_MINIMUM,
  panel,
  scoreOptionsOf,
  type BundleFinding,
  type BundlePanel,
  type OpenDataBundle,
  type Rating,
  type SubjectType,
} from '@perfcommons/domain';
import { rowsOf, type Db } from '../../db/client';
import {
  actualValues,
  consequences,
  cycles,
  linkageFindings,
  orgUnits,
  people,
  plans,
  ratings,
  resultRevisions,
  results,
  surveys,
} from '../../db/schema';
import { notFound } from '../../lib/errors';
import { canonicalJson, sha256 } from '../../lib/hash';
import { getCycle } from '../cycles/service';
import { frozenRules } from '../evaluation/service';
import { getDisclosure } from '../results/disclosure';
import { surveyFeeds } from '../results/inputs';
import { loadPlanTrees } from '../results/trees';

export const LICENCE = {
  name: 'CC BY 4.0',
  url: 'https://creativecommons.org/licenses/by/4.0/',
  note: 'Free to copy, analyse and republish with attribution to the publishing government and a link to this bundle.',
};

/** Builds the bundle of a published cycle; 404 when the cycle's results are not published. */
export async function buildBundle(db: Db, cycleId: string): Promise<OpenDataBundle> {
  const cycle = await getCycle(db, cycleId);
  if (!cycle.resultsPublishedAt) throw notFound('Published results of this cycle');
  const frozen = await frozenRules(db, cycleId);
  const rules = frozen.rules;
  // The cycle's disclosure policy: withheld results leave out their plan and every input of it.
  const policy = await getDisclosure(db, cycleId);
  const typeOf = new Map(
    (
      await db
        .select({ id: plans.id, appraiseeType: plans.appraiseeType })
        .from(plans)
        .where(eq(plans.cycleId, cycleId))
    ).map((p) => [p.id, p.appraiseeType]),
  );
  const resultRows = (
    await db.select().from(results).where(eq(results.cycleId, cycleId)).orderBy(results.planId)
  ).filter((r) => disclosesResult(policy, typeOf.get(r.planId) ?? 'unit'));
  const planIds = resultRows.map((r) => r.planId);
  const planRows = planIds.length
    ? await db
        .select({
          id: plans.id,
          appraiseeType: plans.appraiseeType,
          orgUnitId: plans.orgUnitId,
          orgCode: orgUnits.code,
          personId: plans.personId,
          orgName: orgUnits.name,
          orgNameEn: orgUnits.nameEn,
          personName: people.name,
          personNameEn: people.nameEn,
          peerGroup: plans.peerGroup,
        })
        .from(plans)
        .innerJoin(orgUnits, eq(orgUnits.id, plans.orgUnitId))
        .leftJoin(people, eq(people.id, plans.personId))
        .where(inArray(plans.id, planIds))
        .orderBy(plans.id)
    : [];
  const trees = await loadPlanTrees(db, planIds);

  const values = planIds.length
    ? await db
        .select({
          planId: actualValues.planId,
          indicatorCode: actualValues.indicatorCode,
          period: actualValues.period,
          value: actualValues.value,
          status: actualValues.status,
        })
        .from(actualValues)
        .where(inArray(actualValues.planId, planIds))
        .orderBy(actualValues.planId, actualValues.indicatorCode, actualValues.period)
    : [];
  const verified = values.filter((v) => v.status === 'verified').map(({ status: _s, ...v }) => v);
  const unverified = [
    ...new Map(
      values
        .filter((v) => v.status !== 'verified')
        .map((v) => [`${v.planId}|${v.indicatorCode}`, { planId: v.planId, indicatorCode: v.indicatorCode }]),
    ).values(),
  ];

  // Panels: ratings grouped by plan, indicator and subject; rater ids are never read.
  const feeds = await surveyFeeds(db, cycleId);
  const surveyCodes = new Map(
    (
      await db
        .select({ id: surveys.id, code: surveys.code })
        .from(surveys)
        .where(eq(surveys.cycleId, cycleId))
    ).map((s) => [s.id, s.code]),
  );
  const estimates: OpenDataBundle['surveyEstimates'] = [];
  const estimateRatings = new Map<string, Rating[]>();
  for (const planId of planIds)
    for (const f of feeds.byPlan.get(planId) ?? []) {
      estimates.push({
        planId,
        indicatorCode: f.indicatorCode,
        score: f.score,
        weight: f.weight,
        survey: surveyCodes.get(f.raterId.replace(/^survey:/, '')) ?? 'survey',
      });
      const k = `${planId}|${f.indicatorCode}|public`;
      estimateRatings.set(k, [
        ...(estimateRatings.get(k) ?? []),
        { subject: 'public', score: f.score, weight: f.weight, estimate: true },
      ]);
    }
  const grouped = new Map<
    string,
    { planId: string; code: string; subject: SubjectType; list: { score: number; weight: number }[] }
  >();
  if (planIds.length)
    for (const r of await db
      .select({
        planId: ratings.planId,
        code: ratings.indicatorCode,
        subject: ratings.subjectType,
        score: ratings.score,
        weight: ratings.weight,
      })
      .from(ratings)
      .where(inArray(ratings.planId, planIds))) {
      const k = `${r.planId}|${r.code}|${r.subject}`;
      const g = grouped.get(k) ?? { planId: r.planId, code: r.code, subject: r.subject, list: [] };
      g.list.push({ score: r.score, weight: r.weight });
      grouped.set(k, g);
    }
  const options = scoreOptionsOf(rules);
  const panels: BundlePanel[] = [...grouped.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, g]) => {
      const base = {
        planId: g.planId,
        indicatorCode: g.code,
        subject: g.subject,
        raters: g.list.length,
      };
      if (g.list.length >= PANEL_DISCLOSURE_MINIMUM)
        return {
          ...base,
          ratings: [...g.list].sort((x, y) => x.score - y.score || x.weight - y.weight),
        };
      // A small panel: only its figure, as the compute's panel() gives it.
      const p = panel(
        g.subject,
        [
          ...g.list.map((r) => ({ subject: g.subject, score: r.score, weight: r.weight })),
          ...(estimateRatings.get(k) ?? []),
        ],
        options,
        g.code,
      );
      return p.insufficient ? { ...base, insufficient: true } : { ...base, used: p.used };
    });

  // Active findings on deduction items (they add to the item's input, as readInputs reads them). The
  // document is named where the result's consequences are published; a cadre's whose consequences are
  // withheld gets only the item's total points, enough to recompute the result.
  const findings: BundleFinding[] = [];
  if (planIds.length) {
    const rows = await db
      .select({
        planId: linkageFindings.planId,
        indicatorCode: linkageFindings.indicatorCode,
        kind: linkageFindings.kind,
        docTitle: linkageFindings.docTitle,
        docNumber: linkageFindings.docNumber,
        docDate: linkageFindings.docDate,
        points: linkageFindings.points,
      })
      .from(linkageFindings)
      .where(and(inArray(linkageFindings.planId, planIds), eq(linkageFindings.status, 'active')))
      .orderBy(
        linkageFindings.planId,
        linkageFindings.indicatorCode,
        linkageFindings.docDate,
        linkageFindings.docNumber,
        linkageFindings.id,
      );
    const summed = new Map<string, BundleFinding>();
    for (const f of rows) {
      if (disclosesConsequences(policy, typeOf.get(f.planId) ?? 'unit')) {
        findings.push(f);
        continue;
      }
      const k = `${f.planId}|${f.indicatorCode}`;
      const sum = summed.get(k);
      if (sum) sum.points += f.points;
      else {
        const entry = {
          planId: f.planId,
          indicatorCode: f.indicatorCode,
          points: f.points,
          summarised: true,
        };
        summed.set(k, entry);
        findings.push(entry);
      }
    }
  }

  // Term cycles: the annual results within the term (the ANNUAL combined part), per appraisee.
  const appraisee = (type: string, personId: string | null, orgUnitId: string) =>
    personId ? `${type}:p:${personId}` : `${type}:o:${orgUnitId}`;
  const byAppraisee = new Map<string, string[]>();
  for (const p of planRows) {
    const k = appraisee(p.appraiseeType, p.personId, p.orgUnitId);
    byAppraisee.set(k, [...(byAppraisee.get(k) ?? []), p.id]);
  }
  const otherResults = async (where: ReturnType<typeof and>) =>
    db
      .select({
        total: results.total,
        complete: results.complete,
        grade: results.grade,
        personId: plans.personId,
        orgUnitId: plans.orgUnitId,
        type: plans.appraiseeType,
        code: cycles.code,
        periodEnd: cycles.periodEnd,
      })
      .from(results)
      .innerJoin(plans, eq(plans.id, results.planId))
      .innerJoin(cycles, eq(cycles.id, results.cycleId))
      .where(where)
      .orderBy(sql`${cycles.periodEnd} desc`, cycles.code);
  const annualResults: OpenDataBundle['annualResults'] = [];
  if (cycle.type === 'term' && rules.annualShareForTerm > 0)
    for (const r of await otherResults(
      and(
        eq(cycles.type, 'annual'),
        ne(cycles.id, cycle.id),
        gte(cycles.periodStart, cycle.periodStart),
        lte(cycles.periodEnd, cycle.periodEnd),
      ),
    ))
      for (const planId of byAppraisee.get(appraisee(r.type, r.personId, r.orgUnitId)) ?? [])
        annualResults.push({ planId, cycleCode: r.code, total: r.total, complete: r.complete });
  const gradeHistory: OpenDataBundle['gradeHistory'] = [];
  if (rules.consequenceRules.some((r) => (r.consecutive ?? 1) > 1))
    for (const r of await otherResults(
      and(eq(cycles.type, 'annual'), ne(cycles.id, cycle.id), lte(cycles.periodEnd, cycle.periodStart)),
    ))
      for (const planId of byAppraisee.get(appraisee(r.type, r.personId, r.orgUnitId)) ?? [])
        gradeHistory.push({ planId, cycleCode: r.code, periodEnd: r.periodEnd, grade: r.grade });

  const revisions = new Map(
    (
      await rowsOf<{ result_id: string; revision: number }>(
        db,
        sql`select result_id, max(revision)::int as revision from ${resultRevisions}
            where cycle_id = ${cycleId} group by result_id`,
      )
    ).map((r) => [r.result_id, r.revision]),
  );
  const applied = new Map<string, string[]>();
  for (const c of await db
    .select({ resultId: consequences.resultId, kind: consequences.kind })
    .from(consequences)
    .where(eq(consequences.cycleId, cycleId)))
    applied.set(c.resultId, [...(applied.get(c.resultId) ?? []), c.kind].sort());

  return {
    format: BUNDLE_FORMAT,
    formatVersion: BUNDLE_FORMAT_VERSION,
    cycle: {
      id: cycle.id,
      code: cycle.code,
      name: cycle.name,
      nameEn: cycle.nameEn,
      type: cycle.type,
      periodStart: cycle.periodStart,
      periodEnd: cycle.periodEnd,
    },
    licence: LICENCE,
    regulations: {
      version: frozen.version,
      frozenAt: frozen.frozenAt.toISOString(),
      rules,
      gradeScheme: frozen.gradeScheme,
    },
    disclosure: {
      panelMinimum: PANEL_DISCLOSURE_MINIMUM,
      unitResults: policy.unitResults,
      cadreGrades: policy.cadreGrades,
      cadreConsequences: policy.cadreConsequences,
    },
    plans: planRows.map((p) => ({
      id: p.id,
      appraiseeType: p.appraiseeType,
      orgUnitId: p.orgUnitId,
      orgCode: p.orgCode,
      personId: p.personId,
      name: p.personName ?? p.orgName,
      nameEn: p.personNameEn ?? p.orgNameEn,
      peerGroup: p.peerGroup,
      tree: trees.get(p.id) ?? [],
    })),
    values: verified,
    unverified,
    panels,
    surveyEstimates: estimates,
    estimatesPending: planIds.filter((id) => feeds.pending.has(id)),
    findings,
    annualResults,
    gradeHistory,
    results: resultRows.map((r) => {
      const kinds = applied.get(r.id) ?? [];
      return {
        id: r.id,
        planId: r.planId,
        revision: revisions.get(r.id) ?? null,
        total: r.total,
        weightedScore: r.weightedScore,
        bonus: r.bonus,
        deduction: r.deduction,
        grade: r.grade,
        gradeByScore: r.gradeByScore,
        rank: r.rank,
        peerGroup: r.peerGroup,
        peerGroupSize: r.peerGroupSize,
        complete: r.complete,
        veto: r.veto,
        missing: r.missing.map((m) => m.code),
        consequences: disclosesConsequences(policy, typeOf.get(r.planId) ?? 'unit') ? kinds : [],
      };
    }),
  };
}

/** The bundle as served: canonical JSON bytes and their SHA-256. */
export async function bundleFile(db: Db, cycleId: string) {
  const bundle = await buildBundle(db, cycleId);
  const body = canonicalJson(bundle);
  return { body, sha256: sha256(body), bytes: Buffer.byteLength(body), code: bundle.cycle.code };
}

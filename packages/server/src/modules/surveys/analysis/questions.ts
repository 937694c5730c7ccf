import {
  allQuestions,
  crossTab,
  distribution,
  keywordCounts,
  likertPoints,
  satisfactionIndex,
  scaleAnswer,
  type Questionnaire,
  type ScaleItem,
  type SurveyDesign,
} from '@perfcommons/domain';
import type { Resp } from './options';
import { raoScott, round, type Estimator, type EstimateOut } from './estimate';

/**
 * Per question of the questionnaire: texts with keywords; matrix items with their distribution and
 * index; choices and scales with the weighted distribution, estimate, option shares and the cross-tab
 * by stratum with its Rao–Scott test.
 */
export function analyseQuestions(
  def: Questionnaire,
  resp: Resp[],
  open: Resp[],
  ctx: {
    design: SurveyDesign | null;
    weights: number[];
    estimateOf: Estimator | null;
    idx: (its: ScaleItem[], domain?: boolean[]) => EstimateOut | null;
    items: ScaleItem[];
  },
) {
  const { design, weights, estimateOf, idx, items } = ctx;
  return allQuestions(def).map((q) => {
    const values = resp.map((r) => r.answers[q.id]);
    const base = { id: q.id, type: q.type, text: q.text, textEn: q.textEn ?? null };
    if (q.type === 'text') {
      const texts = values.filter((x): x is string => typeof x === 'string' && x.trim() !== '');
      const openTexts = open
        .map((r) => r.answers[q.id])
        .filter((x): x is string => typeof x === 'string' && x.trim() !== '');
      return {
        ...base,
        n: texts.length,
        answers: texts.slice(0, 200),
        keywords: keywordCounts([...texts, ...openTexts], { top: 30 }),
      };
    }
    if (q.type === 'matrix') {
      return {
        ...base,
        items: (q.items ?? []).map((it) => {
          const key = items.find((x) => x.key === `${q.id}.${it.id}`)!;
          const vals = resp.map((r) => scaleAnswer(key, r.answers));
          const counted = satisfactionIndex(vals, key.points);
          return {
            id: it.id,
            text: it.text,
            textEn: it.textEn ?? null,
            planId: key.planId ?? null,
            dimension: key.dimension ?? null,
            distribution: distribution(vals, { levels: range(key.points), weights }),
            index: idx([key]),
            counts: counted.counts,
          };
        }),
      };
    }
    const levels =
      q.type === 'single' || q.type === 'multiple'
        ? (q.options ?? []).map((o) => o.value)
        : q.type === 'rating0to10'
          ? range(11, 0)
          : range(likertPoints(q)!);
    // A matrix answer ({item: point}) only under a matrix question, handled above.
    const flat = values.map((v) => (typeof v === 'object' && !Array.isArray(v) ? null : v));
    const raw = distribution(flat, { levels, weights });
    // Choice options carry their labels: reports show labels, never stored codes.
    const dist = {
      ...raw,
      items: raw.items.map((it) => {
        const o = (q.options ?? []).find((x) => String(x.value) === it.value);
        return o ? { ...it, label: o.label, labelEn: o.labelEn ?? null } : it;
      }),
    };
    let estimate = null;
    if (q.type === 'likert5' || q.type === 'likert7') estimate = idx([items.find((x) => x.key === q.id)!]);
    if (q.type === 'rating0to10') {
      const ys = values.map((x) => (typeof x === 'number' ? x : null));
      const member = ys.map((y) => y !== null);
      estimate = design && member.some(Boolean) ? estimateOf!(ys, [0, 10]) : null;
    }
    // Weighted share of each option with its interval (a proportion is a mean of 0/1).
    const shares =
      q.type === 'single' || q.type === 'multiple'
        ? levels.map((l) => {
            const ys = values.map((x) =>
              x === undefined || x === null || x === ''
                ? null
                : Array.isArray(x)
                  ? x.includes(String(l))
                  : String(x) === String(l),
            );
            const member = ys.map((y) => y !== null);
            return {
              value: String(l),
              ...(design && member.some(Boolean) ? estimateOf!(ys, [0, 1]) : { mean: null }),
            };
          })
        : null;
    const tab =
      q.type === 'single' || likertPoints(q)
        ? crossTab(
            resp.map((r, i) => ({ stratum: r.stratum, answer: r.answers[q.id], w: weights[i] })),
            'stratum',
            'answer',
            'w',
          )
        : null;
    return {
      ...base,
      distribution: dist,
      estimate,
      shares,
      crossTab: tab && {
        rowLevels: tab.rowLevels,
        colLevels: tab.colLevels,
        rowShares: tab.rowShares.map((r) => r.map((x) => round(x))),
        rowTotals: tab.rowTotals.map((x) => round(x, 2)),
        test: design
          ? raoScott(
              design,
              resp.map((r) => r.stratum),
              values,
            )
          : null,
      },
    };
  });
}

function range(points: number, from = 1): number[] {
  return Array.from({ length: points }, (_, i) => i + from);
}

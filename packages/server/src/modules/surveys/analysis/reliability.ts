import {
  allQuestions,
  cronbachAlphaInterval,
  scaleAnswer,
  type Questionnaire,
  type ScaleItem,
} from '@perfcommons/domain';
import type { Resp } from './options';
import { round } from './estimate';

/** Cronbach's alpha for each matrix (one Likert scale) and each dimension with ≥ 2 items, on complete cases. */
export function reliabilityOf(
  def: Questionnaire,
  resp: Resp[],
  items: ScaleItem[],
  dimensions: { dimension: string }[],
) {
  const alphaOf = (its: ScaleItem[]) => {
    const complete = resp
      .map((r) => its.map((it) => scaleAnswer(it, r.answers)))
      .filter((row): row is number[] => row.every((x) => x !== null));
    if (its.length < 2 || complete.length < 2) return { alpha: null, items: its.length, n: complete.length };
    const a = cronbachAlphaInterval(complete);
    const alphaCi: [number | null, number | null] = [round(a.ci[0]), round(a.ci[1])];
    return {
      alpha: round(a.alpha),
      alphaCi,
      items: its.length,
      n: complete.length,
    };
  };
  return [
    ...allQuestions(def)
      .filter((q) => q.type === 'matrix')
      .map((q) => ({
        scale: q.id,
        label: q.text,
        labelEn: q.textEn ?? null,
        ...alphaOf(items.filter((i) => i.questionId === q.id)),
      })),
    ...dimensions.map((d) => ({
      scale: `dimension:${d.dimension}`,
      label: d.dimension,
      labelEn: d.dimension,
      ...alphaOf(items.filter((i) => i.dimension === d.dimension)),
    })),
  ];
}

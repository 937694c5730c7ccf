import { sameJson } from '../../../lib/hash';
import type { ResultRow } from './shared';
import type { OwnScore } from './score-changed';

type NextResult = Omit<ResultRow, 'id' | 'computedAt'>;

/** Whether two own scores have the same first-level codes, weights and attainments, exactly. */
export function sameFirstLevel(a: OwnScore['firstLevel'] | undefined, b: OwnScore['firstLevel']): boolean {
  return (
    a !== undefined &&
    a.length === b.length &&
    a.every((x, j) => x.code === b[j].code && x.weight === b[j].weight && x.attainment === b[j].attainment)
  );
}

/**
 * Whether a recomputed result has the figures of its stored row: every column a recompute may change
 * but its inputs key (and its time). Objects reused from the stored row (own score, sensitivity,
 * veto) compare by identity; others by canonical JSON, as jsonb gives keys back in its own order.
 */
export function sameFigures(before: Omit<ResultRow, 'computedAt'>, next: NextResult): boolean {
  const json = (x: unknown, y: unknown) => x === y || sameJson(x, y ?? null);
  return (
    before.total === next.total &&
    before.weightedScore === next.weightedScore &&
    before.bonus === next.bonus &&
    before.deduction === next.deduction &&
    before.grade === next.grade &&
    before.gradeByScore === next.gradeByScore &&
    before.rank === next.rank &&
    before.peerGroup === next.peerGroup &&
    before.peerGroupSize === next.peerGroupSize &&
    before.complete === next.complete &&
    json(before.missing, next.missing) &&
    json(before.veto, next.veto) &&
    json(before.reasons, next.reasons) &&
    json(before.own, next.own) &&
    json(before.sensitivity, next.sensitivity)
  );
}

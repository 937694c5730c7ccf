import { DomainError } from '../indicators/errors';
import type { IndicatorNode } from '../indicators/types';

/** Linear between baseline (0) and target (100), clamped to [0, 100 × cap]. */
export interface LinearRule {
  type: 'linear';
  baseline: number;
  target: number;
  /** 'higher': target above baseline; 'lower': target below baseline. */
  direction: 'higher' | 'lower';
  /** Over-fulfilment cap as a multiple of full marks, ≥ 1 (default 1; 1.2 allows 120). */
  cap?: number;
}

/** One band of a banded rule; bounds are inclusive, an absent bound is open. */
export interface Band {
  min?: number;
  max?: number;
  /** Attainment (0–100) for a value in the band. */
  points: number;
}

/** The first band containing the value gives the points; no band → 0. */
export interface BandedRule {
  type: 'banded';
  bands: Band[];
}

/** Binding task 约束性任务: full marks or nothing. */
export interface PassFailRule {
  type: 'passFail';
  /** 'zero': passes when the value is 0 (e.g. deaths in accidents); 'nonzero': passes when it is not. */
  passWhen: 'nonzero' | 'zero';
}

/** actual / target × 100 ('higher') or target / actual × 100 ('lower'), clamped to [0, 100 × cap]. */
export interface RatioRule {
  type: 'ratio';
  /** Must be positive. */
  target: number;
  direction: 'higher' | 'lower';
  cap?: number;
}

/** The value already is a 0–100 score (clamped). */
export interface RatingRule {
  type: 'rating';
}

/** Bonus/deduction items: value × points, capped at the node's weight. */
export interface PerUnitRule {
  type: 'perUnit';
  /** Points per unit of the value, e.g. 1 point per commendation. */
  points: number;
}

/** Rules that turn a value into attainment (100 = full marks). */
export type AttainmentRule = LinearRule | BandedRule | PassFailRule | RatioRule | RatingRule;
/** Every scoring rule 评分标准. */
export type ScoringRule = AttainmentRule | PerUnitRule;
/** The types of scoring rule, in the order an editor offers them. */
export const SCORING_RULE_TYPES = [
  'linear',
  'ratio',
  'banded',
  'passFail',
  'rating',
  'perUnit',
] as const satisfies readonly ScoringRule['type'][];

function checkCap(cap: number | undefined): number {
  const c = cap ?? 1;
  if (!Number.isFinite(c) || c < 1) throw new DomainError('rule.cap', `cap ${cap} must be a number ≥ 1`);
  return c;
}

/** Highest attainment a rule can give: 100 × cap for linear and ratio, 100 otherwise. */
export function ruleMax(rule: AttainmentRule): number {
  return rule.type === 'linear' || rule.type === 'ratio' ? 100 * checkCap(rule.cap) : 100;
}

const clamp = (x: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, x));

/**
 * Attainment of a measured value under a rule, in [0, {@link ruleMax}]; 100 means full marks.
 * Throws {@link DomainError} for a non-finite value or inconsistent rule parameters
 * (e.g. a 'higher' linear rule whose target is not above its baseline).
 */
export function scoreRule(rule: AttainmentRule, value: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new DomainError('value', `value ${value} must be a finite number`);
  }
  switch (rule.type) {
    case 'linear': {
      const max = ruleMax(rule);
      const { baseline, target, direction } = rule;
      if (!Number.isFinite(baseline) || !Number.isFinite(target)) {
        throw new DomainError('rule', 'linear rule needs finite baseline and target');
      }
      if (direction === 'higher' ? target <= baseline : target >= baseline) {
        throw new DomainError(
          'rule.target',
          `linear rule with direction ${direction} needs the target ${direction === 'higher' ? 'above' : 'below'} the baseline`,
        );
      }
      return clamp(((value - baseline) / (target - baseline)) * 100, 0, max);
    }
    case 'banded': {
      if (!Array.isArray(rule.bands)) throw new DomainError('rule.bands', 'banded rule needs bands');
      rule.bands.forEach((b, i) => {
        if (!Number.isFinite(b.points) || b.points < 0 || b.points > 100) {
          throw new DomainError(`rule.bands[${i}].points`, `band points ${b.points} must be within 0–100`);
        }
      });
      const band = rule.bands.find(
        (b) => (b.min === undefined || value >= b.min) && (b.max === undefined || value <= b.max),
      );
      return band ? band.points : 0;
    }
    case 'passFail':
      return (rule.passWhen === 'zero' ? value === 0 : value !== 0) ? 100 : 0;
    case 'ratio': {
      const max = ruleMax(rule);
      if (!Number.isFinite(rule.target) || rule.target <= 0) {
        throw new DomainError('rule.target', `ratio rule needs a positive target, got ${rule.target}`);
      }
      if (rule.direction === 'higher') return clamp((value / rule.target) * 100, 0, max);
      // Lower is better: zero or less is as good as it gets.
      return value <= 0 ? max : clamp((rule.target / value) * 100, 0, max);
    }
    case 'rating':
      return clamp(value, 0, 100);
    default:
      throw new DomainError('rule.type', `rule type ${(rule as { type: string }).type} gives no attainment`);
  }
}

/**
 * Points of a bonus 加分项 or deduction 扣分项 item (≥ 0; the node's kind gives the sign), capped at
 * node.weight. perUnit: value × points; an attainment rule: attainment / 100 × weight (e.g. passFail
 * for "any upheld complaint → full deduction"); no rule: the value is the points. A missing value → 0.
 */
export function bonusDeduction(node: IndicatorNode, value: number | null | undefined): number {
  if (value === null || value === undefined) return 0;
  if (!Number.isFinite(value)) throw new DomainError('value', `value ${value} must be a finite number`);
  const cap = Number.isFinite(node.weight) ? Math.max(0, node.weight) : 0;
  const rule = node.rule;
  let points: number;
  if (!rule) points = value;
  else if (rule.type === 'perUnit') {
    if (!Number.isFinite(rule.points))
      throw new DomainError('rule.points', 'perUnit rule needs finite points');
    points = value * rule.points;
  } else points = (scoreRule(rule, value) / 100) * cap;
  return clamp(points, 0, cap);
}

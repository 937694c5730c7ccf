import type { ScoringRule } from '../scoring/rules';

/** Evaluation subjects 评价主体; 'data' means the indicator is scored from its measured value. */
export const SUBJECT_TYPES = [
  'data',
  'superior',
  'peer',
  'subordinate',
  'public',
  'service_recipient',
  'expert',
  'deputy',
  'third_party',
  'self',
] as const;

/** One evaluation subject 评价主体. */
export type SubjectType = (typeof SUBJECT_TYPES)[number];

/** normal: inside the weighted sum; bonus 加分项 / deduction 扣分项: outside it, weight = cap in points. */
export type IndicatorKind = 'normal' | 'bonus' | 'deduction';

/** Veto 一票否决: failing the indicator caps the grade whatever the score. */
export interface VetoSpec {
  /** 'unqualified': straight to the lowest grade; 'downOne': one grade below what the score earned. */
  mode: 'unqualified' | 'downOne';
}

/** A subject's share of a leaf's score (shares of one leaf sum to 100). */
export interface SubjectWeight {
  type: SubjectType;
  weight: number;
}

/** One node of an indicator tree 指标体系 (一级/二级/三级指标). */
export interface IndicatorNode {
  /** Unique code within the plan, e.g. `1.2.3`. */
  code: string;
  /** Name, zh-CN. */
  name: string;
  /** English name. */
  nameEn?: string;
  /** Weight among normal siblings (siblings sum to 100); for bonus/deduction: cap in points. */
  weight: number;
  /** Default 'normal'. */
  kind?: IndicatorKind;
  children?: IndicatorNode[];
  /** How a leaf's measured value becomes attainment; perUnit for bonus/deduction items. */
  rule?: ScoringRule;
  unit?: string;
  /** Definition 指标解释: what is measured and how (formula, scope), zh-CN. */
  definition?: string;
  dataSource?: string;
  direction?: 'higher' | 'lower';
  /** Who scores this leaf and with what share; absent → data only. */
  subjects?: SubjectWeight[];
  veto?: VetoSpec;
  target?: number;
  baseline?: number;
  /** Values outside [plausibleMin, plausibleMax] are flagged for verification. */
  plausibleMin?: number;
  plausibleMax?: number;
  /** Raters' rubric of a rated leaf: score bands (0–100) with what each looks like. */
  rubric?: { min: number; max: number; label: string; description: string }[];
}

/** Kind of a node, 'normal' when not set. */
export function kindOf(node: IndicatorNode): IndicatorKind {
  return node.kind ?? 'normal';
}

/** Whether the node sits inside the weighted sum (not a bonus or deduction item). */
export function isNormal(node: IndicatorNode): boolean {
  return kindOf(node) === 'normal';
}

/** Whether the node is a leaf (no children). */
export function isLeaf(node: IndicatorNode): boolean {
  return !node.children || node.children.length === 0;
}

/** Subjects scoring a leaf: the configured ones, or data only. */
export function subjectsOf(node: Pick<IndicatorNode, 'subjects'>): SubjectWeight[] {
  return node.subjects && node.subjects.length > 0 ? node.subjects : [{ type: 'data', weight: 100 }];
}

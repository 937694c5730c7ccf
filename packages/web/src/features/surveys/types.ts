import type { Questionnaire } from '@perfcommons/domain';

export type SurveyStatus = 'draft' | 'fielding' | 'closed' | 'published';

export interface Survey {
  id: string;
  code: string;
  cycleId: string | null;
  title: string;
  titleEn: string | null;
  description: string | null;
  status: SurveyStatus;
  strataFields: string[];
  quotas: Record<string, number>;
  openMode: boolean;
  publishedAt: string | null;
  responses?: number;
  invitations?: number;
}

export interface SurveyDetail {
  survey: Survey;
  version: { id: string; version: number; definition: Questionnaire; frozenAt: string | null } | null;
  sample: {
    size: number;
    allocation: string;
    seed: string;
    strata: { stratum: string; population: number; allocated: number }[];
  } | null;
  frame: { size: number; strata: { stratum: string; population: number }[] };
}

export interface Estimate {
  mean: number | null;
  se: number | null;
  ci95: [number | null, number | null];
  n: number;
  /** n / designEffect. */
  effectiveN: number | null;
  /** True design effect (variance over SRS without replacement of the same size). */
  designEffect: number | null;
  /** Margin of error: t · SE on the design degrees of freedom. */
  moe?: number | null;
  df?: number;
  /** Kish's weighting effect of the respondents counted. */
  weightingEffect?: number | null;
}

export interface DistributionItem {
  value: string;
  count: number;
  weighted: number;
  share: number;
  /** The option's label (choice questions), to show instead of its stored value. */
  label?: string | null;
  labelEn?: string | null;
}

export interface QuestionResult {
  id: string;
  type: string;
  text: string;
  textEn: string | null;
  distribution?: { n: number; missing: number; items: DistributionItem[] };
  estimate?: Estimate | null;
  items?: {
    id: string;
    text: string;
    textEn: string | null;
    index: Estimate | null;
    distribution: { items: DistributionItem[] };
  }[];
  keywords?: { word: string; count: number; documents: number }[];
  answers?: string[];
  /** Stratum × answer, with the Rao–Scott test of independence (null when it cannot be formed). */
  crossTab?: {
    rowLevels: string[];
    colLevels: string[];
    rowShares: (number | null)[][];
    rowTotals: (number | null)[];
    test: RaoScottTest | null;
  } | null;
}

export interface RaoScottTest {
  method: string;
  pearson: number | null;
  f: number | null;
  ndf: number | null;
  ddf: number | null;
  p: number | null;
  chisq: number | null;
  df: number;
  chisqP: number | null;
  meanDeff: number | null;
  n: number;
}

export interface Analysis {
  generatedAt: string;
  responses: { sampled: number; open: number };
  weighting: {
    method: string;
    min?: number;
    max?: number;
    weightingEffect?: number;
    /** Nonresponse adjustment factor per stratum (weighting classes), applied before calibration. */
    nonresponse?: Record<string, number | null> | null;
    converged?: boolean | null;
    iterations?: number | null;
    outsideBounds?: number;
    warnings: string[];
  };
  design?: {
    strata: number;
    fpc: boolean;
    lonelyPsu: string;
    df: number;
    calibration: string;
  } | null;
  satisfaction: {
    overall: Estimate | null;
    openOverall: Estimate | null;
    byPlan: {
      planId: string;
      appraiseeName: string | null;
      appraiseeNameEn: string | null;
      index: Estimate | null;
      openIndex: Estimate | null;
      dimensions: { dimension: string | null; index: Estimate | null }[];
    }[];
    dimensions: { dimension: string; index: Estimate | null }[];
  };
  reliability: {
    scale: string;
    label: string;
    labelEn: string | null;
    alpha: number | null;
    /** 95% interval of alpha (Feldt), when alpha is defined. */
    alphaCi?: [number | null, number | null];
    items: number;
    n: number;
  }[];
  strata: { stratum: string; n: number; weightShare: number | null; index: Estimate | null }[];
  questions: QuestionResult[];
}

export interface Report {
  publishedAt: string;
  survey: Survey;
  methodology: {
    frameSize: number;
    strataFields: string[];
    sample: { size: number; allocation: string; seed: string } | null;
    fieldwork: {
      fieldingStartedAt: string | null;
      closedAt: string | null;
      strata: { stratum: string; sampled: number; responses: number; responseRate: number | null }[];
      total: { sampled: number; responses: number; responseRate: number | null };
      byMode: { mode: string; n: number }[];
      /** AAPOR dispositions and rates (reports published before they existed have none). */
      outcomes?: {
        total: {
          refused: number;
          nonContact: number;
          ineligible: number;
          unknown: number;
          rr1: number | null;
          coop1: number | null;
          ref1: number | null;
          con1: number | null;
        };
      };
    };
  };
  analysis: Analysis;
}

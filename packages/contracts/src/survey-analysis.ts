/** Survey analysis and the published report: design-based estimates, satisfaction indices, methodology. */
import { z } from 'zod';
import { Timestamp } from './common';
import { SAMPLE_ALLOCATIONS, VARIANCE_METHODS } from './enums-surveys';
import {
  Dispositions,
  FieldworkStratum,
  FieldworkTotal,
  ModeCount,
  StratumAllocation,
  Survey,
} from './survey-views';

const num = z.number().nullable();
/** A 95 % interval; an end is null when it cannot be formed. */
const Interval = z.tuple([num, num]);

/** A design-based estimate, rounded for transport (NaN, e.g. from one answer, becomes null). */
export const Estimate = z.object({
  mean: num,
  se: num,
  /** t interval on the design df, kept within the scale (logit scale for bounded measures). */
  ci95: Interval,
  /** Margin of error: t · SE on the design degrees of freedom. */
  moe: num.optional(),
  df: z.number().optional(),
  n: z.number().int(),
  /** n / designEffect. */
  effectiveN: num,
  /** True design effect (variance over SRS without replacement of the same size). */
  designEffect: num,
  /** Kish's weighting effect of the respondents counted. */
  weightingEffect: num.optional(),
  /** How the SE (and so the margin of error and interval) was estimated; absent in older reports: taylor. */
  method: z.enum(VARIANCE_METHODS).optional(),
});
export type Estimate = z.infer<typeof Estimate>;

/** Count, weighted count and share of one answer. */
export const DistributionItem = z.object({
  value: z.string(),
  count: z.number().int(),
  weighted: z.number(),
  share: z.number(),
  /** The option's label (choice questions), to show instead of its stored value. */
  label: z.string().nullable().optional(),
  labelEn: z.string().nullable().optional(),
});
export type DistributionItem = z.infer<typeof DistributionItem>;
export const Distribution = z.object({
  n: z.number().int(),
  missing: z.number().int(),
  items: z.array(DistributionItem),
});

/** Rao–Scott test of independence of stratum and answer (second-order F, first-order chi-square beside). */
export const RaoScottTest = z.object({
  method: z.string(),
  pearson: num,
  f: num,
  ndf: num,
  ddf: num,
  p: num,
  chisq: num,
  df: z.number(),
  chisqP: num,
  meanDeff: num,
  n: z.number().int(),
});
export type RaoScottTest = z.infer<typeof RaoScottTest>;

/** The results of one question; which fields are present depends on its type. */
export const QuestionResult = z.object({
  id: z.string(),
  type: z.string(),
  text: z.string(),
  textEn: z.string().nullable(),
  /** Text questions: answers given. */
  n: z.number().int().optional(),
  /** Choice and scale questions. */
  distribution: Distribution.optional(),
  /** Likert and 0–10 questions: the mean with its interval. */
  estimate: Estimate.nullable().optional(),
  /** Choice questions: weighted share of each option with its interval. */
  shares: z
    .array(Estimate.partial().extend({ value: z.string(), mean: num }))
    .nullable()
    .optional(),
  /** Matrix questions: one row per item, with its index. */
  items: z
    .array(
      z.object({
        id: z.string(),
        text: z.string(),
        textEn: z.string().nullable(),
        planId: z.uuid().nullable().optional(),
        dimension: z.string().nullable().optional(),
        index: Estimate.nullable(),
        distribution: Distribution,
        counts: z.array(z.number()).optional(),
      }),
    )
    .optional(),
  /** Text questions: keyword frequencies (sampled and open answers). */
  keywords: z.array(z.object({ word: z.string(), count: z.number(), documents: z.number() })).optional(),
  /** Text questions: up to 200 answers. */
  answers: z.array(z.string()).optional(),
  /** Stratum × answer, with the Rao–Scott test (null when it cannot be formed). */
  crossTab: z
    .object({
      rowLevels: z.array(z.string()),
      colLevels: z.array(z.string()),
      rowShares: z.array(z.array(num)),
      rowTotals: z.array(num),
      test: RaoScottTest.nullable(),
    })
    .nullable()
    .optional(),
});
export type QuestionResult = z.infer<typeof QuestionResult>;

/** The weighting step as applied, with its warnings (never silent fallbacks). */
export const WeightingSummary = z.object({
  method: z.string(),
  min: num.optional(),
  max: num.optional(),
  sum: num.optional(),
  weightingEffect: num.optional(),
  /** Raking: trim bounds as multiples of the mean weight. */
  trim: z.tuple([z.number(), z.number()]).nullable().optional(),
  /** Raking: the population margins calibrated to. */
  margins: z.record(z.string(), z.record(z.string(), z.number())).nullable().optional(),
  /** Nonresponse adjustment factor per stratum (weighting classes), applied before calibration. */
  nonresponse: z.record(z.string(), num).nullable().optional(),
  converged: z.boolean().nullable().optional(),
  iterations: z.number().int().nullable().optional(),
  outsideBounds: z.number().int().optional(),
  warnings: z.array(z.string()),
});
/** The sample design the estimates use. */
export const DesignSummary = z.object({
  type: z.string().optional(),
  strata: z.number().int(),
  fpc: z.boolean(),
  lonelyPsu: z.string(),
  df: z.number(),
  calibration: z.string(),
  variance: z.string().optional(),
  interval: z.string().optional(),
  /** The variance method of every estimate (absent in older reports: taylor). */
  varianceMethod: z.enum(VARIANCE_METHODS).optional(),
  /** Replicate weights: JK1, JKn or bootstrap, and how many replicates (null with Taylor). */
  replicateMethod: z.string().nullable().optional(),
  replicates: z.number().int().nullable().optional(),
});
const Reliability = z.object({
  scale: z.string(),
  label: z.string(),
  labelEn: z.string().nullable(),
  /** Cronbach's alpha on complete cases (null with fewer than two items or cases). */
  alpha: num,
  /** 95 % interval of alpha (Feldt), when alpha is defined. */
  alphaCi: Interval.optional(),
  items: z.number().int(),
  n: z.number().int(),
});

const LabelPair = z.object({ label: z.string(), labelEn: z.string() });
/** The full analysis of a survey's answers. */
export const SurveyAnalysis = z.object({
  generatedAt: Timestamp,
  responses: z.object({ sampled: z.number().int(), open: z.number().int() }),
  weighting: WeightingSummary,
  design: DesignSummary.nullable().optional(),
  satisfaction: z.object({
    overall: Estimate.nullable(),
    /** Open (self-selected) answers, equal weights: nominal intervals. */
    openOverall: Estimate.nullable(),
    byPlan: z.array(
      z.object({
        planId: z.uuid(),
        appraiseeName: z.string().nullable(),
        appraiseeNameEn: z.string().nullable(),
        index: Estimate.nullable(),
        openIndex: Estimate.nullable(),
        dimensions: z.array(z.object({ dimension: z.string().nullable(), index: Estimate.nullable() })),
      }),
    ),
    dimensions: z.array(z.object({ dimension: z.string(), index: Estimate.nullable() })),
  }),
  reliability: z.array(Reliability),
  strata: z.array(
    z.object({
      stratum: z.string(),
      n: z.number().int(),
      weightShare: num,
      index: Estimate.nullable(),
    }),
  ),
  questions: z.array(QuestionResult),
  /** Labels of the strata fields and stratum keys (as in the report's methodology). */
  labels: z
    .object({ fields: z.record(z.string(), LabelPair), strata: z.record(z.string(), LabelPair) })
    .optional(),
});
export type SurveyAnalysis = z.infer<typeof SurveyAnalysis>;

/** Methodology block of a report: frame, sample design, fieldwork. */
export const SurveyMethodology = z.object({
  frameSize: z.number().int(),
  strataFields: z.array(z.string()),
  /**
   * Labels of the strata fields and of every stratum key (`business|bs|rural` → 个体工商户 · 北山区 ·
   * 农村), from the questionnaire's `strataLabels`, org units, common words or readable text; reports
   * published before they existed have none.
   */
  labels: z
    .object({ fields: z.record(z.string(), LabelPair), strata: z.record(z.string(), LabelPair) })
    .optional(),
  sample: z
    .object({
      size: z.number().int(),
      allocation: z.enum(SAMPLE_ALLOCATIONS),
      seed: z.string(),
      strata: z.array(StratumAllocation).optional(),
    })
    .nullable(),
  fieldwork: z.object({
    fieldingStartedAt: Timestamp.nullable(),
    closedAt: Timestamp.nullable(),
    strata: z.array(FieldworkStratum.partial().extend({ stratum: z.string() })),
    total: FieldworkTotal.partial(),
    byMode: z.array(ModeCount),
    /** AAPOR dispositions and rates (reports published before they existed have none). */
    outcomes: z
      .object({
        strata: z.array(Dispositions.extend({ stratum: z.string() })).optional(),
        total: Dispositions,
      })
      .optional(),
  }),
});

/** A published report as stored: the survey, methodology and analysis as of publication. */
export const SurveyReportReply = z.object({
  publishedAt: Timestamp,
  survey: Survey.partial().extend({ id: z.uuid(), title: z.string(), titleEn: z.string().nullable() }),
  methodology: SurveyMethodology,
  analysis: SurveyAnalysis,
});
export type SurveyReport = z.infer<typeof SurveyReportReply>;
export const PublishSurveyReply = z.object({ survey: Survey, publishedAt: Timestamp });
/** The raw answers as a file, without personal data: CSV text (text/csv) or XLSX bytes. */
export const SurveyExportReply = z.unknown().describe('CSV text or XLSX bytes');

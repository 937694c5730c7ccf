/** The performance database 绩效数据库: an indicator's history per appraisee, peer quartiles, target aid. */
import { z } from 'zod';
import { APPRAISEE_TYPES, CYCLE_TYPES } from './enums';
import { LibraryRefSchema } from './plans';

const polarity = z.enum(['higher', 'lower']);

/** Which indicator: a library code, or (for nodes not picked from the library) the exact indicator name. */
const IndicatorKey = {
  /** Library code, e.g. `ECO-GDP-GROWTH`. */
  libraryCode: z.string().trim().min(1).max(40).optional(),
  /** Exact indicator name, used when no library code is given. */
  name: z.string().trim().min(1).max(200).optional(),
};

export const HistoryQuery = z.object({
  ...IndicatorKey,
  /** The appraised unit (or the unit of the appraised cadre). */
  orgUnitId: z.uuid(),
  appraiseeType: z.enum(APPRAISEE_TYPES).default('unit'),
  /** The cadre, for cadre plans. */
  personId: z.uuid().optional(),
});

export const PeersQuery = z.object({
  ...IndicatorKey,
  cycleId: z.uuid(),
  peerGroup: z.string().trim().min(1).max(40),
  appraiseeType: z.enum(APPRAISEE_TYPES).default('unit'),
});

export const TargetAidQuery = z.object({
  /** Code of a leaf of the plan. */
  code: z.string().trim().min(1).max(40),
});

/** One stored value of the indicator for the appraisee. */
export const HistoryPoint = z.object({
  cycleId: z.uuid(),
  cycleName: z.string(),
  cycleNameEn: z.string().nullable(),
  cycleType: z.enum(CYCLE_TYPES),
  /** Whether the cycle's results are published (its verified values are public). */
  published: z.boolean(),
  planId: z.uuid(),
  nodeCode: z.string(),
  period: z.string(),
  value: z.number(),
  /** reported, verified or rejected (others' unpublished data never appears). */
  status: z.string(),
  target: z.number().nullable(),
  baseline: z.number().nullable(),
});

/** Least-squares line over the annual values (year → value) and next year's projection. */
export const TrendReply = z.object({
  slope: z.number(),
  intercept: z.number(),
  r2: z.number(),
  n: z.number().int(),
  projectionYear: z.number().int(),
  projection: z.number(),
});

export const HistoryReply = z.object({
  indicator: z.object({
    libraryCode: z.string().nullable(),
    name: z.string(),
    unit: z.string().nullable(),
    polarity,
  }),
  points: z.array(HistoryPoint),
  /** One verified value per year: the annual period's value (else the latest period of that year). */
  annual: z.array(z.object({ year: z.number().int(), value: z.number(), cycleId: z.uuid() })),
  /** Null with fewer than two years. */
  trend: TrendReply.nullable(),
});
export type HistoryReply = z.infer<typeof HistoryReply>;

export const PeerValue = z.object({
  planId: z.uuid(),
  /** The appraised unit (for its history). */
  orgUnitId: z.uuid(),
  appraiseeName: z.string(),
  appraiseeNameEn: z.string().nullable(),
  value: z.number(),
});

export const PeersReply = z.object({
  cycleId: z.uuid(),
  cycleName: z.string(),
  cycleNameEn: z.string().nullable(),
  peerGroup: z.string(),
  polarity,
  /** Verified values of the peer group's appraisees (annual period, else latest). */
  values: z.array(PeerValue),
  /** Type-7 quartiles (R's default) of the values; null without values. */
  quartiles: z
    .object({
      n: z.number().int(),
      min: z.number(),
      q1: z.number(),
      median: z.number(),
      q3: z.number(),
      max: z.number(),
    })
    .nullable(),
  /** The best performer 标杆 by polarity. */
  best: PeerValue.nullable(),
  /** `unpublished`: others' values of a cycle not yet published are withheld (office excepted). */
  withheld: z.enum(['unpublished']).nullable(),
});
export type PeersReply = z.infer<typeof PeersReply>;

export const TargetAidReply = z.object({
  leaf: z.object({
    code: z.string(),
    name: z.string(),
    unit: z.string().nullable(),
    polarity,
    library: LibraryRefSchema.nullable(),
    baseline: z.number().nullable(),
    target: z.number().nullable(),
  }),
  history: HistoryReply,
  /** The peer group in the latest earlier cycle of the same type with published results. */
  peers: PeersReply.nullable(),
  /** The figures side by side: latest verified value, trend projection, peer median and upper quartile. */
  suggestion: z.object({
    baseline: z.number().nullable(),
    projection: z.number().nullable(),
    peerMedian: z.number().nullable(),
    peerUpperQuartile: z.number().nullable(),
    best: z.number().nullable(),
  }),
});
export type TargetAidReply = z.infer<typeof TargetAidReply>;

/** The portal's year-over-year view of a unit: published annual cycles only. */
export const PublicUnitHistoryReply = z.object({
  cycles: z.array(
    z.object({ id: z.uuid(), name: z.string(), nameEn: z.string().nullable(), year: z.number() }),
  ),
  indicators: z.array(
    z.object({
      key: z.string(),
      name: z.string(),
      nameEn: z.string().nullable(),
      unit: z.string().nullable(),
      polarity,
      /** One per cycle above (null: not in that year's plan or no verified value). */
      values: z.array(z.number().nullable()),
      /** Latest year against the year before, when both exist. */
      yoy: z
        .object({ change: z.number(), relative: z.number().nullable(), improved: z.boolean().nullable() })
        .nullable(),
    }),
  ),
  /** The unit's total score per cycle, when the disclosure policy publishes unit results. */
  totals: z.array(
    z.object({ cycleId: z.uuid(), total: z.number().nullable(), grade: z.string().nullable() }),
  ),
});
export type PublicUnitHistoryReply = z.infer<typeof PublicUnitHistoryReply>;

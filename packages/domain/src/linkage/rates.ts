/**
 * Data linkage 数据联动: rates computed from 12345 hotline work orders (12345 政务服务便民热线工单) and
 * government-service reviews (政务服务“好差评”) per unit and period. Pure: the server reads the stored
 * records and hands them here; the same function computes the batch page and the values fed to a cycle.
 */

/** Where a record comes from: a hotline work order or a 好差评 review. */
export const LINKAGE_SOURCES = ['hotline', 'review'] as const;
export type LinkageSource = (typeof LINKAGE_SOURCES)[number];

/** The caller's answer at the return visit 回访: 已解决 / 部分解决 / 未解决. */
export const RESOLUTIONS = ['resolved', 'partial', 'unresolved'] as const;
export type Resolution = (typeof RESOLUTIONS)[number];

/**
 * Satisfaction levels: the hotline's three (满意 / 基本满意 / 不满意) and the five of 好差评 (非常满意 …
 * 非常不满意). 未评价 (not rated) is null and never enters a denominator.
 */
export const SATISFACTION_LEVELS = [
  'very_satisfied',
  'satisfied',
  'basic',
  'dissatisfied',
  'very_dissatisfied',
] as const;
export type SatisfactionLevel = (typeof SATISFACTION_LEVELS)[number];

/** One deduplicated record (the latest state of a work order or review). Times are ISO 8601 in UTC. */
export interface LinkageRecord {
  source: LinkageSource;
  /** The appraisee's org unit. */
  unitId: string;
  /** 诉求类型 (咨询 / 求助 / 投诉 / 举报 / 建议) of a work order. */
  requestType?: string | null;
  /** 来电时间 (hotline) or 评价时间 (review). */
  receivedAt: string;
  /** 签收时间. */
  acceptedAt?: string | null;
  /** 办理时限 / 整改时限: a local calendar date YYYY-MM-DD. */
  deadline?: string | null;
  /** 办结时间 (hotline) or 整改完成时间 (review); null while open. */
  closedAt?: string | null;
  /** 是否按期办结 as exported; null when the file does not say (then derived from closedAt ≤ deadline). */
  onTime?: boolean | null;
  resolution?: Resolution | null;
  satisfaction?: SatisfactionLevel | null;
  /** Review: a bad review 差评 verified as upheld (核实属实). */
  upheld?: boolean | null;
  /** Review: the upheld bad review was rectified (整改完成). */
  rectified?: boolean | null;
}

/**
 * The computed metrics. Each is a ratio numerator ÷ denominator in percent; a group with a zero
 * denominator has no rate (null), never 0 %.
 *
 * Hotline (per unit, period of the order):
 * - `response_rate` 响应率: orders accepted within `responseLimitMinutes` of receipt (签收时间 − 来电时间)
 *   ÷ orders received in the period. Null when no order of the group carries an accepted time (the
 *   export had no 签收时间): unknown, not 0 %.
 * - `on_time_rate` 按期办结率: orders closed on time ÷ orders due in the period. An order is due in the
 *   period of its deadline (办理时限), or, without a deadline, of its receipt when the file says whether
 *   it was on time; an order with neither is undecided and left out. On time: the exported 是否按期办结
 *   when given, else closed (local date) on or before the deadline; an open order past due is not on
 *   time. Consultations (咨询) are left out when `excludeConsultations` (default true).
 * - `resolution_rate` 解决率: (已解决 + `partialResolution` × 部分解决) ÷ orders with a return-visit
 *   answer (已解决, 部分解决 or 未解决), received in the period. Default weight of 部分解决: 0.
 * - `satisfaction_rate` 满意率: (满意 + `basicSatisfaction` × 基本满意) ÷ rated orders (满意, 基本满意,
 *   不满意; 非常满意 counts as 满意 and 非常不满意 as 不满意; 未评价 left out). Default weight 1.
 *
 * Reviews 好差评 (per unit, period of the review):
 * - `good_review_rate` 好评率: reviews rated 满意 or 非常满意 ÷ rated reviews.
 * - `rectification_rate` 差评整改率: upheld bad reviews rectified on time ÷ upheld bad reviews (on time:
 *   the exported flag when given, else rectified on or before the deadline).
 */
export const LINKAGE_METRICS = [
  'response_rate',
  'on_time_rate',
  'resolution_rate',
  'satisfaction_rate',
  'good_review_rate',
  'rectification_rate',
] as const;
export type LinkageMetric = (typeof LINKAGE_METRICS)[number];

/** Which source each metric reads. */
export const METRIC_SOURCE: Record<LinkageMetric, LinkageSource> = {
  response_rate: 'hotline',
  on_time_rate: 'hotline',
  resolution_rate: 'hotline',
  satisfaction_rate: 'hotline',
  good_review_rate: 'review',
  rectification_rate: 'review',
};

/** Period granularity: `2025-03`, `2025-Q1` or `2025` (the labels reported values use). */
export type Granularity = 'month' | 'quarter' | 'year';

/** The cut-offs a city sets (the defaults follow the common 12345 practice). */
export interface RateOptions {
  /** Response limit after receipt, in minutes (default 120: two hours). */
  responseLimitMinutes?: number;
  /** Weight of 部分解决 in the resolution rate, 0–1 (default 0; some cities count it half). */
  partialResolution?: number;
  /** Weight of 基本满意 in the satisfaction rate, 0–1 (default 1; some cities use 0.8). */
  basicSatisfaction?: number;
  /** Leave consultations (咨询) out of the on-time closure rate (default true). */
  excludeConsultations?: boolean;
  /** Offset of local time from UTC in minutes, for periods and dates (default 480: China Standard Time). */
  utcOffsetMinutes?: number;
  /** Default 'month'. */
  granularity?: Granularity;
}

/** One computed rate. */
export interface LinkageRate {
  unitId: string;
  period: string;
  metric: LinkageMetric;
  /** Weighted count of the records that meet the definition. */
  numerator: number;
  /** Records the definition counts; 0 ⇒ rate null. */
  denominator: number;
  /** numerator ÷ denominator × 100, unrounded; null when there is nothing to divide by. */
  rate: number | null;
}

const CONSULTATION = /^(咨询|consultation)$/i;

/** The local calendar date (YYYY-MM-DD) of a UTC instant. */
export function localDate(iso: string, utcOffsetMinutes = 480): string {
  const t = Date.parse(iso);
  if (!Number.isFinite(t)) throw new RangeError(`not a time: ${iso}`);
  return new Date(t + utcOffsetMinutes * 60_000).toISOString().slice(0, 10);
}

/** The period label of a local date at a granularity. */
export function periodOf(date: string, granularity: Granularity): string {
  const year = date.slice(0, 4);
  if (granularity === 'year') return year;
  const month = Number(date.slice(5, 7));
  if (granularity === 'quarter') return `${year}-Q${Math.ceil(month / 3)}`;
  return date.slice(0, 7);
}

/**
 * Rates per unit, period and metric of a set of deduplicated records (see {@link LINKAGE_METRICS} for
 * each definition). Only groups with at least one record of the metric's source appear; a group whose
 * denominator is 0 appears with `rate: null`. Sorted by unit, period, metric order.
 */
export function linkageRates(records: LinkageRecord[], options: RateOptions = {}): LinkageRate[] {
  const limit = (options.responseLimitMinutes ?? 120) * 60_000;
  const partial = options.partialResolution ?? 0;
  const basic = options.basicSatisfaction ?? 1;
  const excludeConsultations = options.excludeConsultations ?? true;
  const offset = options.utcOffsetMinutes ?? 480;
  const granularity = options.granularity ?? 'month';
  const groups = new Map<string, LinkageRate>();
  const acceptedKnown = new Set<string>();
  const add = (
    unitId: string,
    period: string,
    metric: LinkageMetric,
    num: number,
    den: number,
  ): LinkageRate => {
    const key = `${unitId}\u0000${period}\u0000${metric}`;
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { unitId, period, metric, numerator: 0, denominator: 0, rate: null }));
    g.numerator += num;
    g.denominator += den;
    return g;
  };
  const period = (iso: string) => periodOf(localDate(iso, offset), granularity);
  const onTime = (r: LinkageRecord): boolean =>
    r.onTime ?? (!!r.closedAt && !!r.deadline && localDate(r.closedAt, offset) <= r.deadline);

  for (const r of records) {
    const p = period(r.receivedAt);
    if (r.source === 'hotline') {
      const accepted = r.acceptedAt ? Date.parse(r.acceptedAt) - Date.parse(r.receivedAt) : null;
      const g = add(r.unitId, p, 'response_rate', accepted !== null && accepted <= limit ? 1 : 0, 1);
      if (accepted !== null) acceptedKnown.add(`${g.unitId}\u0000${g.period}`);
      const consultation = !!r.requestType && CONSULTATION.test(r.requestType.trim());
      const decided = !!r.deadline || (r.onTime !== null && r.onTime !== undefined);
      if (decided && !(excludeConsultations && consultation)) {
        const due = r.deadline ? periodOf(r.deadline, granularity) : p;
        add(r.unitId, due, 'on_time_rate', onTime(r) ? 1 : 0, 1);
      } else add(r.unitId, p, 'on_time_rate', 0, 0);
      if (r.resolution)
        add(
          r.unitId,
          p,
          'resolution_rate',
          r.resolution === 'resolved' ? 1 : r.resolution === 'partial' ? partial : 0,
          1,
        );
      else add(r.unitId, p, 'resolution_rate', 0, 0);
      const s = r.satisfaction;
      if (s)
        add(
          r.unitId,
          p,
          'satisfaction_rate',
          s === 'satisfied' || s === 'very_satisfied' ? 1 : s === 'basic' ? basic : 0,
          1,
        );
      else add(r.unitId, p, 'satisfaction_rate', 0, 0);
    } else {
      const s = r.satisfaction;
      if (s) add(r.unitId, p, 'good_review_rate', s === 'satisfied' || s === 'very_satisfied' ? 1 : 0, 1);
      else add(r.unitId, p, 'good_review_rate', 0, 0);
      if (r.upheld) add(r.unitId, p, 'rectification_rate', r.rectified && onTime(r) ? 1 : 0, 1);
      else add(r.unitId, p, 'rectification_rate', 0, 0);
    }
  }
  const order = new Map(LINKAGE_METRICS.map((m, i) => [m, i]));
  const out = [...groups.values()];
  for (const g of out) {
    const unknownResponse =
      g.metric === 'response_rate' && !acceptedKnown.has(`${g.unitId}\u0000${g.period}`);
    g.rate = g.denominator > 0 && !unknownResponse ? (g.numerator / g.denominator) * 100 : null;
  }
  return out.sort(
    (a, b) =>
      a.unitId.localeCompare(b.unitId) ||
      a.period.localeCompare(b.period) ||
      order.get(a.metric)! - order.get(b.metric)!,
  );
}

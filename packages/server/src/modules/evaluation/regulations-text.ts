/**
 * The published regulations 考核办法 as text, generated from the rule objects the computation reads (the
 * frozen rules version, its grade scheme and consequence rules) and the domain's own functions and
 * constants, in zh-CN and en: every number of a result is defined here.
 */
import { GRADES, PANEL_DISCLOSURE_MINIMUM, quotaLimit, type GradeScheme } from '@perfcommons/domain';
import type { Db } from '../../db/client';
import { notFound } from '../../lib/errors';
import { getCycle } from '../cycles/service';
import type { CycleRules } from './rules';
import { frozenRulesOrNull } from './use-cases/shared';

export interface RegulationSection {
  id: string;
  title: string;
  items: string[];
}

const GRADE_NAMES: Record<string, { zh: string; en: string }> = {
  excellent: { zh: '优秀', en: 'excellent' },
  good: { zh: '良好', en: 'good' },
  qualified: { zh: '合格', en: 'qualified' },
  basically_qualified: { zh: '基本合格', en: 'basically qualified' },
  unqualified: { zh: '不合格', en: 'unqualified' },
};
const KIND_NAMES: Record<string, { zh: string; en: string }> = {
  commendation: { zh: '嘉奖', en: 'commendation' },
  bonus_coefficient: { zh: '绩效奖金系数', en: 'performance bonus coefficient' },
  admonishment: { zh: '诫勉', en: 'admonishment' },
  accountability_review: { zh: '问责审查', en: 'accountability review' },
  promotion_eligible: { zh: '优先提拔使用', en: 'eligible for promotion' },
  improvement_plan: { zh: '限期整改', en: 'improvement plan' },
};
const pct = (x: number) => `${Math.round(x * 1e4) / 100}%`;

/** The regulations' sections in one language, from the rules and grade scheme the computation reads. */
export function regulationSections(
  rules: CycleRules,
  scheme: GradeScheme,
  cycleType: string,
  lang: 'zh' | 'en',
): RegulationSection[] {
  const zh = lang === 'zh';
  const g = (grade: string) => GRADE_NAMES[grade]?.[lang] ?? grade;
  const t = (a: string, b: string) => (zh ? a : b);
  const k = rules.trimEachSide;
  const sections: RegulationSection[] = [];

  sections.push({
    id: 'values',
    title: t('一、计分数据', '1. Which value is scored'),
    items: [
      t(
        '只有经核验（verified）的实际值计分；报送未核验或被退回的值不计分。',
        'Only verified actual values score; a value reported but not verified (pending or rejected) does not.',
      ),
      t(
        '同一指标有多个期间的核验值时：取考核年度的年度值（如“2025”）；没有年度值时取最近一个期间的核验值（期间标签按时间排序，如 2025-Q4 晚于 2025-Q3）。结果说明列出每个计分值的期间与核验状态。',
        "When an indicator has verified values of several periods: the year's value of the cycle (e.g. `2025`) scores; without it, the verified value of the latest period (period labels sort by time: 2025-Q4 after 2025-Q3). A result's explanation shows each scored value's period and verification status.",
      ),
    ],
  });

  sections.push({
    id: 'rules',
    title: t('二、评分标准（由值到得分率）', '2. Scoring rules (from a value to attainment)'),
    items: [
      t(
        '线性：得分率 = (实际值 − 基线) ÷ (目标 − 基线) × 100，限定在 [0, 100 × 上限系数]；上限系数默认 1，如 1.2 允许该指标得 120（超额完成），因此总分可超过 100。',
        'Linear: attainment = (actual − baseline) ÷ (target − baseline) × 100, clamped to [0, 100 × cap]; the cap defaults to 1; a cap of 1.2 lets the indicator reach 120 (over-fulfilment), so a total may exceed 100.',
      ),
      t(
        '比率：越高越好时 = 实际值 ÷ 目标 × 100；越低越好时 = 目标 ÷ 实际值 × 100（实际值 ≤ 0 得最高分）；同样限定在 [0, 100 × 上限系数]，上限系数为 1 时最高 100。',
        'Ratio: higher is better = actual ÷ target × 100; lower is better = target ÷ actual × 100 (an actual ≤ 0 gets the maximum); clamped to [0, 100 × cap], so at cap 1 it stops at 100.',
      ),
      t(
        '分档：按顺序取第一个包含实际值的档位，档位上下限均为闭区间（含端点），缺省的端点为开放；不落入任何档位得 0。',
        'Banded: the first band containing the value gives the points; both band limits are inclusive, an absent limit is open; no band → 0.',
      ),
      t(
        '约束性（达标/不达标）：满足条件得 100，否则 0。评分类：值本身即 0–100 的分数（截断到 0–100）。',
        'Pass/fail (binding task): 100 if the condition holds, else 0. Rating: the value is a 0–100 score (clamped).',
      ),
      t(
        '加分项、扣分项的权重即其分值上限：按件计分 = 实际值 × 每件分值，封顶于权重；使用上述评分标准的 = 得分率 ÷ 100 × 权重；无值为 0 分，不算缺失。',
        "A bonus or deduction item's weight is its cap in points: per unit = value × points per unit, capped at the weight; with one of the rules above = attainment ÷ 100 × weight; no value = 0 points (not missing).",
      ),
    ],
  });

  sections.push({
    id: 'panels',
    title: t('三、评价主体与评分汇总', '3. Rater panels'),
    items: [
      t(
        `每个评价主体对一个指标的评分：个人评分去掉最高和最低各 ${k} 个（仅当个人评分多于 ${2 * k} 个时），其余按权重（公众为相关度，其他为 1）加权平均。`,
        `Each subject's ratings of an indicator: the ${k} highest and ${k} lowest individual ratings are dropped (only when there are more than ${2 * k}), the rest averaged with their weights (relevance for the public, 1 otherwise).`,
      ),
      t(
        '满意度调查的估计值计入公众主体，权重为其有效样本量；估计值从不被去掉（去掉最高最低分只针对个人评分）。',
        "A published satisfaction survey's estimate joins the public panel, weighted by its effective sample size; it is never trimmed (trimming applies to individual raters only).",
      ),
      t(
        `评分人数（含调查估计值，在去掉最高最低分之前计）少于 ${rules.minRaters} 的主体不足额，不计分，其权重按比例分给其他有效主体；所有主体均不足额且无数据的指标视为缺失（insufficient_raters）。`,
        `A panel with fewer than ${rules.minRaters} ratings (survey estimates included, counted before trimming) is insufficient: it does not count and its weight goes proportionally to the present subjects; a leaf with no present subject and no data is missing (insufficient_raters).`,
      ),
      t(
        `开放数据中，个人评分少于 ${PANEL_DISCLOSURE_MINIMUM} 个的评分组只公开其汇总结果，不公开单个分数。`,
        `In the open data, a panel with fewer than ${PANEL_DISCLOSURE_MINIMUM} individual ratings is published as its figure only, never as individual scores.`,
      ),
    ],
  });

  sections.push({
    id: 'aggregation',
    title: t('四、汇总与总分', '4. Aggregation and the total'),
    items: [
      t(
        '上级指标得分率 = Σ(下级权重 × 下级得分率) ÷ Σ下级权重（仅常规指标）。',
        "A parent's attainment = Σ(child weight × child attainment) ÷ Σ child weights (normal children only).",
      ),
      t(
        '总分 = Σ(一级指标权重 × 得分率) ÷ 100 + 加分 − 扣分，最低为 0。计算过程不做四舍五入；公开显示保留两位小数（四舍五入，远离零）。',
        'Total = Σ(first-level weight × attainment) ÷ 100 + bonus − deduction, floored at 0. Nothing is rounded while computing; published figures show 2 decimals (half away from zero).',
      ),
    ],
  });

  const missing = {
    incomplete: t(
      '结果不完整：缺失的指标计 0 分，该结果不评等次、不排名、不适用结果运用。',
      'incomplete: a missing leaf scores 0 and the result gets no grade, rank or consequence.',
    ),
    renormalise: t(
      '重新归一：缺失的指标不参与计算，其同级指标的权重按比例放大；全部缺失的上级指标同样排除。',
      "renormalise: a missing leaf is left out and its siblings' weights are scaled up; a parent all of whose children are missing is left out in turn.",
    ),
    zero: t(
      '计零：缺失的指标计 0 分，结果照常评等次。',
      'zero: a missing leaf scores 0 and the result is graded as usual.',
    ),
  }[rules.missingData];
  sections.push({
    id: 'missing',
    title: t('五、缺失数据', '5. Missing data'),
    items: [
      t(
        '缺失指：数据类指标无核验值（未报送或未核验）、公众主体等待尚未发布的调查估计值，或无任何有效评价主体。',
        'Missing: a data leaf without a verified value (unreported or unverified), a public panel awaiting an unpublished survey estimate, or no present subject at all.',
      ),
      t(`本周期规则：${missing}`, `This cycle's rule: ${missing}`),
      t(
        '带一票否决的指标缺失时，无法判定否决，结果在任何规则下均为不完整。',
        'A missing veto leaf cannot be decided: the result is incomplete under any rule.',
      ),
    ],
  });

  sections.push({
    id: 'veto',
    title: t('六、一票否决', '6. Veto'),
    items: [
      t(
        '设有一票否决的指标得分率低于 100（未完全达成）即触发。',
        'A leaf carrying a veto triggers it when its attainment is below 100 (not fully attained).',
      ),
      t(
        '“直接不合格”：等次定为最低等次；“降一档”：等次为按分数应得等次的下一档。被否决者仍计入比较组人数，并占用其被限定等次的名额。',
        "'unqualified': the grade becomes the lowest; 'down one': one grade below the grade the score earned. A vetoed appraisee still counts in its peer group's size and takes a place in the grade it is capped to.",
      ),
    ],
  });

  const bands = scheme.bands.map((b, i) =>
    i === scheme.bands.length - 1 ? `${g(b.grade)} ${t('其余', 'otherwise')}` : `${g(b.grade)} ≥ ${b.min}`,
  );
  const quotas = (scheme.quotas ?? []).map((q) => {
    const examples = [4, 5, 10, 17].map((n) => `${n}→${quotaLimit(q, n)}`).join(', ');
    return t(
      `${g(q.grade)}不超过比较组的 ${pct(q.maxShare)}：名额 = ⌊${pct(q.maxShare)} × 人数⌋（向下取整${q.atLeastOne ? '，至少 1 名' : ''}；如 ${examples}）；超出名额者按排名依次降为下一等次，下一等次的名额同样适用。`,
      `${g(q.grade)}: at most ${pct(q.maxShare)} of the peer group: places = ⌊${pct(q.maxShare)} × size⌋ (rounded down${q.atLeastOne ? ', at least 1' : ''}; e.g. ${examples}); those beyond the places drop, in rank order, to the next grade, whose own quota then applies.`,
    );
  });
  sections.push({
    id: 'grades',
    title: t('七、等次与排名', '7. Grades and ranks'),
    items: [
      t(
        `等次分数线（含端点）：${bands.join('；')}。`,
        `Grade bands (limits inclusive): ${bands.join('; ')}.`,
      ),
      ...quotas,
      scheme.tieBreak === 'shareQuota'
        ? t(
            '同分：名额边界处同分者同进同出——若不能全部保留，则全部降档（名额不会被突破，可能空余）。',
            'Ties at a quota boundary share one fate: if they do not all fit, all of them drop (the quota is never exceeded, possibly left underused).',
          )
        : t(
            '同分：依次按加权得分（高者在前）、再按编码排序，名额恰好用满。',
            'Ties are broken by weighted score (higher first), then by code, and the quota is filled exactly.',
          ),
      t(
        '排名在比较组内进行（同类被考核对象、同一比较组）；总分相差不超过 1e-9 视为相同，同分同名次（1, 1, 3）。只有完整的结果参与排名、名额与比较组人数。',
        'Ranks are within a peer group (same appraisee type and group); totals within 1e-9 are equal and share a rank (1, 1, 3). Only complete results are ranked and counted in quotas and group size.',
      ),
    ],
  });

  const combined: string[] = [];
  if (rules.unitShareForCadres > 0)
    combined.push(
      t(
        `干部总分 = (1 − ${rules.unitShareForCadres}) × 本人得分 + ${rules.unitShareForCadres} × 所在单位得分（人事结合）；单位结果不完整或缺失时，干部结果不完整。`,
        `A cadre's total = (1 − ${rules.unitShareForCadres}) × own score + ${rules.unitShareForCadres} × the unit's score (combined appraisal); if the unit's result is incomplete or absent, the cadre's is incomplete.`,
      ),
    );
  if (cycleType === 'term' && rules.annualShareForTerm > 0)
    combined.push(
      t(
        `任期总分 = (1 − ${rules.annualShareForTerm}) × 任期考核得分 + ${rules.annualShareForTerm} × 任期内各年度考核总分的平均（期间完全落在任期内的年度周期）；任一年度结果不完整或没有年度结果时，任期结果不完整。`,
        `A term total = (1 − ${rules.annualShareForTerm}) × the term score + ${rules.annualShareForTerm} × the mean of the annual totals within the term (annual cycles whose period lies inside the term); if any annual result is incomplete, or there is none, the term result is incomplete.`,
      ),
    );
  if (combined.length === 0)
    combined.push(t('本周期不合并其他结果。', 'This cycle combines no other results.'));
  sections.push({ id: 'combined', title: t('八、结果合并', '8. Combined results'), items: combined });

  sections.push({
    id: 'consequences',
    title: t('九、结果运用', '9. Consequences'),
    items: rules.consequenceRules.length
      ? rules.consequenceRules.map((r) => {
          const who =
            r.appraiseeType === 'cadre'
              ? t('干部', 'cadres')
              : r.appraiseeType === 'unit'
                ? t('单位', 'units')
                : t('单位和干部', 'units and cadres');
          const when = [
            r.grade
              ? r.consecutive && r.consecutive > 1
                ? t(
                    `连续 ${r.consecutive} 个年度为${g(r.grade)}`,
                    `${g(r.grade)} ${r.consecutive} years in a row`,
                  )
                : t(`等次为${g(r.grade)}`, `grade ${g(r.grade)}`)
              : null,
            r.veto ? t('触发一票否决', 'a veto triggered') : null,
          ]
            .filter(Boolean)
            .join(t('且', ' and '));
          const what = `${KIND_NAMES[r.kind]?.[lang] ?? r.kind}${r.value !== undefined ? ` ${r.value}` : ''}`;
          return t(`${who}：${when} → ${what}。`, `${who}: ${when} → ${what}.`);
        })
      : [t('本周期无结果运用规则。', 'This cycle has no consequence rules.')],
  });
  sections.push({
    id: 'appeals',
    title: t('十、申诉', '10. Appeals'),
    items: [
      t(
        `结果公开后 ${rules.appealWindowDays} 天内可申诉；申诉采纳后重新计算，结果以新修订版公开，并说明变化与原因。`,
        `Appeals are accepted for ${rules.appealWindowDays} days after publication; an accepted appeal recomputes the result, published as a new revision stating what changed and why.`,
      ),
    ],
  });
  return sections;
}

/** The frozen regulations of a cycle as text in both languages (404 before they are frozen). */
export async function regulationsText(db: Db, cycleId: string) {
  const cycle = await getCycle(db, cycleId);
  const frozen = await frozenRulesOrNull(db, cycleId);
  if (!frozen) throw notFound('Published regulations');
  return {
    version: frozen.version,
    frozenAt: frozen.frozenAt,
    grades: [...GRADES],
    'zh-CN': regulationSections(frozen.rules, frozen.gradeScheme, cycle.type, 'zh'),
    en: regulationSections(frozen.rules, frozen.gradeScheme, cycle.type, 'en'),
  };
}

import i18next from 'i18next';
import type { Same } from '../../i18n';

/** Strings of the plan shown beside the comment form (registered with the page). */
const zh = {
  title: '计划内容',
  hint: '评论前可先查看每项指标的权重、目标和评分规则。权重为在上级指标中的占比。',
  indicator: '指标',
  weight: '权重',
  target: '目标',
  rule: '评分规则',
  baseline: '基期 {{v}}',
  higher: '越高越好',
  lower: '越低越好',
  rules: {
    linear: '从基期 {{baseline}} 到目标 {{target}} 线性得分{{cap}}',
    ratio: '按完成率（实际 ÷ 目标 {{target}}）得分{{cap}}',
    banded: '分档得分：{{bands}}',
    passFail: '达标得满分，否则不得分',
    rating: '由评价组评分',
    perUnit: '每件 {{points}} 分',
  },
  cap: '，最高 {{cap}} 倍',
  band: '{{range}} 得 {{points}} 分',
  kind: { bonus: '加分项', deduction: '扣分项' },
  veto: '一票否决',
};
const en: Same<typeof zh> = {
  title: 'The plan',
  hint: 'Before commenting, see each indicator’s weight, target and scoring rule. A weight is the share within its parent.',
  indicator: 'Indicator',
  weight: 'Weight',
  target: 'Target',
  rule: 'Scoring rule',
  baseline: 'baseline {{v}}',
  higher: 'higher is better',
  lower: 'lower is better',
  rules: {
    linear: 'Linear from the baseline {{baseline}} to the target {{target}}{{cap}}',
    ratio: 'By attainment (actual ÷ target {{target}}){{cap}}',
    banded: 'Bands: {{bands}}',
    passFail: 'Full score when met, none otherwise',
    rating: 'Rated by the panels',
    perUnit: '{{points}} points per case',
  },
  cap: ', at most {{cap}}×',
  band: '{{range}}: {{points}} points',
  kind: { bonus: 'Bonus', deduction: 'Deduction' },
  veto: 'Veto',
};

i18next.addResourceBundle('zh-CN', 'ppPlan', zh, true, true);
i18next.addResourceBundle('en', 'ppPlan', en, true, true);

import i18next from 'i18next';
import type { Same } from '../../i18n';

/** Strings of the plan editor's design checks 指标科学性检查 and entropy weight aid 熵权法. */
export const zh = {
  lint: {
    title: '指标科学性检查',
    none: '未发现问题：指标定义、数据来源、目标值、重复和权重均符合要求。',
    summary: '{{errors}} 项错误（提交前须修正或说明理由），{{warnings}} 项提示',
    summaryWarnings: '{{warnings}} 项提示（不影响提交）',
    savedOnly: '检查结果针对已保存的版本；保存后重新检查。',
    error: '错误',
    warning: '提示',
    plan: '整体',
    open: '查看',
    override: '说明理由后提交',
    overrideTitle: '存在科学性检查错误，说明理由后提交',
    overrideHelp: '理由将记入审计日志，公开征求意见时可供查阅。至少 10 个字。',
    overrideReason: '理由',
    overrideSubmit: '提交',
    submitted: '已提交并公开征求意见',
    codes: {
      'smart.no_definition': '{{name}}：缺少指标解释（测什么、怎么算）',
      'smart.no_data_source': '{{name}}：未写明数据来源',
      'smart.no_target': '{{name}}：按数据计分但没有目标值',
      'smart.target_below_baseline': '{{name}}：目标值不优于基期值（{{detail}}）',
      overlap: '{{name}} 与 {{other}} 高度相似（相似度 {{value}}），可能重复考核',
      'balance.public_weight': '群众评价仅占总分 {{value}}%，低于本周期要求的 {{min}}%',
      'weight.too_small': '{{name}}：仅占总分 {{value}}%，低于本周期最低 {{min}}%',
      'rubric.missing': '{{name}}：由评价人打分，但没有评分细则（各分数段的表现描述）',
    },
    worse: '劣于基期',
    equal: '等于基期',
  },
  entropy: {
    button: '熵权法参考',
    title: '熵权法：按历史数据计算客观权重',
    intro:
      '数据来自{{cycle}}同类考核对象经审核的实际值；各指标在考核对象之间差异越大，熵权越高。熵权只反映数据的区分度，不反映重要性，请结合 AHP 和政策导向使用。',
    leaf: '指标',
    current: '当前占总分',
    weight: '熵权',
    peers: '有数据的对象',
    rows: '参与计算的考核对象：{{n}} 个',
    excluded: '未参与计算：{{list}}',
    notData: '非数据计分',
    tooFewValues: '历史数据不足',
    apply: '按熵权设置同组权重',
    applyHelp: '仅调整全部下级均参与计算的分组，上级权重不变。',
    applied: '已按熵权设置 {{n}} 组权重',
    nothingToApply: '没有可整体套用熵权的分组',
    insufficient: {
      no_earlier_cycle: '没有已公布结果的上一考核周期，无法计算熵权。',
      too_few_peers: '上一周期有完整数据的同类考核对象不足 3 个，历史数据不足以计算熵权。',
      too_few_leaves: '有历史数据的数据类指标不足 2 个，无法计算熵权。',
    },
  },
  leafDefinition: '指标解释',
  leafDefinitionHelp: '测什么、怎么算（口径、公式、范围）',
};

export const en: Same<typeof zh> = {
  lint: {
    title: 'Design checks',
    none: 'No findings: definitions, data sources, targets, overlaps and weights are in order.',
    summary: '{{errors}} errors (fix them or give a reason to submit), {{warnings}} warnings',
    summaryWarnings: '{{warnings}} warnings (submission not blocked)',
    savedOnly: 'The checks are of the saved version; save to check again.',
    error: 'Error',
    warning: 'Warning',
    plan: 'Plan',
    open: 'Open',
    override: 'Submit with a reason',
    overrideTitle: 'Design check errors: submit with a reason',
    overrideHelp:
      'The reason is recorded in the audit log and can be read during public comment. At least 10 characters.',
    overrideReason: 'Reason',
    overrideSubmit: 'Submit',
    submitted: 'Submitted and published for comment',
    codes: {
      'smart.no_definition': '{{name}}: no definition (what is measured and how)',
      'smart.no_data_source': '{{name}}: no data source',
      'smart.no_target': '{{name}}: scored from data but has no target',
      'smart.target_below_baseline': '{{name}}: the target is not better than the baseline ({{detail}})',
      overlap: '{{name}} nearly duplicates {{other}} (similarity {{value}})',
      'balance.public_weight':
        'The public scores {{value}}% of the total, below the cycle’s minimum of {{min}}%',
      'weight.too_small': '{{name}}: {{value}}% of the total, below the cycle’s minimum of {{min}}%',
      'rubric.missing': '{{name}}: scored by raters but has no rubric (what each score band looks like)',
    },
    worse: 'worse than the baseline',
    equal: 'equal to the baseline',
  },
  entropy: {
    button: 'Entropy weights',
    title: 'Entropy weights from history',
    intro:
      'From the verified values of the peer appraisees in {{cycle}}; an indicator that differs more between them weighs more. Entropy weights measure how well an indicator separates appraisees, not its importance: use them beside AHP and policy priorities.',
    leaf: 'Indicator',
    current: 'Current share',
    weight: 'Entropy weight',
    peers: 'Peers with data',
    rows: 'Appraisees in the computation: {{n}}',
    excluded: 'Left out: {{list}}',
    notData: 'not scored from data',
    tooFewValues: 'too little history',
    apply: 'Set sibling weights from entropy',
    applyHelp: 'Only groups whose children are all in the computation change; parents keep their weights.',
    applied: 'Entropy weights set in {{n}} groups',
    nothingToApply: 'No group can take the entropy weights as a whole',
    insufficient: {
      no_earlier_cycle:
        'There is no earlier cycle with published results: entropy weights cannot be computed.',
      too_few_peers:
        'Fewer than 3 peer appraisees have complete data in the earlier cycle: not enough history for entropy weights.',
      too_few_leaves: 'Fewer than 2 data indicators have history: entropy weights cannot be computed.',
    },
  },
  leafDefinition: 'Definition',
  leafDefinitionHelp: 'What is measured and how (scope, formula, coverage)',
};

i18next.addResourceBundle('zh-CN', 'planDesign', zh, true, false);
i18next.addResourceBundle('en', 'planDesign', en, true, false);

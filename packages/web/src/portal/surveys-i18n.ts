import i18next from 'i18next';
import type { Same } from '../i18n';

/** Strings of the published survey reports on the portal (registered when the page loads). */
const zh = {
  list: '满意度调查报告',
  none: '暂无已发布的调查报告。',
  published: '发布于 {{at}}',
  print: '打印 / 另存为 PDF',
  method: '调查方法',
  frame: '抽样框 {{n}} 个单位，按{{fields}}分层',
  sample: '分层随机抽样：样本 {{n}}，{{alloc}}分配，随机种子“{{seed}}”（可据此复现样本）',
  alloc: { proportional: '按比例', equal: '等额', neyman: '奈曼' },
  fieldwork: '调查时间 {{from}} 至 {{to}}，回收有效答卷 {{n}} 份，应答率 {{rate}}',
  aapor:
    'AAPOR 结果率：应答率 RR1 {{rr1}}，合作率 COOP1 {{coop1}}，拒访率 REF1 {{ref1}}，接触率 CON1 {{con1}}（拒访 {{refused}}，未接触 {{nonContact}}，不符合条件 {{ineligible}}，情况不明 {{unknown}}）',
  modes: '作答方式',
  mode: { web: '网络', paper: '纸质', phone: '电话', face: '面访', open: '公开' },
  weighting: '加权：{{method}}，Kish 加权效应 {{wef}}；公开作答 {{open}} 份单独列示，不计入加权结果',
  design:
    '估计方法：按实际抽样设计（分层、不放回，{{strata}} 层，按抽样框各层总数做有限总体校正）与加权步骤计算；标准误按泰勒线性化，自由度 {{df}}，总体指数的设计效应 {{deff}}；95% 置信区间为 t 分布区间，在 logit 尺度上构造，不超出 0–100',
  moe: '误差范围',
  variance: { taylor: '泰勒线性化', jackknife: '刀切法重复权数', bootstrap: '自助法重复权数' },
  replicates:
    '（本报告的标准误、误差范围和置信区间改用{{method}}计算：{{kind}}，{{n}} 组重复权数，每组重做加权步骤）',
  method2: { rake: '按总体边际迭代加权（raking）并截尾', poststrat: '事后分层加权', design: '设计权数' },
  overall: '总体满意度指数',
  byPlan: '各部门满意度指数',
  ci: '95% 置信区间',
  appraisee: '部门',
  index: '指数',
  n: '样本',
  dimensions: '分维度指数',
  dimension: '维度',
  reliability: '量表信度（Cronbach α）',
  scale: '量表',
  strata: '各层应答情况',
  stratum: '层',
  sampled: '样本',
  responses: '答卷',
  rate: '应答率',
  questions: '各题结果（加权百分比）',
  keywords: '意见建议关键词',
  notFound: '未找到该报告',
  note: '指数按 0–100 计：非常满意 100、满意 80、一般 60、不满意 40、非常不满意 20（七级量表按 100·v/7）。',
};
const en: Same<typeof zh> = {
  list: 'Satisfaction survey reports',
  none: 'No survey report has been published yet.',
  published: 'Published {{at}}',
  print: 'Print / save as PDF',
  method: 'Method',
  frame: 'Sampling frame of {{n}} units, stratified by {{fields}}',
  sample: 'Stratified random sample of {{n}}, {{alloc}} allocation, seed “{{seed}}” (reproducible)',
  alloc: { proportional: 'proportional', equal: 'equal', neyman: 'Neyman' },
  fieldwork: 'Fieldwork {{from}} to {{to}}; {{n}} valid answers, response rate {{rate}}',
  aapor:
    'AAPOR outcome rates: response RR1 {{rr1}}, cooperation COOP1 {{coop1}}, refusal REF1 {{ref1}}, contact CON1 {{con1}} (refused {{refused}}, non-contact {{nonContact}}, ineligible {{ineligible}}, unknown {{unknown}})',
  modes: 'Modes',
  mode: { web: 'Web', paper: 'Paper', phone: 'Phone', face: 'Face to face', open: 'Open' },
  weighting:
    'Weighting: {{method}}, Kish weighting effect {{wef}}; {{open}} open answers are shown apart and not weighted in',
  design:
    'Estimation: by the design actually drawn (stratified, without replacement, {{strata}} strata, finite population correction from the frame counts) and the weighting steps; standard errors by Taylor linearisation on {{df}} degrees of freedom; design effect of the overall index {{deff}}; 95% intervals are t intervals built on the logit scale, within 0–100',
  moe: 'Margin of error',
  variance: {
    taylor: 'Taylor linearisation',
    jackknife: 'jackknife replicates',
    bootstrap: 'bootstrap replicates',
  },
  replicates:
    '(standard errors, margins of error and intervals of this report come from {{method}} instead: {{kind}}, {{n}} replicate weights, the weighting redone on each)',
  method2: {
    rake: 'raking to population margins, with trimming',
    poststrat: 'post-stratification',
    design: 'design weights',
  },
  overall: 'Overall satisfaction index',
  byPlan: 'Satisfaction index per department',
  ci: '95% CI',
  appraisee: 'Department',
  index: 'Index',
  n: 'n',
  dimensions: 'Index per dimension',
  dimension: 'Dimension',
  reliability: "Scale reliability (Cronbach's α)",
  scale: 'Scale',
  strata: 'Response by stratum',
  stratum: 'Stratum',
  sampled: 'Sampled',
  responses: 'Answers',
  rate: 'Rate',
  questions: 'Answers per question (weighted %)',
  keywords: 'Keywords in suggestions',
  notFound: 'Report not found',
  note: 'Index on 0–100: very satisfied 100, satisfied 80, neutral 60, dissatisfied 40, very dissatisfied 20 (7-point: 100·v/7).',
};

i18next.addResourceBundle('zh-CN', 'portalSurveys', zh, true, true);
i18next.addResourceBundle('en', 'portalSurveys', en, true, true);

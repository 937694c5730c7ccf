import type { Same } from '.';
/** Strings of the public portal. */
const zh = {
  nav: { home: '首页', units: '单位', cadres: '干部', console: '工作人员入口' },
  home: {
    title: '政府绩效，公众共治',
    intro:
      '领导干部、单位与他们服务的群众组成一个绩效共同体。从提出诉求、评议计划，到评价打分、跟踪整改，每个环节都向公众开放。',
    current: '当前考核周期',
    noCycles: '暂无公开的考核周期',
    period: '{{start}} 至 {{end}}',
    resultsPublished: '结果已公布',
    viewUnits: '查看单位与计划',
    viewCadres: '查看领导干部',
    how: '公众如何参与',
  },
  units: { title: '考核单位', search: '搜索单位名称', count: '共 {{n}} 个单位' },
  cadres: { title: '领导干部', search: '搜索姓名或职务', count: '共 {{n}} 人' },
  unit: {
    plans: '公开的绩效计划',
    noPlans: '暂无公开的绩效计划',
    results: '公开的考核结果',
    noResults: '暂无公开的考核结果',
    cadres: '领导干部',
    peerGroup: '同类组：{{g}}',
    ranking: '同类组排名',
    radar: '一级指标得分',
    trend: '历次得分',
    breakdown: '得分说明',
    showTree: '查看指标',
    hideTree: '收起指标',
    notFound: '未找到该单位',
    cycle: '考核周期',
  },
  footer: '数据由绩效办公开发布。如对结果有疑问，可在反馈环节提出申诉。',
};

type Tree = { [k: string]: string | Tree };

const en: Same<typeof zh> = {
  nav: { home: 'Home', units: 'Units', cadres: 'Cadres', console: 'Staff sign-in' },
  home: {
    title: 'Government performance, shaped together',
    intro:
      'Leading cadres, their units and the people they serve form one performance community. From raising needs and commenting on plans to rating and following improvements, every link is open to the public.',
    current: 'Current appraisal cycles',
    noCycles: 'No public cycles yet',
    period: '{{start}} to {{end}}',
    resultsPublished: 'Results published',
    viewUnits: 'Units and their plans',
    viewCadres: 'Leading cadres',
    how: 'How the public takes part',
  },
  units: { title: 'Appraised units', search: 'Search units', count: '{{n}} units' },
  cadres: { title: 'Leading cadres', search: 'Search by name or position', count: '{{n}} people' },
  unit: {
    plans: 'Published performance plans',
    noPlans: 'No published plans yet',
    results: 'Published results',
    noResults: 'No published results yet',
    cadres: 'Leading cadres',
    peerGroup: 'Peer group: {{g}}',
    ranking: 'Ranking in peer group',
    radar: 'First-level indicator scores',
    trend: 'Scores over cycles',
    breakdown: 'How the score is made',
    showTree: 'Show indicators',
    hideTree: 'Hide indicators',
    notFound: 'Unit not found',
    cycle: 'Cycle',
  },
  footer:
    'Published by the performance office. Questions about a result can be raised as an appeal in the feedback link.',
};

export const portal: Record<'zh-CN' | 'en', Tree> = { 'zh-CN': zh, en };

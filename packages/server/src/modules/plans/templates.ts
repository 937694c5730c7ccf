import type { IndicatorNodeInput as N } from '@perfcommons/contracts';

/**
 * Indicator tree templates 指标体系模板 the office starts plans from (bulk plan set-up, single plan
 * create). Each call returns a fresh tree; the demo city seeds its plans from the same templates.
 */
const leaders: N['subjects'] = [
  { type: 'superior', weight: 60 },
  { type: 'peer', weight: 20 },
  { type: 'deputy', weight: 20 },
];
const publicOnly: N['subjects'] = [{ type: 'public', weight: 100 }];

const lin = (
  code: string,
  name: string,
  nameEn: string,
  weight: number,
  unit: string,
  baseline: number,
  target: number,
  dataSource: string,
  direction: 'higher' | 'lower' = 'higher',
): N => ({
  code,
  name,
  nameEn,
  weight,
  unit,
  dataSource,
  direction,
  baseline,
  target,
  rule: { type: 'linear', baseline, target, direction, cap: 1.2 },
});

const bonusAndDeduction = (): N[] => [
  {
    code: 'G1',
    name: '国家级、省级表彰及改革试点',
    nameEn: 'National or provincial commendations and pilot reforms',
    weight: 3,
    kind: 'bonus',
    unit: '项',
    rule: { type: 'perUnit', points: 1 },
    dataSource: '市委组织部',
  },
  {
    code: 'H1',
    name: '审计问题未整改、重大投诉查实',
    nameEn: 'Unrectified audit findings, major complaints upheld',
    weight: 5,
    kind: 'deduction',
    unit: '项',
    rule: { type: 'perUnit', points: 1 },
    dataSource: '市审计局',
  },
];

/** 年度综合考核 of a district or county: six first-level indicators, a three-level livelihood branch. */
export function districtTree(): N[] {
  return [
    {
      code: 'A',
      name: '经济发展',
      nameEn: 'Economic development',
      weight: 30,
      children: [
        lin('A1', '地区生产总值增速', 'GDP growth', 30, '%', 3, 6, '市统计局'),
        lin('A2', '一般公共预算收入增长', 'General budget revenue growth', 25, '%', 2, 7, '市财政局'),
        lin('A3', '固定资产投资增长', 'Fixed-asset investment growth', 20, '%', 2, 8, '市统计局'),
        lin('A4', '规上工业增加值增长', 'Industrial value added growth', 15, '%', 3, 7, '市统计局'),
        lin('A5', 'R&D经费占GDP比重', 'R&D spending share of GDP', 10, '%', 1.5, 2.8, '市科学技术局'),
      ],
    },
    {
      code: 'B',
      name: '民生保障',
      nameEn: 'Public services and livelihood',
      weight: 20,
      children: [
        {
          code: 'B1',
          name: '就业与收入',
          nameEn: 'Jobs and income',
          weight: 60,
          children: [
            lin('B1.1', '城镇新增就业', 'New urban jobs', 40, '人', 8000, 12000, '市人社局'),
            lin(
              'B1.2',
              '城镇登记失业率',
              'Registered urban unemployment',
              30,
              '%',
              4,
              3,
              '市人社局',
              'lower',
            ),
            lin(
              'B1.3',
              '居民人均可支配收入增长',
              'Per-capita disposable income growth',
              30,
              '%',
              4,
              6.5,
              '市统计局',
            ),
          ],
        },
        {
          code: 'B2',
          name: '住房与教育',
          nameEn: 'Housing and education',
          weight: 40,
          children: [
            lin('B2.1', '保障性住房竣工', 'Affordable housing completed', 50, '套', 800, 1500, '市住建局'),
            lin(
              'B2.2',
              '新增义务教育学位',
              'New compulsory-education places',
              50,
              '个',
              1000,
              3000,
              '市教育局',
            ),
          ],
        },
      ],
    },
    {
      code: 'C',
      name: '生态环境',
      nameEn: 'Ecology and environment',
      weight: 15,
      children: [
        lin('C1', 'PM2.5年均浓度', 'PM2.5 annual average', 40, 'µg/m³', 45, 32, '市生态环境局', 'lower'),
        lin('C2', '空气质量优良天数比例', 'Share of good air quality days', 30, '%', 75, 88, '市生态环境局'),
        lin(
          'C3',
          '地表水达到或好于III类比例',
          'Surface water at or above grade III',
          30,
          '%',
          70,
          90,
          '市生态环境局',
        ),
      ],
    },
    {
      code: 'D',
      name: '安全稳定',
      nameEn: 'Safety and stability',
      weight: 10,
      children: [
        {
          code: 'D1',
          name: '生产安全事故死亡人数',
          nameEn: 'Deaths in work-safety accidents',
          weight: 40,
          unit: '人',
          direction: 'lower',
          dataSource: '市应急管理局',
          rule: {
            type: 'banded',
            bands: [
              { max: 0, points: 100 },
              { min: 1, max: 3, points: 80 },
              { min: 4, max: 6, points: 60 },
              { min: 7, points: 30 },
            ],
          },
        },
        {
          code: 'D2',
          name: '信访事项按期办结率',
          nameEn: 'Petitions resolved on time',
          weight: 30,
          unit: '%',
          direction: 'higher',
          dataSource: '市信访局',
          target: 98,
          rule: { type: 'ratio', target: 98, direction: 'higher' },
        },
        {
          code: 'D3',
          name: '较大及以上生产安全事故',
          nameEn: 'Major or worse work-safety accidents',
          weight: 30,
          unit: '起',
          direction: 'lower',
          dataSource: '市应急管理局',
          rule: { type: 'passFail', passWhen: 'zero' },
          veto: { mode: 'unqualified' },
        },
      ],
    },
    {
      code: 'E',
      name: '政府自身建设',
      nameEn: 'Government self-building and rule of law',
      weight: 10,
      children: [
        lin(
          'E1',
          '12345热线按期办结率',
          '12345 hotline cases closed on time',
          40,
          '%',
          85,
          98,
          '市12345热线服务中心',
        ),
        lin(
          'E2',
          '政务服务好差评好评率',
          'Share of good reviews of government services',
          30,
          '%',
          90,
          99,
          '市政务服务管理局',
        ),
        {
          code: 'E3',
          name: '领导班子综合评价',
          nameEn: 'Evaluation of the leadership team',
          weight: 30,
          rule: { type: 'rating' },
          subjects: leaders,
        },
      ],
    },
    {
      code: 'F',
      name: '公众满意度',
      nameEn: 'Public satisfaction',
      weight: 15,
      children: [
        {
          code: 'F1',
          name: '群众满意度评价',
          nameEn: 'Residents’ satisfaction rating',
          weight: 100,
          rule: { type: 'rating' },
          subjects: publicOnly,
        },
      ],
    },
    ...bonusAndDeduction(),
  ];
}

/** Placeholder names of the two core function tasks, which each department replaces with its own. */
const GENERIC_TASKS: DepartmentTasks = [
  '核心职能任务一（请填写本单位具体任务）',
  'Core function task 1 (name the unit’s own task)',
  '核心职能任务二（请填写本单位具体任务）',
  'Core function task 2 (name the unit’s own task)',
];

/** Two core tasks of a department: name, English name, name, English name. */
export type DepartmentTasks = [string, string, string, string];

/**
 * 年度综合考核 of a city department: core function tasks, service, rule of law, integrity, satisfaction.
 * Without `tasks`, the two core tasks carry placeholder names for the department to replace.
 */
export function departmentTree(tasks: DepartmentTasks = GENERIC_TASKS): N[] {
  const [t1, t1En, t2, t2En] = tasks;
  return [
    {
      code: 'A',
      name: '核心职能目标',
      nameEn: 'Core function targets',
      weight: 40,
      children: [
        lin('A1', t1, t1En, 40, '%', 80, 100, '牵头单位报送'),
        lin('A2', t2, t2En, 35, '%', 80, 100, '牵头单位报送'),
        {
          code: 'A3',
          name: '市委市政府重点任务完成率',
          nameEn: 'Key tasks of the city completed',
          weight: 25,
          unit: '%',
          direction: 'higher',
          dataSource: '市政府督查室',
          target: 100,
          rule: { type: 'ratio', target: 100, direction: 'higher' },
        },
      ],
    },
    {
      code: 'B',
      name: '公共服务',
      nameEn: 'Public service',
      weight: 15,
      children: [
        lin(
          'B1',
          '政务服务事项网上可办率',
          'Services available online',
          50,
          '%',
          85,
          100,
          '市政务服务管理局',
        ),
        lin(
          'B2',
          '12345转办件按期办结率',
          'Hotline cases closed on time',
          50,
          '%',
          85,
          98,
          '市12345热线服务中心',
        ),
      ],
    },
    {
      code: 'C',
      name: '依法行政',
      nameEn: 'Rule of law',
      weight: 15,
      children: [
        lin(
          'C1',
          '行政复议和诉讼败诉件数',
          'Reconsideration and litigation cases lost',
          50,
          '件',
          5,
          0,
          '市司法局',
          'lower',
        ),
        lin(
          'C2',
          '政府信息按时公开率',
          'Government information disclosed on time',
          50,
          '%',
          90,
          100,
          '市政府办公室',
        ),
      ],
    },
    {
      code: 'D',
      name: '班子建设与廉政',
      nameEn: 'Leadership and integrity',
      weight: 10,
      children: [
        {
          code: 'D1',
          name: '领导班子综合评价',
          nameEn: 'Evaluation of the leadership team',
          weight: 70,
          rule: { type: 'rating' },
          subjects: leaders,
        },
        {
          code: 'D2',
          name: '班子成员严重违纪违法案件',
          nameEn: 'Serious discipline cases in the leadership',
          weight: 30,
          unit: '起',
          direction: 'lower',
          dataSource: '市纪委监委',
          rule: { type: 'passFail', passWhen: 'zero' },
          veto: { mode: 'unqualified' },
        },
      ],
    },
    {
      code: 'E',
      name: '公众满意度',
      nameEn: 'Public satisfaction',
      weight: 20,
      children: [
        {
          code: 'E1',
          name: '服务对象满意度评价',
          nameEn: 'Service recipients’ satisfaction rating',
          weight: 100,
          rule: { type: 'rating' },
          subjects: publicOnly,
        },
      ],
    },
    ...bonusAndDeduction(),
  ];
}

const cadreSubjects: N['subjects'] = [
  { type: 'superior', weight: 50 },
  { type: 'peer', weight: 30 },
  { type: 'deputy', weight: 20 },
];

/** 领导干部年度考核 on the five dimensions 德 能 勤 绩 廉. */
export function cadreTree(): N[] {
  const dim = (code: string, name: string, nameEn: string, weight: number): N => ({
    code,
    name,
    nameEn,
    weight,
    rule: { type: 'rating' },
    subjects: cadreSubjects,
  });
  return [
    dim('DE', '德：政治品质和道德品行', 'Virtue: political integrity and ethics', 20),
    dim('NENG', '能：决策、组织与创新能力', 'Ability: decision-making, organisation, innovation', 20),
    dim('QIN', '勤：履职尽责与工作作风', 'Diligence: commitment and responsibility', 15),
    dim('JI', '绩：分管工作实绩', 'Achievement: results of the work in charge', 30),
    dim('LIAN', '廉：廉洁自律', 'Integrity: honesty and self-discipline', 15),
  ];
}

export type TemplateAppraisee = 'unit' | 'cadre';

export interface PlanTemplate {
  /** Stable id a request names. */
  id: string;
  /** The appraisee types the template fits. */
  appraiseeTypes: TemplateAppraisee[];
  name: string;
  nameEn: string;
  description: string;
  descriptionEn: string;
  tree: () => N[];
}

export const PLAN_TEMPLATES: readonly PlanTemplate[] = [
  {
    id: 'district-annual',
    appraiseeTypes: ['unit'],
    name: '区县政府年度综合考核',
    nameEn: 'District or county government, annual',
    description: '经济发展、民生保障、生态环境、安全稳定、政府自身建设、公众满意度，另设加分项和扣分项',
    descriptionEn:
      'Economy, livelihood, ecology, safety, government self-building, public satisfaction; bonus and deduction items',
    tree: districtTree,
  },
  {
    id: 'department-annual',
    appraiseeTypes: ['unit'],
    name: '市直部门年度综合考核',
    nameEn: 'City department, annual',
    description:
      '核心职能目标（两项任务由部门填写）、公共服务、依法行政、班子建设与廉政、公众满意度，另设加分项和扣分项',
    descriptionEn:
      'Core function targets (two tasks named by the department), public service, rule of law, integrity, satisfaction; bonus and deduction items',
    tree: () => departmentTree(),
  },
  {
    id: 'cadre-annual',
    appraiseeTypes: ['cadre'],
    name: '领导干部考核（德能勤绩廉）',
    nameEn: 'Leading cadre (virtue, ability, diligence, achievement, integrity)',
    description: '德、能、勤、绩、廉五个维度，由上级、同级和人大代表评价',
    descriptionEn: 'Five dimensions rated by superiors, peers and people’s congress deputies',
    tree: cadreTree,
  },
  {
    id: 'blank',
    appraiseeTypes: ['unit', 'cadre'],
    name: '空白计划',
    nameEn: 'Blank plan',
    description: '不含指标，由计划责任人自行编制',
    descriptionEn: 'No indicators; the plan owner builds the tree',
    tree: () => [],
  },
];

export function findTemplate(id: string): PlanTemplate | undefined {
  return PLAN_TEMPLATES.find((t) => t.id === id);
}

import type { IndicatorNodeInput } from '@perfcommons/contracts';
import { expect } from 'vitest';
import { factory, type Factory, type FactoryCycle, type FactoryUser } from './factories';
import type { Client, TestApp } from './helper';

/**
 * What the survey tests share (surveys/*.test.ts): a city of their own on an empty install — a cycle, two
 * units (教育局 and 文旅局) with approved plans that the questionnaire asks about, the office — and the
 * questionnaire, the 1,000-unit frame and the answers they use.
 */

/** A data leaf and a public-satisfaction leaf rated by residents (what published survey estimates feed). */
export const PUBLIC_TREE: IndicatorNodeInput[] = [
  {
    code: 'A',
    name: '工作实绩',
    nameEn: 'Performance',
    weight: 100,
    children: [
      {
        code: 'A1',
        name: '重点任务完成率',
        nameEn: 'Key tasks completed',
        weight: 70,
        unit: '%',
        rule: { type: 'linear', baseline: 0, target: 100, direction: 'higher' },
        subjects: [{ type: 'data', weight: 100 }],
      },
      {
        code: 'A2',
        name: '群众满意度评价',
        nameEn: 'Residents’ satisfaction rating',
        weight: 30,
        rule: { type: 'rating' },
        subjects: [{ type: 'public', weight: 100 }],
      },
    ],
  },
];

export interface SurveyCity {
  f: Factory;
  cycle: FactoryCycle;
  office: Client;
  officeUser: FactoryUser;
  eduUnitId: string;
  eduPlanId: string;
  culPlanId: string;
}

/** The survey tests' city: a cycle in evaluation, 教育局 and 文旅局 with approved plans (PUBLIC_TREE). */
export async function surveyCity(t: TestApp, prefix: string): Promise<SurveyCity> {
  const f = factory(t, prefix);
  const officeUser = await f.user([{ role: 'office' }]);
  const cycle = await f.cycle({ year: 2025, stage: 'planning' });
  const edu = await f.org({ name: '教育局', nameEn: 'Education bureau' });
  const cul = await f.org({ name: '文化和旅游局', nameEn: 'Culture and tourism bureau' });
  const eduPlanId = (await f.plan({ cycleId: cycle.id, orgUnitId: edu.id, tree: PUBLIC_TREE })).id;
  const culPlanId = (await f.plan({ cycleId: cycle.id, orgUnitId: cul.id, tree: PUBLIC_TREE })).id;
  await f.stage(cycle.id, 'evaluation');
  return { f, cycle, office: await officeUser.login(), officeUser, eduUnitId: edu.id, eduPlanId, culPlanId };
}

export const surveyDefinition = (eduPlanId: string, culPlanId: string) => ({
  sections: [
    {
      id: 's1',
      title: '公共服务',
      titleEn: 'Public services',
      questions: [
        {
          id: 'used',
          type: 'single',
          text: '过去一年是否办理过教育相关事项？',
          required: true,
          options: [
            { value: 'yes', label: '是' },
            { value: 'no', label: '否' },
          ],
        },
        {
          id: 'edu_sat',
          type: 'likert5',
          text: '对教育局服务的总体满意度',
          required: true,
          planId: eduPlanId,
          dimension: 'service',
          showIf: { questionId: 'used', in: ['yes'] },
        },
        {
          id: 'm',
          type: 'matrix',
          text: '请评价以下方面',
          required: true,
          scale: 5,
          items: [
            { id: 'edu_eff', text: '教育局办事效率', planId: eduPlanId, dimension: 'efficiency' },
            { id: 'cul_eff', text: '文旅局办事效率', planId: culPlanId, dimension: 'efficiency' },
            { id: 'cul_int', text: '文旅局廉洁', planId: culPlanId, dimension: 'integrity' },
          ],
        },
        { id: 'nps', type: 'rating0to10', text: '推荐程度' },
        {
          id: 'topics',
          type: 'multiple',
          text: '关心的问题',
          options: [
            { value: 'school', label: '入学' },
            { value: 'park', label: '公园' },
            { value: 'road', label: '道路' },
          ],
        },
        { id: 'advice', type: 'text', text: '意见建议', maxLength: 500 },
      ],
    },
  ],
});

/** 1000 units: district A/B × urban/rural (400, 200, 300, 100). */
export const frameRows = () => {
  const rows: Record<string, string>[] = [];
  const cells: [string, string, number][] = [
    ['A', 'urban', 400],
    ['A', 'rural', 200],
    ['B', 'urban', 300],
    ['B', 'rural', 100],
  ];
  for (const [d, a, n] of cells)
    for (let i = 0; i < n; i++)
      rows.push({
        id: `${d}${a[0]}${String(i).padStart(4, '0')}`,
        district: d,
        area: a,
        contact: `1380000${String(rows.length).padStart(4, '0')}`,
      });
  return rows;
};

/** A deterministic complete answer; `k` varies it. */
export const answerFor = (k: number) => ({
  used: k % 3 === 0 ? 'no' : 'yes',
  ...(k % 3 === 0 ? {} : { edu_sat: 1 + (k % 5) }),
  m: { edu_eff: 1 + ((k + 1) % 5), cul_eff: 1 + ((k * 2) % 5), cul_int: 1 + ((k * 2 + 1) % 5) },
  nps: k % 11,
  topics: k % 2 ? ['school', 'road'] : ['park'],
  advice: k % 4 === 0 ? '希望增加停车位，改善道路交通' : '学校门口交通拥堵',
});

export interface Invitation {
  invitationId: string;
  token: string;
  shortCode: string;
  stratum: string;
  externalId: string;
}

/**
 * The survey of the fieldwork and report tests, through the API as the office designs it: the
 * questionnaire in its second version (section title 公共服务满意度), the 1,000-unit frame, a
 * proportional sample of 80 drawn with seed `2025-seed` and its invitations issued (fielding not started).
 */
export async function sampledSurvey(city: SurveyCity, code: string) {
  const { office } = city;
  const definition = surveyDefinition(city.eduPlanId, city.culPlanId);
  const created = await office.post('/api/surveys', {
    code,
    title: '公共服务满意度调查',
    cycleId: city.cycle.id,
    strataFields: ['district', 'area'],
    definition,
  });
  expect(created.statusCode, created.body).toBe(201);
  const surveyId: string = created.json().survey.id;
  definition.sections[0].title = '公共服务满意度';
  const saved = await office.put(`/api/surveys/${surveyId}/questionnaire`, { definition, version: 1 });
  expect(saved.json().version.version).toBe(2);
  const frame = await office.post(`/api/surveys/${surveyId}/frame`, { rows: frameRows() });
  expect(frame.json()).toMatchObject({ inserted: 1000, total: 1000 });
  const sample = await office.post(`/api/surveys/${surveyId}/sample`, {
    size: 80,
    allocation: 'proportional',
    seed: '2025-seed',
  });
  expect(sample.statusCode, sample.body).toBe(200);
  const invitations: Invitation[] = (
    await office.post(`/api/surveys/${surveyId}/invitations/issue`, {})
  ).json().items;
  expect(invitations).toHaveLength(80);
  return { surveyId, invitations };
}

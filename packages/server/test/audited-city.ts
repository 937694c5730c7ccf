import type { IndicatorNodeInput } from '@perfcommons/contracts';
import { expect } from 'vitest';
import { sealAudit } from '../src/modules/audit/service';
import { DEFAULT_CONSEQUENCE_RULES } from '../src/modules/evaluation/rules';
import { addDays, todayUtc } from '../src/modules/monitoring/periods';
import { factory } from './factories';
import { multipart, type Client, type TestApp } from './helper';
import { registerClient } from './participation';

/**
 * A city with at least one row in every table verify-audit covers (audit/coverage), each written through
 * the use case that writes it in production (the API, or the factories of test/factories.ts), then sealed:
 * what audit/coverage.test.ts tampers with, one edit per table.
 */

const LIBRARY_CODE = 'AUD-LIB';

/** A library leaf (A1), a leaf rated by the public (A2) and a deduction item for findings (H1). */
const RESULTS_TREE: IndicatorNodeInput[] = [
  {
    code: 'A',
    name: '政务服务',
    nameEn: 'Public service',
    weight: 100,
    children: [
      {
        code: 'A1',
        name: '测试指标按期办结率',
        weight: 50,
        unit: '%',
        definition: '按期办结件数占应办结件数的比例。',
        dataSource: '测试数据源',
        baseline: 80,
        target: 98,
        rule: { type: 'linear', baseline: 80, target: 98, direction: 'higher' },
        subjects: [{ type: 'data', weight: 100 }],
        library: { code: LIBRARY_CODE, version: 1 },
      },
      {
        code: 'A2',
        name: '群众满意度评价',
        weight: 50,
        rule: { type: 'rating' },
        subjects: [{ type: 'public', weight: 100 }],
      },
    ],
  },
  {
    code: 'H1',
    name: '审计、巡察、财政问题扣分',
    weight: 5,
    kind: 'deduction',
    unit: '项',
    rule: { type: 'perUnit', points: 1 },
  },
];

/** Two leaves running from 80 to 100 over the year's quarters (monitoring warns when they lag). */
const MONITORED_TREE: IndicatorNodeInput[] = [
  {
    code: 'A',
    name: '维度 A',
    weight: 100,
    children: ['A1', 'A2'].map((code) => ({
      code,
      name: `指标 ${code}`,
      weight: 50,
      rule: { type: 'linear', baseline: 80, target: 100, direction: 'higher' as const },
      subjects: [{ type: 'data' as const, weight: 100 }],
    })),
  },
];

const QUESTIONNAIRE = {
  sections: [
    {
      id: 's1',
      title: '服务',
      questions: [
        { id: 'q', type: 'likert5' as const, text: '总体满意度', required: true },
        { id: 'nps', type: 'rating0to10' as const, text: '推荐程度' },
      ],
    },
  ],
};

export interface AuditedCity {
  office: Client;
  /** The department (教育局) whose plans, values, results and records the city holds. */
  unit: { id: string; code: string };
  district: { id: string; code: string };
  managerUsername: string;
  /** A registered participant (profile and declared tie) and another one, without a tie yet. */
  participant: { id: string; client: Client };
  otherParticipant: Client;
  /** The cycle whose results are published (frozen rules, consequences, an appeal). */
  resultsCycleId: string;
  /** The cycle in execution (monitoring records). */
  monitoredCycleId: string;
  /** A survey in fieldwork, its invitations issued: the token of one of them. */
  fielding: { surveyId: string; token: string };
}

const ok = (res: { statusCode: number; body: string }, code = 200) =>
  expect(res.statusCode, res.body).toBe(code);

export async function auditedCity(t: TestApp): Promise<AuditedCity> {
  const f = factory(t, 'aud');
  const officeUser = await f.user([{ role: 'office' }]);
  const office = await officeUser.login();
  const district = await f.org({ kind: 'district', name: '东城区人民政府' });
  const unit = await f.org({ name: '教育局' });
  const managerUser = await f.user([{ role: 'unit_manager', orgUnitId: unit.id }]);
  const manager = await managerUser.login();
  const verifier = await f.user([{ role: 'verifier' }]);

  // The indicator library: one entry, which the results plan's A1 picks.
  ok(
    await office.post('/api/indicators', {
      code: LIBRARY_CODE,
      name: '测试指标按期办结率',
      nameEn: 'Test on-time rate',
      category: 'governance',
      measure: 'quantitative',
      definition: '按期办结件数占应办结件数的比例。',
      unit: '%',
      formula: '按期办结件数 ÷ 应办结件数 × 100%',
      dataSource: '测试数据源',
      polarity: 'higher',
      frequency: 'monthly',
      weightMin: 10,
      weightMax: 60,
      ruleTemplate: { type: 'linear', baseline: 80, target: 98, direction: 'higher', cap: 1.2 },
      mission: '群众诉求及时办理',
    }),
    201,
  );

  // Participants: registered (profile), one invited by the unit (a declared tie); the unit's service records.
  const invitation = (await manager.post('/api/participation/invitations', { orgUnitId: unit.id })).json()
    .items[0];
  const { client: participantClient } = await registerClient(t, {
    invitationToken: invitation.token,
    district: district.code,
  });
  const participantId: string = (await participantClient.get('/api/auth/me')).json().user.id;
  const { client: otherParticipant } = await registerClient(t, { email: 'other@example.org' });
  ok(
    await manager.post(`/api/participation/units/${unit.id}/service-records`, {
      csv: 'contact,kind,servedOn\nother@example.org,service_recipient,2024-03-01\n',
    }),
  );

  // The results cycle (2024): verified value, a public rating, a finding, results computed and
  // published with consequences, and an appeal of the unit.
  const results = await f.cycle({ year: 2024, stage: 'planning' });
  // The default trimming (one rating each side), one rater enough, the default consequences.
  await f.rules(results.id, { trimEachSide: 1, minRaters: 1, consequenceRules: DEFAULT_CONSEQUENCE_RULES });
  const resultsPlan = await f.plan({ cycleId: results.id, orgUnitId: unit.id, tree: RESULTS_TREE });
  await f.stage(results.id, 'execution');
  await f.values(resultsPlan.id, [{ indicatorCode: 'A1', period: '2024', value: 98 }], {
    by: managerUser.actor,
    verifyAs: verifier.actor,
  });
  await f.stage(results.id, 'evaluation');
  ok(
    await participantClient.post(`/api/participation/plans/${resultsPlan.id}/public-ratings`, {
      scores: { A: 95 },
    }),
    201,
  );
  ok(
    await office.post(`/api/cycles/${results.id}/findings`, {
      planId: resultsPlan.id,
      indicatorCode: 'H1',
      kind: 'audit',
      docTitle: '关于测试教育局2024年度预算执行情况的审计报告',
      docNumber: '测审报〔2024〕12号',
      docDate: '2024-06-30',
      description: '专项资金未按规定用途使用',
      points: 1,
    }),
    201,
  );
  await f.results(results.id, { publish: true });
  const [result] = (await office.get(`/api/cycles/${results.id}/results`)).json().items;
  ok(
    await manager.post(`/api/results/${result.id}/appeals`, {
      indicatorCode: 'A1',
      reason: '按期办结件数已经统计局核实，系统未计入',
      evidence: ['统计局核实函〔2025〕3号'],
    }),
    201,
  );

  // The monitored cycle (2025, in execution): lagging values warn, a correction task, the plan signed
  // by both sides, a revision requested, evidence uploaded.
  const monitored = await f.cycle({ year: 2025, stage: 'planning' });
  const monitoredPlan = await f.plan({ cycleId: monitored.id, orgUnitId: unit.id, tree: MONITORED_TREE });
  await f.stage(monitored.id, 'execution');
  ok(
    await office.put('/api/monitoring/periods', {
      cycleId: monitored.id,
      frequency: 'quarterly',
      deadlineDays: 15,
      graceDays: 7,
    }),
  );
  const rows = ['A1', 'A2'].flatMap((code) =>
    ['2025-Q1', '2025-Q2'].map((period) => ({ indicatorCode: code, period, value: 81 })),
  );
  ok(await manager.post(`/api/plans/${monitoredPlan.id}/values/bulk`, { rows }));
  const raised = await office.post('/api/monitoring/warnings/run', { cycleId: monitored.id });
  expect(raised.json().raised, raised.body).toBeGreaterThan(0);
  const [warning] = (await office.get(`/api/monitoring/warnings?cycleId=${monitored.id}`)).json().items;
  ok(
    await office.post(`/api/monitoring/warnings/${warning.id}/tasks`, { deadline: addDays(todayUtc(), 30) }),
    201,
  );
  ok(await manager.post(`/api/plans/${monitoredPlan.id}/signoffs`, { side: 'appraisee' }), 201);
  ok(await office.post(`/api/plans/${monitoredPlan.id}/signoffs`, { side: 'office' }), 201);
  ok(
    await manager.post(`/api/plans/${monitoredPlan.id}/revisions`, {
      justification: '省里下调了本项考核口径，目标值相应调整',
      changes: [{ code: 'A1', field: 'target', to: 95 }],
    }),
    201,
  );
  const valueId = (await manager.get(`/api/plans/${monitoredPlan.id}/values`)).json().items[0].id;
  ok(
    await manager.raw({
      method: 'POST',
      url: `/api/values/${valueId}/evidence`,
      ...multipart('evidence.txt', Buffer.from('evidence\n')),
    }),
    201,
  );

  // A cycle moved past its preconditions with written overrides.
  const created = await office.post('/api/cycles', {
    code: 'aud-override',
    name: '跳过前置条件测试',
    type: 'regular',
    periodStart: '2027-01-01',
    periodEnd: '2027-06-30',
  });
  ok(created, 201);
  const overridden = created.json().cycle.id;
  ok(await office.post(`/api/cycles/${overridden}/transition`, { to: 'planning' }));
  ok(
    await office.post(`/api/cycles/${overridden}/transition`, {
      to: 'execution',
      overrides: [
        { code: 'plans_exist', reason: '本期计划由上级下达，随后补录' },
        { code: 'rules_set', reason: '沿用上一年度考核办法，待党组会审议后录入' },
      ],
    }),
  );

  // Surveys: one answered, closed and published (its report); one in fieldwork, its invitations issued.
  const frame = Array.from({ length: 40 }, (_, i) => ({
    id: `u${i}`,
    area: i % 2 ? 'urban' : 'rural',
    contact: `1390000${String(i).padStart(4, '0')}`,
  }));
  const published = await f.survey({
    strataFields: ['area'],
    definition: QUESTIONNAIRE,
    frame,
    sample: { size: 12, allocation: 'equal', seed: 's' },
    answer: (_, i) => (i % 4 === 3 ? null : { q: 1 + (i % 5), nps: i % 11 }),
    close: true,
  });
  ok(await office.post(`/api/surveys/${published.id}/publish`, {}));
  const fielding = await f.survey({
    strataFields: ['area'],
    definition: QUESTIONNAIRE,
    frame,
    sample: { size: 12, allocation: 'equal', seed: 't' },
  });
  const issued = (await office.post(`/api/surveys/${fielding.id}/invitations/issue`, {})).json().items;
  expect(issued.length).toBeGreaterThan(0);

  // Every entry so far sealed, as the demo city's seed leaves them.
  await sealAudit(t.db);
  return {
    office,
    unit,
    district,
    managerUsername: managerUser.username,
    participant: { id: participantId, client: participantClient },
    otherParticipant,
    resultsCycleId: results.id,
    monitoredCycleId: monitored.id,
    fielding: { surveyId: fielding.id, token: issued[0].token },
  };
}

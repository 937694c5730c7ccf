import { and, eq, inArray, isNull } from 'drizzle-orm';
import { mulberry32, type Answers, type Questionnaire } from '@perfcommons/domain';
import type { Db } from '../../db/client';
import { orgUnits, plans, surveyInvitations, surveyResponses, surveys, users } from '../../db/schema';
import type { Actor } from '../../lib/actor';
import { DEFAULT_ANALYSIS, publishSurvey } from './analysis';
import { closeFielding, createSurvey, drawSample, replaceFrame, startFielding } from './use-cases';

/** Public-facing departments rated in the demo survey, with a latent satisfaction level (−1 … +1). */
const DEPTS: [code: string, level: number][] = [
  ['edu', 0.35],
  ['hea', 0.1],
  ['hrss', 0.3],
  ['ps', 0.45],
  ['hud', -0.35],
  ['tra', -0.1],
  ['amr', 0.15],
  ['um', -0.25],
];
const DISTRICTS = ['dc', 'xc', 'nh', 'bs', 'lj', 'qs', 'hx', 'ty'];
const ADVICE = [
  '希望增加停车位，改善老旧小区停车难问题',
  '学校门口上下学时段交通拥堵，建议错峰放学',
  '看病排队时间太长，希望增加社区医院医生',
  '办事窗口服务态度很好，手续比以前简单了',
  '建议在网上公开办事进度，少跑腿',
  '老旧小区改造进度太慢，雨天漏水',
  '公交线路少，农村出行不方便',
  '菜市场食品安全检查要加强',
  '社保办理可以全程网办，很方便',
  '城管执法要文明，多给小商贩出路',
  '',
  '',
  '',
];

function questionnaire(
  deptPlans: { code: string; planId: string; name: string; nameEn: string | null }[],
): Questionnaire {
  const items = (dimension: string) =>
    deptPlans.map((d) => ({
      id: d.code,
      text: d.name,
      textEn: d.nameEn ?? undefined,
      planId: d.planId,
      dimension,
    }));
  return {
    sections: [
      {
        id: 'services',
        title: '政府部门服务',
        titleEn: 'Government services',
        questions: [
          {
            id: 'used',
            type: 'single',
            text: '过去一年，您（或您的单位）是否到以下部门办理过事项？',
            textEn: 'In the past year, did you (or your organisation) deal with any of these departments?',
            required: true,
            options: [
              { value: 'yes', label: '是', labelEn: 'Yes' },
              { value: 'no', label: '否', labelEn: 'No' },
            ],
          },
          {
            id: 'service',
            type: 'matrix',
            text: '您对以下部门的服务总体满意吗？',
            textEn: 'How satisfied are you with the service of these departments?',
            required: true,
            scale: 5,
            items: items('service'),
          },
          {
            id: 'efficiency',
            type: 'matrix',
            text: '您对以下部门的办事效率满意吗？',
            textEn: 'How satisfied are you with how efficiently these departments work?',
            required: true,
            scale: 5,
            items: items('efficiency'),
            showIf: { questionId: 'used', in: ['yes'] },
          },
        ],
      },
      {
        id: 'wellbeing',
        title: '生活感受',
        titleEn: 'Well-being',
        questions: [
          {
            id: 'life',
            type: 'matrix',
            text: '您对以下方面的感受',
            textEn: 'How do you feel about',
            required: true,
            scale: 5,
            items: [
              { id: 'income', text: '收入水平', textEn: 'Income', dimension: 'wellbeing' },
              { id: 'housing', text: '住房条件', textEn: 'Housing', dimension: 'wellbeing' },
              { id: 'safety', text: '社会治安', textEn: 'Public safety', dimension: 'wellbeing' },
              { id: 'environment', text: '生态环境', textEn: 'Environment', dimension: 'wellbeing' },
            ],
          },
          {
            id: 'overall',
            type: 'rating0to10',
            text: '总的来说，您对在本市的生活打几分（0–10）？',
            textEn: 'Overall, how would you rate life in the city (0–10)?',
            required: true,
          },
          {
            id: 'priorities',
            type: 'multiple',
            text: '您最希望政府优先解决的问题（可多选）',
            textEn: 'What should the government tackle first? (several allowed)',
            options: [
              { value: 'housing', label: '住房', labelEn: 'Housing' },
              { value: 'traffic', label: '交通出行', labelEn: 'Traffic' },
              { value: 'health', label: '看病就医', labelEn: 'Health care' },
              { value: 'education', label: '子女教育', labelEn: 'Education' },
              { value: 'jobs', label: '就业', labelEn: 'Jobs' },
            ],
          },
          {
            id: 'advice',
            type: 'text',
            text: '您对政府工作还有哪些意见和建议？',
            textEn: 'Any other comments or suggestions for the government?',
            maxLength: 1000,
          },
        ],
      },
    ],
  };
}

/**
 * Demo survey 2025 年度公众满意度调查 of the 2025 annual cycle: a frame of ~4,800 synthetic
 * households (8 districts × urban/rural), enterprises and individual businesses; a proportional
 * sample of 900; ~500 answers (web, phone, paper); closed and published, so its satisfaction
 * index feeds the public satisfaction indicators of the rated departments' plans.
 */
export async function seedSurveys(db: Db, ctx: { cycleId: string }) {
  const random = mulberry32(20250630);
  const [officeUser] = await db.select().from(users).where(eq(users.username, 'office'));
  const office: Actor = {
    id: officeUser.id,
    username: officeUser.username,
    displayName: officeUser.displayName,
    displayNameEn: officeUser.displayNameEn,
    roles: [{ role: 'office', orgUnitId: null, orgPath: null }],
  };
  const deptPlans = await db
    .select({ code: orgUnits.code, planId: plans.id, name: orgUnits.name, nameEn: orgUnits.nameEn })
    .from(plans)
    .innerJoin(orgUnits, eq(orgUnits.id, plans.orgUnitId))
    .where(
      and(
        eq(plans.cycleId, ctx.cycleId),
        eq(plans.appraiseeType, 'unit'),
        isNull(plans.personId),
        inArray(
          orgUnits.code,
          DEPTS.map((d) => d[0]),
        ),
      ),
    );
  deptPlans.sort((a, b) => DEPTS.findIndex((d) => d[0] === a.code) - DEPTS.findIndex((d) => d[0] === b.code));
  const level = new Map(DEPTS);

  const { survey } = await createSurvey(db, office, {
    code: '2025-satisfaction',
    title: '江宁市2025年度公众满意度调查',
    titleEn: 'Jiangning 2025 public satisfaction survey',
    description:
      '本调查由市绩效办组织，采用分层随机抽样，结果计入各部门年度绩效考核“公众满意度”指标。答卷匿名，统计结果公开。',
    cycleId: ctx.cycleId,
    strataFields: ['respondentType', 'district', 'area'],
    definition: questionnaire(deptPlans),
  });

  // Frame: households per district and area, enterprises and individual businesses.
  const frame: Record<string, string>[] = [];
  DISTRICTS.forEach((d, k) => {
    const urbanShare = k < 4 ? 0.8 : 0.35;
    const households = 380 + Math.round(random() * 280);
    const add = (type: string, area: string, n: number) => {
      for (let i = 0; i < n; i++)
        frame.push({
          id: `${type[0].toUpperCase()}-${d}-${area[0]}-${String(i).padStart(4, '0')}`,
          respondentType: type,
          district: d,
          area,
          contact: `13${String(900000000 + frame.length).slice(0, 9)}`,
        });
    };
    add('household', 'urban', Math.round(households * urbanShare));
    add('household', 'rural', Math.round(households * (1 - urbanShare)));
    add('enterprise', 'urban', 30 + Math.round(random() * 30));
    add('enterprise', 'rural', 8 + Math.round(random() * 10));
    add('business', 'urban', 45 + Math.round(random() * 40));
    add('business', 'rural', 15 + Math.round(random() * 15));
  });
  await replaceFrame(db, office, survey.id, frame);
  await drawSample(db, office, survey.id, {
    size: 900,
    allocation: 'proportional',
    seed: '2025-annual-satisfaction',
  });
  await startFielding(db, office, survey.id);

  const invites = await db
    .select({
      id: surveyInvitations.id,
      stratum: surveyInvitations.stratum,
      profile: surveyInvitations.profile,
      designWeight: surveyInvitations.designWeight,
    })
    .from(surveyInvitations)
    .where(eq(surveyInvitations.surveyId, survey.id))
    .orderBy(surveyInvitations.stratum, surveyInvitations.id);
  const [{ fieldedVersionId }] = await db
    .select({ fieldedVersionId: surveys.fieldedVersionId })
    .from(surveys)
    .where(eq(surveys.id, survey.id));
  const likert = (x: number) => Math.min(5, Math.max(1, Math.round(x)));
  const rows: (typeof surveyResponses.$inferInsert)[] = [];
  const start = Date.UTC(2025, 10, 3);
  for (const inv of invites) {
    const p = inv.profile;
    // Rural residents and businesses answer less often online: response rates differ by stratum.
    const rate = p.respondentType === 'enterprise' ? 0.72 : p.area === 'rural' ? 0.45 : 0.6;
    if (random() > rate) continue;
    const mood = (random() - 0.5) * 1.6 + (p.area === 'rural' ? -0.15 : 0.1);
    const used = random() < (p.respondentType === 'household' ? 0.62 : 0.9);
    const service: Record<string, number> = {};
    const efficiency: Record<string, number> = {};
    for (const d of deptPlans) {
      service[d.code] = likert(3.7 + level.get(d.code)! + mood + (random() - 0.5) * 1.4);
      efficiency[d.code] = likert(3.5 + level.get(d.code)! + mood + (random() - 0.5) * 1.6);
    }
    const life = Object.fromEntries(
      ['income', 'housing', 'safety', 'environment'].map((k, j) => [
        k,
        likert(3.4 + mood + (j === 2 ? 0.4 : 0) + (random() - 0.5) * 1.5),
      ]),
    );
    const priorities = ['housing', 'traffic', 'health', 'education', 'jobs'].filter(() => random() < 0.35);
    const advice = ADVICE[Math.floor(random() * ADVICE.length)];
    const answers: Answers = {
      used: used ? 'yes' : 'no',
      service,
      ...(used ? { efficiency } : {}),
      life,
      overall: Math.min(10, Math.max(0, Math.round(7 + mood * 2 + (random() - 0.5) * 3))),
      ...(priorities.length ? { priorities } : {}),
      ...(advice ? { advice } : {}),
    };
    const r = random();
    const mode = r < 0.8 ? 'web' : r < 0.9 ? 'phone' : 'paper';
    rows.push({
      surveyId: survey.id,
      versionId: fieldedVersionId!,
      invitationId: inv.id,
      mode,
      interviewerId: mode === 'web' ? null : office.id,
      trust: 'sampled',
      stratum: inv.stratum,
      profile: p,
      designWeight: inv.designWeight,
      answers,
      submittedAt: new Date(start + Math.floor(random() * 20 * 86400_000)),
    });
  }
  for (let i = 0; i < rows.length; i += 500) await db.insert(surveyResponses).values(rows.slice(i, i + 500));
  await closeFielding(db, office, survey.id);
  await publishSurvey(db, office, survey.id, DEFAULT_ANALYSIS);
  return { surveyId: survey.id, frame: frame.length, sample: invites.length, responses: rows.length };
}

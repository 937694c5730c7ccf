import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mulberry32, type Answers, type Questionnaire } from '@perfcommons/domain';
import { buildTestApp, type Client, type TestApp } from '../../../test/helper';
import { factory, type Factory } from '../../../test/factories';
import { BOOTSTRAP_REPLICATES } from './analysis';

/**
 * Replicate-weight variance in the platform (issue 13): the analysis and the published report take
 * `variance` = taylor | jackknife | bootstrap. The survey built here is, like the demo's, a stratified SRS
 * without replacement (fpc from the frame): there the stratified jackknife (JKn) reproduces the linearised
 * variance of a mean almost exactly (Wolter 2007, ch. 4; Lumley 2010, 2.8), and the bootstrap within its
 * Monte Carlo error — which is what these tests check, on design weights and after raking.
 */
let t: TestApp;
let f: Factory;
let office: Client;
let id: string;
/** The district unit whose code is a stratum value (labelled from the org unit's names). */
let beishan: { code: string };

/** Four rated departments (latent satisfaction −1 … +1) and four districts, as in the demo's survey. */
const DEPTS: [name: string, level: number][] = [
  ['教育局', 0.35],
  ['卫生健康委员会', 0.1],
  ['住房和城乡建设局', -0.35],
  ['交通运输局', -0.1],
];
const DISTRICTS: [name: string, nameEn: string][] = [
  ['北山区人民政府', 'Beishan District'],
  ['东城区人民政府', 'Dongcheng District'],
  ['南湖区人民政府', 'Nanhu District'],
  ['青山区人民政府', 'Qingshan District'],
];

beforeAll(async () => {
  t = await buildTestApp({ city: 'empty' });
  f = factory(t);
  office = await (await f.user([{ role: 'office' }])).login();
  const cycle = await f.cycle({ stage: 'planning' });
  const depts: { key: string; planId: string; name: string; level: number }[] = [];
  for (const [i, [name, level]] of DEPTS.entries()) {
    const unit = await f.org({ name });
    const plan = await f.plan({ cycleId: cycle.id, orgUnitId: unit.id });
    depts.push({ key: `d${i}`, planId: plan.id, name, level });
  }
  const districts: string[] = [];
  for (const [name, nameEn] of DISTRICTS)
    districts.push((await f.org({ kind: 'district', name, nameEn })).code);
  beishan = { code: districts[0] };

  const items = (dimension: string) =>
    depts.map((d) => ({ id: d.key, text: d.name, planId: d.planId, dimension }));
  const definition: Questionnaire = {
    sections: [
      {
        id: 'services',
        title: '政府部门服务',
        questions: [
          {
            id: 'used',
            type: 'single',
            text: '过去一年，您（或您的单位）是否到以下部门办理过事项？',
            required: true,
            options: [
              { value: 'yes', label: '是' },
              { value: 'no', label: '否' },
            ],
          },
          {
            id: 'service',
            type: 'matrix',
            text: '服务满意度',
            required: true,
            scale: 5,
            items: items('service'),
          },
          {
            id: 'efficiency',
            type: 'matrix',
            text: '办事效率满意度',
            required: true,
            scale: 5,
            items: items('efficiency'),
            showIf: { questionId: 'used', in: ['yes'] },
          },
          { id: 'overall', type: 'rating0to10', text: '总体打分', required: true },
        ],
      },
    ],
  };

  // Frame: households per district and area, enterprises and individual businesses (as the demo's).
  const random = mulberry32(20250630);
  const frame: Record<string, string>[] = [];
  districts.forEach((d, k) => {
    const urbanShare = k < 2 ? 0.8 : 0.35;
    const households = 380 + Math.round(random() * 280);
    const add = (type: string, area: string, n: number) => {
      for (let i = 0; i < n; i++)
        frame.push({
          id: `${type[0].toUpperCase()}-${k}-${area[0]}-${String(i).padStart(4, '0')}`,
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
  const likert = (x: number) => Math.min(5, Math.max(1, Math.round(x)));
  const survey = await f.survey({
    cycleId: cycle.id,
    strataFields: ['respondentType', 'district', 'area'],
    definition,
    frame,
    sample: { size: 900, allocation: 'proportional', seed: 'variance-test' },
    // Response rates and moods differ by stratum, as in the demo survey.
    answer: (p) => {
      const rate = p.respondentType === 'enterprise' ? 0.72 : p.area === 'rural' ? 0.45 : 0.6;
      if (random() > rate) return null;
      const mood = (random() - 0.5) * 1.6 + (p.area === 'rural' ? -0.15 : 0.1);
      const used = random() < (p.respondentType === 'household' ? 0.62 : 0.9);
      const service: Record<string, number> = {};
      const efficiency: Record<string, number> = {};
      for (const d of depts) {
        service[d.key] = likert(3.7 + d.level + mood + (random() - 0.5) * 1.4);
        efficiency[d.key] = likert(3.5 + d.level + mood + (random() - 0.5) * 1.6);
      }
      const answers: Answers = {
        used: used ? 'yes' : 'no',
        service,
        ...(used ? { efficiency } : {}),
        overall: Math.min(10, Math.max(0, Math.round(7 + mood * 2 + (random() - 0.5) * 3))),
      };
      return answers;
    },
    close: true,
  });
  expect(survey.responses).toBeGreaterThan(200);
  // The bulk answers are audited: the log verifies without a problem.
  expect((await office.get('/api/audit/verify')).json().problems).toEqual([]);
  id = survey.id;
});
afterAll(() => t?.close());

type Est = { mean: number; se: number; moe: number; ci95: [number, number]; df: number; method?: string };
const analysis = async (q: string) => {
  const res = await office.get(`/api/surveys/${id}/analysis?${q}`);
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
};

describe('replicate weights in survey analysis', () => {
  it('jackknife and bootstrap keep the point estimates and give SEs close to Taylor on design weights', async () => {
    const taylor = await analysis('weighting=design');
    const jk = await analysis('weighting=design&variance=jackknife');
    const bs = await analysis('weighting=design&variance=bootstrap');
    const n = taylor.responses.sampled;
    expect(taylor.design).toMatchObject({ varianceMethod: 'taylor', replicates: null });
    expect(jk.design).toMatchObject({ varianceMethod: 'jackknife', replicateMethod: 'JKn' });
    // One replicate per respondent (PSU), but none for a stratum with one respondent (lonely: adjust).
    expect(jk.design.replicates).toBeGreaterThan(n - taylor.design.strata);
    expect(jk.design.replicates).toBeLessThanOrEqual(n);
    expect(bs.design).toMatchObject({ varianceMethod: 'bootstrap', replicates: BOOTSTRAP_REPLICATES });
    const pairs: [Est, Est, Est][] = [
      [taylor.satisfaction.overall, jk.satisfaction.overall, bs.satisfaction.overall],
      ...taylor.satisfaction.byPlan.map((p: { index: Est }, i: number) => [
        p.index,
        jk.satisfaction.byPlan[i].index,
        bs.satisfaction.byPlan[i].index,
      ]),
    ];
    expect(pairs.length).toBeGreaterThan(3);
    for (const [a, b, c] of pairs) {
      expect(b.mean).toBe(a.mean);
      expect(c.mean).toBe(a.mean);
      expect(a.method).toBe('taylor');
      expect(b.method).toBe('jackknife');
      expect(c.method).toBe('bootstrap');
      expect(Math.abs(b.se / a.se - 1)).toBeLessThan(0.03);
      expect(Math.abs(c.se / a.se - 1)).toBeLessThan(0.25);
      // Margin of error = t(df) · SE of the method, interval within the 0–100 scale.
      expect(b.moe).toBeGreaterThan(1.9 * b.se);
      expect(b.moe).toBeLessThan(2.1 * b.se);
      expect(b.ci95[0]).toBeGreaterThanOrEqual(0);
      expect(b.ci95[1]).toBeLessThanOrEqual(100);
    }
    // Shares of a choice question too (proportions on 0–1).
    const q = taylor.questions.findIndex((x: { shares?: unknown[] }) => x.shares?.length);
    const share = (a: typeof taylor) => a.questions[q].shares[0] as Est;
    expect(share(jk).mean).toBe(share(taylor).mean);
    expect(Math.abs(share(jk).se / share(taylor).se - 1)).toBeLessThan(0.03);
  });

  it('replays raking on every replicate; the published report keeps the method beside each estimate', async () => {
    const rake = await analysis('weighting=rake');
    const jk = await analysis('weighting=rake&variance=jackknife');
    expect(jk.satisfaction.overall.mean).toBe(rake.satisfaction.overall.mean);
    expect(Math.abs(jk.satisfaction.overall.se / rake.satisfaction.overall.se - 1)).toBeLessThan(0.1);
    const again = await analysis('weighting=rake&variance=bootstrap');
    const twice = await analysis('weighting=rake&variance=bootstrap');
    // Seeded by the survey: the same replicates every time.
    expect(twice.satisfaction.overall.se).toBe(again.satisfaction.overall.se);

    // Its cycle is not published yet: the survey's report may be published.
    const res = await office.post(`/api/surveys/${id}/publish`, { weighting: 'rake', variance: 'jackknife' });
    expect(res.statusCode, res.body).toBe(200);
    const report = (await t.anon.get(`/api/public/surveys/${id}`)).json();
    expect(report.analysis.design).toMatchObject({ varianceMethod: 'jackknife', replicateMethod: 'JKn' });
    expect(report.analysis.satisfaction.overall).toMatchObject({
      method: 'jackknife',
      se: jk.satisfaction.overall.se,
    });
    expect((await office.get(`/api/surveys/${id}/analysis?variance=nonsense`)).statusCode).toBe(400);
  });

  it('the published report labels its strata and fields, never with stored codes', async () => {
    const report = (await t.anon.get(`/api/public/surveys/${id}`)).json();
    const { labels, fieldwork, strataFields } = report.methodology;
    expect(labels.fields).toEqual({
      respondentType: { label: '受访者类型', labelEn: 'respondent type' },
      district: { label: '区县', labelEn: 'district' },
      area: { label: '城乡', labelEn: 'area' },
    });
    expect(strataFields).toEqual(['respondentType', 'district', 'area']);
    expect(labels.strata[`business|${beishan.code}|rural`]).toEqual({
      label: '个体工商户 · 北山区人民政府 · 农村',
      labelEn: 'individual business · Beishan District · rural',
    });
    // The office's analysis carries the same labels.
    const a = await analysis('weighting=design');
    expect(a.labels.strata[`business|${beishan.code}|rural`]).toEqual(
      labels.strata[`business|${beishan.code}|rural`],
    );
    for (const s of fieldwork.strata) {
      expect(labels.strata[s.stratum], s.stratum).toBeDefined();
      expect(labels.strata[s.stratum].label).not.toMatch(/[|]|household|business|urban|rural/);
    }
  });
});

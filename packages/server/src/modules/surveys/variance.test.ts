import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rowsOf } from '../../db/client';
import { buildTestApp, type TestApp } from '../../../test/helper';
import { BOOTSTRAP_REPLICATES } from './analysis';

/**
 * Replicate-weight variance in the platform (issue 13): the analysis and the published report take
 * `variance` = taylor | jackknife | bootstrap. The demo survey is a stratified SRS without replacement
 * (fpc from the frame): there the stratified jackknife (JKn) reproduces the linearised variance of a
 * mean almost exactly (Wolter 2007, ch. 4; Lumley 2010, 2.8), and the bootstrap within its Monte Carlo
 * error — which is what these tests check, on design weights and after raking.
 */
let t: TestApp;
let id: string;
beforeAll(async () => {
  t = await buildTestApp();
  [{ id }] = await rowsOf<{ id: string }>(t.db, sql`select id from surveys where code = '2025-satisfaction'`);
});
afterAll(() => t?.close());

type Est = { mean: number; se: number; moe: number; ci95: [number, number]; df: number; method?: string };
const analysis = async (q: string) => {
  const res = await (await t.as('office')).get(`/api/surveys/${id}/analysis?${q}`);
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

    const office = await t.as('office');
    // The demo survey feeds a published cycle, whose survey reports are frozen: detach it for this copy.
    await t.db.execute(sql`update surveys set cycle_id = null where id = ${id}`);
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
    expect(labels.strata['business|bs|rural']).toEqual({
      label: '个体工商户 · 北山区人民政府 · 农村',
      labelEn: 'individual business · Beishan District · rural',
    });
    // The office's analysis carries the same labels.
    const a = await analysis('weighting=design');
    expect(a.labels.strata['business|bs|rural']).toEqual(labels.strata['business|bs|rural']);
    for (const s of fieldwork.strata) {
      expect(labels.strata[s.stratum], s.stratum).toBeDefined();
      expect(labels.strata[s.stratum].label).not.toMatch(/[|]|household|business|urban|rural/);
    }
  });
});

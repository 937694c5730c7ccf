import { and, desc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IndicatorNodeInput } from '@perfcommons/contracts';
import { entropyWeights } from '@perfcommons/domain';
import { factory, type FactoryUser } from '../../../test/factories';
import { buildTestApp, type Client, type TestApp } from '../../../test/helper';
import { auditLog } from '../../db/schema';
import { departmentTree } from './templates';

let t: TestApp;
let office: Client;
let cycle2026: string;
let cycle2025: string;
let plans2026: { id: string; orgUnitId: string; peerGroup: string }[];
let eduPlanId: string;
let eduManager: FactoryUser;
let citizen: FactoryUser;

interface Finding {
  code: string;
  indicatorCode: string;
  severity: 'error' | 'warning';
  message: string;
}

/** The department template's leaves measured from data, the default without subjects (the entropy aid's columns). */
const dataLeaves = (nodes: IndicatorNodeInput[]): IndicatorNodeInput[] =>
  nodes.flatMap((n) =>
    n.children?.length
      ? dataLeaves(n.children)
      : (n.kind ?? 'normal') === 'normal' && (n.subjects ?? [{ type: 'data' }]).some((s) => s.type === 'data')
        ? [n]
        : [],
  );

/**
 * The department template as the demo city fills it: the unit's own core tasks, and a rubric on every
 * rated leaf (from the indicator library); what is left to the unit is the definitions.
 */
const withRubrics = (nodes: IndicatorNodeInput[]): IndicatorNodeInput[] =>
  nodes.map((n) => ({
    ...n,
    ...(n.children ? { children: withRubrics(n.children) } : {}),
    ...(n.rule?.type === 'rating'
      ? {
          rubric: [
            { min: 0, max: 59, label: '较差', description: '主要工作未完成，群众反映问题较多' },
            { min: 60, max: 100, label: '良好', description: '主要工作按期完成，群众总体认可' },
          ],
        }
      : {}),
  }));
const TEMPLATE = withRubrics(
  departmentTree([
    '社会消费品零售总额增长',
    'Retail sales growth',
    '实际使用外资',
    'Utilised foreign capital',
  ]),
);

beforeAll(async () => {
  t = await buildTestApp({ city: 'empty' });
  // Its own city (test/factories.ts): four units of one peer group with draft plans of the department
  // template in a cycle being planned (the "2026" one), and the year before (the "2025" one) published,
  // with verified values of the same data leaves for each of them (the entropy aid's history).
  const f = factory(t, 'lint');
  office = await (await f.user([{ role: 'office' }])).login();
  const units = [await f.org(), await f.org(), await f.org(), await f.org()];
  eduManager = await f.user([{ role: 'unit_manager', orgUnitId: units[0].id }]);
  citizen = await f.user([{ role: 'public' }]);

  const earlier = await f.cycle({ year: 2030, stage: 'planning' });
  cycle2025 = earlier.id;
  const leaves = dataLeaves(TEMPLATE);
  const share = Math.floor(100 / leaves.length);
  const history: IndicatorNodeInput[] = [
    {
      code: 'HIST',
      name: '上年度数据指标',
      weight: 100,
      children: leaves.map((l, i) => ({
        code: l.code,
        name: l.name,
        weight: i === 0 ? 100 - share * (leaves.length - 1) : share,
        rule: { type: 'linear', baseline: 0, target: 100, direction: 'higher' },
        subjects: [{ type: 'data', weight: 100 }],
      })),
    },
  ];
  const office2 = await f.office();
  const verifier = (await f.user([{ role: 'verifier' }])).actor;
  for (const [i, u] of units.entries()) {
    const plan = await f.plan({ cycleId: earlier.id, orgUnitId: u.id, tree: history });
    await f.values(
      plan.id,
      leaves.map((l, j) => ({ indicatorCode: l.code, period: '2030', value: 40 + ((i * 17 + j * 11) % 50) })),
      { by: office2, verifyAs: verifier },
    );
  }
  await f.results(earlier.id, { publish: true });

  const next = await f.cycle({ year: 2031, stage: 'planning' });
  cycle2026 = next.id;
  for (const u of units) await f.plan({ cycleId: next.id, orgUnitId: u.id, tree: TEMPLATE, status: 'draft' });
  plans2026 = (await office.get(`/api/plans?cycleId=${cycle2026}`)).json().items;
  eduPlanId = plans2026.find((p) => p.orgUnitId === units[0].id)!.id;
});
afterAll(async () => t.close());

describe('scientific design checks of plans', () => {
  it('GET plan returns the findings computed by the server: template plans only lack definitions', async () => {
    const { tree, lint } = (await office.get(`/api/plans/${eduPlanId}`)).json();
    const leaves: string[] = [];
    const walk = (ns: { code: string; kind?: string; children?: unknown[] }[]) =>
      ns.forEach((n) =>
        n.children?.length
          ? walk(n.children as typeof ns)
          : (n.kind ?? 'normal') === 'normal' && leaves.push(n.code),
      );
    walk(tree);
    expect(lint.length).toBeGreaterThan(0);
    expect(lint.every((f: Finding) => f.code === 'smart.no_definition' && f.severity === 'warning')).toBe(
      true,
    );
    expect(lint.map((f: Finding) => f.indicatorCode)).toEqual(leaves);
  });

  it('a saved definition is kept and clears its finding', async () => {
    const manager = await eduManager.login();
    const { plan, tree } = (await manager.get(`/api/plans/${eduPlanId}`)).json();
    const leaf = tree[0].children[0];
    leaf.definition = '本年度新增的义务教育阶段公办学位数';
    const saved = (await manager.put(`/api/plans/${eduPlanId}/tree`, { tree, version: plan.version })).json();
    expect(saved.tree[0].children[0].definition).toBe('本年度新增的义务教育阶段公办学位数');
    expect(saved.lint.some((f: Finding) => f.indicatorCode === leaf.code)).toBe(false);
  });

  it('errors block submission (409 plan_lint naming each indicator) unless overridden with a reason', async () => {
    // The cycle sets a minimum public share (off by default).
    const { rules } = (await office.get(`/api/cycles/${cycle2026}/rules`)).json();
    const set = await office.put(`/api/cycles/${cycle2026}/rules`, {
      rules: { ...rules, minPublicWeight: 10 },
    });
    expect(set.statusCode).toBe(200);
    const manager = await eduManager.login();
    const { plan, tree } = (await manager.get(`/api/plans/${eduPlanId}`)).json();
    // A1: a target worse than its baseline; the public satisfaction leaf scored by superiors only.
    const a1 = tree[0].children[0];
    a1.target = a1.baseline - 1;
    a1.rule = { type: 'ratio', target: a1.target, direction: 'higher' };
    type TreeNode = { subjects?: { type: string; weight: number }[]; children?: TreeNode[] };
    const find = (ns: TreeNode[]): TreeNode | undefined => {
      for (const n of ns) {
        if (n.subjects?.some((s) => s.type === 'public')) return n;
        const c = n.children && find(n.children);
        if (c) return c;
      }
      return undefined;
    };
    const publicLeaf = find(tree)!;
    publicLeaf.subjects = [{ type: 'superior', weight: 100 }];
    const saved = (await manager.put(`/api/plans/${eduPlanId}/tree`, { tree, version: plan.version })).json();
    expect(saved.problems).toEqual([]);
    const errors = saved.lint.filter((f: Finding) => f.severity === 'error');
    expect(errors.map((f: Finding) => `${f.code}@${f.indicatorCode}`)).toEqual([
      'balance.public_weight@',
      `smart.target_below_baseline@${a1.code}`,
    ]);

    const refused = await manager.post(`/api/plans/${eduPlanId}/submit`);
    expect(refused.statusCode).toBe(409);
    expect(refused.json()).toMatchObject({
      error: 'plan_lint',
      details: [
        { path: 'tree', message: expect.stringContaining('balance.public_weight') },
        { path: `tree.${a1.code}`, message: expect.stringContaining('smart.target_below_baseline') },
      ],
    });
    const short = await manager.post(`/api/plans/${eduPlanId}/submit`, { lintOverride: { reason: '急' } });
    expect(short.statusCode).toBe(400);

    const reason = '市委要求本年度保持现有水平，公众满意度另行专项测评';
    const ok = await manager.post(`/api/plans/${eduPlanId}/submit`, { lintOverride: { reason } });
    expect(ok.statusCode).toBe(200);
    expect(ok.json().plan.status).toBe('published_for_comment');
    const [entry] = await t.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, 'plan.submit'), eq(auditLog.entityId, eduPlanId)))
      .orderBy(desc(auditLog.seq))
      .limit(1);
    expect(entry.data).toMatchObject({
      lintOverride: {
        reason,
        findings: [
          { code: 'balance.public_weight', indicatorCode: '' },
          { code: 'smart.target_below_baseline', indicatorCode: a1.code },
        ],
      },
    });
    await office.put(`/api/cycles/${cycle2026}/rules`, { rules });
  });

  it("the cycle's minimum public share and leaf share are rules with defaults", async () => {
    const { rules } = (await office.get(`/api/cycles/${cycle2026}/rules`)).json();
    expect(rules).toMatchObject({ minPublicWeight: 0, minLeafShare: 1 });
    const other = plans2026.find((p) => p.id !== eduPlanId)!;
    const before = (await office.get(`/api/plans/${other.id}`)).json().lint as Finding[];
    expect(before.some((f) => f.code === 'balance.public_weight')).toBe(false);
    const put = await office.put(`/api/cycles/${cycle2026}/rules`, {
      rules: { ...rules, minPublicWeight: 60, minLeafShare: 8 },
    });
    expect(put.statusCode).toBe(200);
    const after = (await office.get(`/api/plans/${other.id}`)).json().lint as Finding[];
    expect(after[0]).toMatchObject({ code: 'balance.public_weight', severity: 'error', indicatorCode: '' });
    expect(after.some((f) => f.code === 'weight.too_small')).toBe(true);
    const refused = await office.post(`/api/plans/${other.id}/submit`);
    expect(refused.json().error).toBe('plan_lint');
    await office.put(`/api/cycles/${cycle2026}/rules`, { rules });
  });
});

describe('entropy weights from history', () => {
  it("computes weights from the peers' verified values of the latest earlier published cycle", async () => {
    const res = await office.get(`/api/plans/${eduPlanId}/entropy-history`);
    expect(res.statusCode).toBe(200);
    const h = res.json();
    expect(h.cycleId).toBe(cycle2025);
    expect(h.insufficient).toBeNull();
    expect(h.leaves.length).toBeGreaterThanOrEqual(2);
    expect(h.rows.length).toBeGreaterThanOrEqual(3);
    h.rows.forEach((r: { values: number[] }) => expect(r.values).toHaveLength(h.leaves.length));
    const expected = entropyWeights(
      h.rows.map((r: { values: number[] }) => r.values),
      h.leaves.map((l: { direction: 'higher' | 'lower' }) => l.direction),
    );
    h.weights.forEach((w: number, i: number) => expect(w).toBeCloseTo(expected[i] * 100, 9));
    expect(h.weights.reduce((s: number, w: number) => s + w, 0)).toBeCloseTo(100, 9);
    // Leaves scored by raters are not columns.
    expect(
      h.excluded.every((e: { reason: string }) => ['not_data', 'too_few_values'].includes(e.reason)),
    ).toBe(true);
  });

  it('says when there is no earlier cycle, and is for the plan editors only', async () => {
    const p2025 = (await office.get(`/api/plans?cycleId=${cycle2025}`)).json().items[0];
    const h = (await office.get(`/api/plans/${p2025.id}/entropy-history`)).json();
    expect(h).toMatchObject({ cycleId: null, weights: null, insufficient: 'no_earlier_cycle', rows: [] });
    expect((await (await citizen.login()).get(`/api/plans/${eduPlanId}/entropy-history`)).statusCode).toBe(
      403,
    );
  });
});

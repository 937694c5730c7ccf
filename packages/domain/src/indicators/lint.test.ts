import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hasLintErrors, leafShares, lintPlan, publicShare, type LintFinding } from './lint';
import type { IndicatorNode } from './types';

/** Definitions 指标解释 as a statistics office writes them. */
const DEFS: Record<string, string> = {
  A1: '按可比价格计算的本年地区生产总值比上年增长的百分比',
  A2: '本级一般公共预算收入决算数比上年增长的百分比',
  A3: '全社会研究与试验发展经费支出与地区生产总值之比',
  B1: '年内城镇累计新增就业人员数减自然减员数',
  B2: '劳动力调查中城镇失业人口占城镇劳动力的比重',
  C1: '全年细颗粒物日均浓度的算术平均值',
};

const lin = (
  code: string,
  name: string,
  weight: number,
  baseline: number,
  target: number,
  direction: 'higher' | 'lower' = 'higher',
  extra: Partial<IndicatorNode> = {},
): IndicatorNode => ({
  code,
  name,
  weight,
  unit: '%',
  dataSource: '市统计局',
  definition: DEFS[code] ?? name,
  direction,
  baseline,
  target,
  rule: { type: 'linear', baseline, target, direction, cap: 1.2 },
  ...extra,
});

/** A behaviourally anchored rubric 评分细则 of a rated leaf: what each score band looks like. */
const RUBRIC = [
  { min: 90, max: 100, label: '满意', description: '办事一次办成，诉求当天回应' },
  { min: 60, max: 89, label: '基本满意', description: '多数事项按时办结，个别需要多次跑' },
  { min: 0, max: 59, label: '不满意', description: '诉求长期无回应或推诿' },
];

/** A district's annual plan (经济发展 / 民生保障 / 生态环境 / 群众满意度) meeting every check. */
function cleanTree(): IndicatorNode[] {
  return [
    {
      code: 'A',
      name: '经济发展',
      weight: 40,
      children: [
        lin('A1', '地区生产总值增速', 50, 3, 6),
        lin('A2', '一般公共预算收入增长', 30, 2, 7, 'higher', { dataSource: '市财政局' }),
        lin('A3', 'R&D经费占GDP比重', 20, 1.5, 2.8, 'higher', { dataSource: '市科学技术局' }),
      ],
    },
    {
      code: 'B',
      name: '民生保障',
      weight: 25,
      children: [
        lin('B1', '城镇新增就业人数', 60, 1.2, 1.5, 'higher', { unit: '万人', dataSource: '市人社局' }),
        lin('B2', '城镇调查失业率', 40, 5.5, 5, 'lower', { dataSource: '市人社局' }),
      ],
    },
    {
      code: 'C',
      name: '生态环境',
      weight: 15,
      children: [
        lin('C1', 'PM2.5年均浓度', 50, 38, 33, 'lower', { unit: 'μg/m³', dataSource: '市生态环境局' }),
        {
          code: 'C2',
          name: '较大及以上突发环境事件',
          weight: 50,
          definition: '本年度发生的较大及以上级别突发环境事件起数',
          dataSource: '市生态环境局',
          rule: { type: 'passFail', passWhen: 'zero' },
        },
      ],
    },
    {
      code: 'D',
      name: '群众满意度',
      weight: 20,
      definition: '委托第三方抽样调查的辖区居民对政府工作的总体满意程度',
      subjects: [{ type: 'public', weight: 100 }],
      rubric: RUBRIC,
    },
    {
      code: 'H1',
      name: '审计问题未整改',
      weight: 5,
      kind: 'deduction',
      dataSource: '市审计局',
      rule: { type: 'perUnit', points: 1 },
    },
  ];
}

const codes = (fs: LintFinding[]) => fs.map((f) => `${f.code}@${f.indicatorCode}:${f.severity}`);
const ctx = { minPublicWeight: 15, minLeafShare: 2 };

describe('lintPlan', () => {
  it('finds nothing on a well-designed plan', () => {
    expect(lintPlan(cleanTree(), ctx)).toEqual([]);
  });

  it('leaf shares multiply down the tree and sum to 100; the public scores 20%', () => {
    const s = leafShares(cleanTree());
    expect(s.map((x) => [x.node.code, x.share])).toEqual([
      ['A1', 20],
      ['A2', 12],
      ['A3', 8],
      ['B1', 15],
      ['B2', 10],
      ['C1', 7.5],
      ['C2', 7.5],
      ['D', 20],
    ]);
    expect(publicShare(cleanTree())).toBeCloseTo(20, 10);
  });

  it('smart.no_definition and smart.no_data_source are warnings on the leaf concerned', () => {
    const t = cleanTree();
    delete t[0].children![0].definition;
    t[1].children![1].dataSource = '  ';
    expect(codes(lintPlan(t, ctx))).toEqual([
      'smart.no_definition@A1:warning',
      'smart.no_data_source@B2:warning',
    ]);
  });

  it('a leaf scored only by raters needs no data source nor target', () => {
    const t = cleanTree();
    expect(t[3].dataSource).toBeUndefined();
    expect(lintPlan(t, ctx)).toEqual([]);
  });

  it('smart.no_target is an error for a data leaf without target; banded and pass/fail rules carry their own', () => {
    const t = cleanTree();
    const b1 = t[1].children![0];
    delete b1.target;
    delete b1.rule;
    t[2].children![1].rule = { type: 'banded', bands: [{ max: 0, points: 100 }, { points: 0 }] };
    const f = lintPlan(t, ctx);
    expect(codes(f)).toEqual(['smart.no_target@B1:error']);
    expect(f[0].message).toContain('城镇新增就业人数');
    expect(hasLintErrors(f)).toBe(true);
  });

  it('smart.target_below_baseline follows the polarity; equal target is a warning', () => {
    const t = cleanTree();
    // 失业率 (lower is better): target 6 above baseline 5.5 is worse.
    Object.assign(t[1].children![1], { target: 6 });
    delete t[1].children![1].rule;
    // GDP growth target 3 = baseline 3.
    Object.assign(t[0].children![0], { target: 3 });
    delete t[0].children![0].rule;
    expect(codes(lintPlan(t, ctx))).toEqual([
      'smart.target_below_baseline@B2:error',
      'smart.target_below_baseline@A1:warning',
    ]);
    // The same numbers read from the rule when the node has none.
    const u = cleanTree();
    const a1 = u[0].children![0];
    delete a1.target;
    delete a1.baseline;
    a1.rule = { type: 'linear', baseline: 8, target: 6, direction: 'higher' };
    expect(codes(lintPlan(u, ctx))).toEqual(['smart.target_below_baseline@A1:error']);
  });

  it('overlap: near-duplicate names are reported once, on the later leaf, naming the earlier', () => {
    const t = cleanTree();
    t[0].children![2] = lin('A3', '一般公共预算收入增长率', 20, 2, 6, 'higher', {
      definition: '本级一般公共预算收入比上年增长的百分比',
    });
    const f = lintPlan(t, ctx);
    expect(codes(f)).toEqual(['overlap@A3:warning']);
    expect(f[0].otherCode).toBe('A2');
    expect(f[0].value).toBeGreaterThanOrEqual(0.6);
  });

  it('unrelated indicators of one policy area do not overlap', () => {
    const t = cleanTree();
    t[1].children![1] = lin('B2', '城镇登记失业率', 40, 5.5, 5, 'lower', {
      definition: '城镇登记失业人员占城镇从业人员与登记失业人员之和的比重',
    });
    expect(lintPlan(t, ctx)).toEqual([]);
  });

  it('balance.public_weight: the public share below the minimum is a plan-wide error', () => {
    const t = cleanTree();
    // Public satisfaction now shares the leaf with superiors: 20% × 40% = 8% public.
    t[3].subjects = [
      { type: 'superior', weight: 60 },
      { type: 'public', weight: 40 },
    ];
    const f = lintPlan(t, ctx);
    expect(codes(f)).toEqual(['balance.public_weight@:error']);
    expect(f[0].value).toBeCloseTo(8, 10);
    expect(f[0].limit).toBe(ctx.minPublicWeight);
    expect(lintPlan(t, { ...ctx, minPublicWeight: 8 })).toEqual([]);
    // Service recipients count as the public too.
    t[3].subjects[0].type = 'service_recipient';
    expect(lintPlan(t, ctx)).toEqual([]);
  });

  it('weight.too_small: a leaf below the minimum share of the total', () => {
    const t = cleanTree();
    t[0].children = [
      lin('A1', '地区生产总值增速', 96, 3, 6),
      lin('A2', '一般公共预算收入增长', 4, 2, 7, 'higher', { dataSource: '市财政局' }),
    ];
    const f = lintPlan(t, ctx);
    expect(codes(f)).toEqual(['weight.too_small@A2:warning']);
    expect(f[0].value).toBeCloseTo(1.6, 10);
    expect(f[0].limit).toBe(ctx.minLeafShare);
    expect(lintPlan(t, {})).toEqual([]);
  });

  it('bonus and deduction items are outside the shares and only need a data source', () => {
    const t = cleanTree();
    delete t[4].dataSource;
    expect(codes(lintPlan(t, ctx))).toEqual(['smart.no_data_source@H1:warning']);
    expect(leafShares(t).some((s) => s.node.code === 'H1')).toBe(false);
  });

  it('rubric.missing: a leaf scored by raters without a rubric of two bands or more is a warning', () => {
    const t = cleanTree();
    delete t[3].rubric;
    expect(codes(lintPlan(t, ctx))).toEqual(['rubric.missing@D:warning']);
    t[3].rubric = RUBRIC.slice(0, 1);
    expect(codes(lintPlan(t, ctx))).toEqual(['rubric.missing@D:warning']);
    // A data leaf with a rater share is qualitative in part: it needs one too; pure data leaves do not.
    t[3].rubric = RUBRIC;
    t[0].children![0].subjects = [
      { type: 'data', weight: 80 },
      { type: 'superior', weight: 20 },
    ];
    expect(codes(lintPlan(t, ctx))).toEqual(['rubric.missing@A1:warning']);
  });

  it('errors come before warnings, each in tree order', () => {
    const t = cleanTree();
    delete t[0].children![0].definition; // A1 warning
    delete t[1].children![0].rule; // B1 still has target
    delete t[1].children![0].target; // B1 no target: error
    t[3].subjects = [{ type: 'superior', weight: 100 }]; // public 0%: error
    expect(codes(lintPlan(t, ctx))).toEqual([
      'balance.public_weight@:error',
      'smart.no_target@B1:error',
      'smart.no_definition@A1:warning',
    ]);
  });
});

describe('lintPlan laws', () => {
  /** A random plan built to satisfy every check: distinct names, definitions, targets beyond baselines. */
  const NAMES = [
    '财政',
    '就业',
    '教育',
    '医疗',
    '环境',
    '交通',
    '住房',
    '养老',
    '治安',
    '科技',
    '文化',
    '农业',
  ];
  const arbCleanTree = fc
    .record({
      groups: fc.array(fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 1, maxLength: 3 }), {
        minLength: 1,
        maxLength: 4,
      }),
      publicWeight: fc.integer({ min: 20, max: 50 }),
      baseline: fc.double({ min: -100, max: 100, noNaN: true }),
      gain: fc.double({ min: 0.01, max: 50, noNaN: true }),
      lower: fc.boolean(),
    })
    .map(({ groups, publicWeight, baseline, gain, lower }) => {
      let k = 0;
      const tree: IndicatorNode[] = groups.map((ws, g) => ({
        code: `G${g}`,
        name: `分组${g}`,
        weight: (100 - publicWeight) / groups.length,
        children: ws.map((w, i) => {
          const name = NAMES[k++ % NAMES.length] + `第${k}项`;
          const target = lower ? baseline - gain : baseline + gain;
          return {
            code: `G${g}.${i}`,
            name,
            definition: `指标${k}号`,
            weight: w,
            dataSource: '统计局',
            direction: lower ? 'lower' : 'higher',
            baseline,
            target,
          } as IndicatorNode;
        }),
      }));
      tree.push({
        code: 'P',
        name: '群众满意度',
        definition: '抽样调查',
        weight: publicWeight,
        subjects: [{ type: 'public', weight: 100 }],
        rubric: RUBRIC,
      });
      return { tree, minPublic: publicWeight };
    });

  it('a tree built to satisfy every check has no finding; shares sum to 100', () => {
    fc.assert(
      fc.property(arbCleanTree, ({ tree, minPublic }) => {
        expect(lintPlan(tree, { minPublicWeight: minPublic - 0.001, minLeafShare: 0.5 })).toEqual([]);
        expect(leafShares(tree).reduce((s, x) => s + x.share, 0)).toBeCloseTo(100, 6);
      }),
    );
  });

  it('errors always precede warnings; findings name leaves of the tree', () => {
    fc.assert(
      fc.property(
        arbCleanTree,
        fc.array(fc.nat(), { maxLength: 6 }),
        fc.double({ min: 0, max: 60, noNaN: true }),
        ({ tree }, damage, minPublic) => {
          const leaves = tree.flatMap((n) => n.children ?? [n]);
          damage.forEach((d, i) => {
            const leaf = leaves[d % leaves.length];
            if (i % 3 === 0) delete leaf.target;
            else if (i % 3 === 1) delete leaf.definition;
            else leaf.weight = 0.01;
          });
          const f = lintPlan(tree, { minPublicWeight: minPublic, minLeafShare: 1 });
          const firstWarning = f.findIndex((x) => x.severity === 'warning');
          if (firstWarning >= 0)
            expect(f.slice(firstWarning).every((x) => x.severity === 'warning')).toBe(true);
          const known = new Set(['', ...leaves.map((l) => l.code)]);
          f.forEach((x) => expect(known.has(x.indicatorCode)).toBe(true));
          expect(hasLintErrors(f)).toBe(f.some((x) => x.severity === 'error'));
        },
      ),
    );
  });
});

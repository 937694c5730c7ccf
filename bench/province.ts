/**
 * Generator of a province-scale annual cycle for benchmarks, written straight into a migrated
 * PostgreSQL database with set-based SQL (`INSERT … SELECT` over `unnest` and `generate_series`).
 *
 * At scale 1: 2,000 units (1,000 departments, 1,000 county governments, peer groups of 100) with
 * 10 leading cadres each (20,000), one approved plan per unit and per cadre (22,000 plans) of
 * 152 indicators (6 first-level, 24 second-level, 120 leaves, a bonus and a deduction item),
 * a verified value per data leaf, and 7 rated leaves per plan rated by 3 superiors, 5 peers and
 * 5 members of the public (2,002,000 ratings). Unit plans carry their own targets (every unit
 * tree differs); cadre plans come from 4 shared templates, as when a province issues one scheme.
 */
import type pg from 'pg';
import { CycleRulesSchema, DEFAULT_CONSEQUENCE_RULES } from '../packages/server/src/modules/evaluation/rules';

export interface Province {
  cycleId: string;
  units: number;
  cadres: number;
  plans: number;
  nodes: number;
  values: number;
  ratings: number;
}

interface TemplateNode {
  code: string;
  parentCode: string | null;
  position: number;
  name: string;
  nameEn: string;
  weight: number;
  kind: 'normal' | 'bonus' | 'deduction';
  rule: object | null;
  unit: string | null;
  dataSource: string | null;
  direction: 'higher' | 'lower' | null;
  subjects: object | null;
  veto: object | null;
  target: number | null;
  baseline: number | null;
  /** How the generator fills the leaf: data value, ratings, pass/fail, bonus/deduction count, or nothing. */
  fill: 'data' | 'rated' | 'passfail' | 'count' | 'none';
}

const FIRST = [
  ['A', '经济发展', 'Economic development'],
  ['B', '民生保障', 'Public services and livelihood'],
  ['C', '生态环境', 'Environment'],
  ['D', '社会治理', 'Social governance'],
  ['E', '安全与依法行政', 'Safety and rule of law'],
  ['F', '满意度与评议', 'Satisfaction and appraisal'],
] as const;
const FIRST_WEIGHTS = [25, 20, 15, 15, 10, 15];
const SECOND_WEIGHTS = [30, 30, 20, 20];
const LEAF_WEIGHTS = [30, 20, 20, 15, 15];
const RATED = new Set(['F1.1', 'F1.2', 'F1.3', 'F1.4', 'F1.5', 'F2.1', 'F2.2']);
/** Panels of a rated leaf: subject, share of the leaf, raters. */
export const PANELS = [
  { subject: 'superior', weight: 60, raters: 3 },
  { subject: 'peer', weight: 20, raters: 5 },
  { subject: 'public', weight: 20, raters: 5 },
] as const;

/** Templates 0–1: departments and counties; 2–5: principal and deputy cadres of each. */
function template(t: number): TemplateNode[] {
  const label = ['部门', '县区', '部门正职', '部门副职', '县区正职', '县区副职'][t];
  const rows: TemplateNode[] = [];
  const base = { unit: null, dataSource: null, direction: null, subjects: null, veto: null, rule: null };
  FIRST.forEach(([code, name, nameEn], i) => {
    // Cadre templates shift first-level weights a little, so templates differ as schemes do.
    const weight = FIRST_WEIGHTS[i] + (t >= 2 ? (i === 0 ? -5 : i === 5 ? 5 : 0) : 0);
    rows.push({
      ...base,
      code,
      parentCode: null,
      position: i,
      name,
      nameEn,
      weight,
      kind: 'normal',
      target: null,
      baseline: null,
      fill: 'none',
    });
    SECOND_WEIGHTS.forEach((w2, j) => {
      const c2 = `${code}${j + 1}`;
      rows.push({
        ...base,
        code: c2,
        parentCode: code,
        position: j,
        name: `${name}（${label}）二级指标${j + 1}`,
        nameEn: `${nameEn}, group ${j + 1}`,
        weight: w2,
        kind: 'normal',
        target: null,
        baseline: null,
        fill: 'none',
      });
      LEAF_WEIGHTS.forEach((w3, k) => {
        const c3 = `${c2}.${k + 1}`;
        const leaf = {
          ...base,
          code: c3,
          parentCode: c2,
          position: k,
          name: `${name}（${label}）三级指标${j + 1}.${k + 1}`,
          nameEn: `${nameEn}, indicator ${j + 1}.${k + 1}`,
          weight: w3,
          kind: 'normal' as const,
          target: null as number | null,
          baseline: null as number | null,
        };
        if (RATED.has(c3)) {
          rows.push({
            ...leaf,
            subjects: PANELS.map((p) => ({ type: p.subject, weight: p.weight })),
            fill: 'rated',
          });
        } else if (c3 === 'E4.5') {
          rows.push({
            ...leaf,
            unit: '起',
            dataSource: '应急管理厅',
            direction: 'lower',
            rule: { type: 'passFail', passWhen: 'zero' },
            veto: { mode: t < 2 ? 'unqualified' : 'downOne' },
            target: 0,
            fill: 'passfail',
          });
        } else {
          const n = rows.length;
          const lower = n % 7 === 0;
          const baseline = lower ? 20 + (n % 13) : 2 + (n % 11);
          const target = lower ? baseline / 2 : baseline * 1.5 + 1;
          const direction = lower ? 'lower' : 'higher';
          rows.push({
            ...leaf,
            unit: '%',
            dataSource: '省统计局',
            direction,
            rule:
              n % 10 === 3
                ? { type: 'ratio', target, direction, cap: 1.2 }
                : { type: 'linear', baseline, target, direction, cap: 1.2 },
            target,
            baseline,
            fill: 'data',
          });
        }
      });
    });
  });
  rows.push(
    {
      ...base,
      code: 'G1',
      parentCode: null,
      position: 6,
      name: '国家级、省级表彰及改革试点',
      nameEn: 'Commendations and pilot reforms',
      weight: 3,
      kind: 'bonus',
      rule: { type: 'perUnit', points: 1 },
      unit: '项',
      target: null,
      baseline: null,
      fill: 'count',
    },
    {
      ...base,
      code: 'H1',
      parentCode: null,
      position: 7,
      name: '审计问题未整改、重大投诉查实',
      nameEn: 'Unrectified audit findings, complaints upheld',
      weight: 5,
      kind: 'deduction',
      rule: { type: 'perUnit', points: 1 },
      unit: '项',
      target: null,
      baseline: null,
      fill: 'count',
    },
  );
  return rows;
}

/** Rows of all six templates as column arrays, for one `unnest`. */
function templateColumns() {
  const cols = {
    template: [] as number[],
    code: [] as string[],
    parentCode: [] as (string | null)[],
    position: [] as number[],
    name: [] as string[],
    nameEn: [] as string[],
    weight: [] as number[],
    kind: [] as string[],
    rule: [] as (string | null)[],
    unit: [] as (string | null)[],
    dataSource: [] as (string | null)[],
    direction: [] as (string | null)[],
    subjects: [] as (string | null)[],
    veto: [] as (string | null)[],
    target: [] as (number | null)[],
    baseline: [] as (number | null)[],
    fill: [] as string[],
  };
  const json = (v: object | null) => (v === null ? null : JSON.stringify(v));
  for (let t = 0; t < 6; t += 1)
    for (const n of template(t)) {
      cols.template.push(t);
      cols.code.push(n.code);
      cols.parentCode.push(n.parentCode);
      cols.position.push(n.position);
      cols.name.push(n.name);
      cols.nameEn.push(n.nameEn);
      cols.weight.push(n.weight);
      cols.kind.push(n.kind);
      cols.rule.push(json(n.rule));
      cols.unit.push(n.unit);
      cols.dataSource.push(n.dataSource);
      cols.direction.push(n.direction);
      cols.subjects.push(json(n.subjects));
      cols.veto.push(json(n.veto));
      cols.target.push(n.target);
      cols.baseline.push(n.baseline);
      cols.fill.push(n.fill);
    }
  return cols;
}

/** Writes the province into `client`'s (migrated, empty) database; `scale` 1 is the full province. */
export async function generateProvince(
  client: pg.Client,
  scale: number,
  log: (msg: string) => void,
): Promise<Province> {
  const units = Math.max(20, Math.round(2000 * scale));
  const cadresPerUnit = 10;
  const raterPool = Math.max(100, Math.round(5000 * scale));
  const q = (text: string, values?: unknown[]) => client.query(text, values);
  const step = async (what: string, run: () => Promise<unknown>) => {
    const t0 = performance.now();
    await run();
    log(`  ${what.padEnd(28)} ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  };
  await q('set synchronous_commit = off');
  await q('select setseed(0.20251231)');
  // Bulk load: foreign keys are satisfied by construction, so skip their per-row checks, and build
  // the big secondary indexes once at the end (recreated from their own definitions).
  await q('set session_replication_role = replica');
  const { rows: deferred } = await q(
    `select indexname, indexdef from pg_indexes
     where tablename in ('indicator_nodes', 'actual_values', 'ratings') and indexname not like '%_pkey'`,
  );
  for (const ix of deferred) await q(`drop index ${ix.indexname}`);

  const rules = CycleRulesSchema.parse({
    unitShareForCadres: 0.2,
    consequenceRules: DEFAULT_CONSEQUENCE_RULES,
  });
  const {
    rows: [cycle],
  } = await q(
    `insert into cycles (code, name, name_en, type, period_start, period_end, stage, rules)
     values ('bench-2025', '全省2025年度绩效考核', 'Province 2025 annual appraisal', 'annual',
             '2025-01-01', '2025-12-31', 'evaluation', $1) returning id`,
    [JSON.stringify(rules)],
  );
  const cycleId = cycle.id as string;
  // Evaluation starts with the rules frozen: results compute from that version (the regulations).
  await q(`insert into cycle_rule_versions (cycle_id, version, rules, frozen_at) values ($1, 1, $2, now())`, [
    cycleId,
    JSON.stringify(rules),
  ]);

  await step('users, units, cadres', async () => {
    await q(
      `insert into users (username, password_hash, display_name)
       select 'rater' || g, 'x', '评价人' || g from generate_series(1, $1) g`,
      [raterPool],
    );
    await q(
      `create temp table bench_rater as
       select (row_number() over (order by username)) - 1 as n, id from users where username like 'rater%'`,
    );
    await q(
      `insert into org_units (code, name, kind, path) values ('prov', '省人民政府', 'government', '/prov/')`,
    );
    await q(
      `insert into org_units (code, name, kind, parent_id, path, peer_group)
       select 'u' || g, case when g % 2 = 0 then '省直部门' else '县区政府' end || g,
              case when g % 2 = 0 then 'department' else 'district' end,
              (select id from org_units where code = 'prov'), '/prov/u' || g || '/',
              case when g % 2 = 0 then 'department' else 'district' end || '-' || (g / 2) % 10
       from generate_series(0, $1 - 1) g`,
      [units],
    );
    await q(
      `create temp table bench_unit as
       select substr(code, 2)::int as n, id, kind, peer_group from org_units where code like 'u%'`,
    );
    await q(
      `insert into people (code, name, position, org_unit_id)
       select 'c' || u.n || '-' || k, '干部' || u.n || '-' || k, case when k = 0 then '正职' else '副职' end, u.id
       from bench_unit u cross join generate_series(0, $1 - 1) k`,
      [cadresPerUnit],
    );
  });

  await step('plans', async () => {
    await q(
      `insert into plans (cycle_id, appraisee_type, org_unit_id, title, status, peer_group, approved_at)
       select $1, 'unit', id, '2025年度绩效计划', 'approved', peer_group, now() from bench_unit`,
      [cycleId],
    );
    await q(
      `insert into plans (cycle_id, appraisee_type, org_unit_id, person_id, title, status, peer_group, approved_at)
       select $1, 'cadre', p.org_unit_id, p.id, '2025年度个人绩效计划', 'approved',
              p.position || '-' || u.peer_group, now()
       from people p join bench_unit u on u.id = p.org_unit_id`,
      [cycleId],
    );
    // Template of each plan: 0/1 unit plans, 2–5 cadre plans; n orders plans for rater choice.
    await q(
      `create temp table bench_plan as
       select (row_number() over (order by p.id)) - 1 as n, p.id,
              case when p.appraisee_type = 'unit' then (case when u.kind = 'department' then 0 else 1 end)
                   else 2 + (case when u.kind = 'department' then 0 else 2 end) + (case when pe.position = '正职' then 0 else 1 end)
              end as template,
              p.appraisee_type = 'unit' as own_targets,
              0.55 + 0.6 * random() as quality
       from plans p join bench_unit u on u.id = p.org_unit_id left join people pe on pe.id = p.person_id`,
    );
  });

  const c = templateColumns();
  await q(
    `create temp table bench_tpl as
     select * from unnest($1::int[], $2::text[], $3::text[], $4::int[], $5::text[], $6::text[], $7::float8[],
                          $8::text[], $9::jsonb[], $10::text[], $11::text[], $12::text[], $13::jsonb[], $14::jsonb[],
                          $15::float8[], $16::float8[], $17::text[])
       as t(template, code, parent_code, position, name, name_en, weight, kind, rule, unit, data_source,
            direction, subjects, veto, target, baseline, fill)`,
    [
      c.template,
      c.code,
      c.parentCode,
      c.position,
      c.name,
      c.nameEn,
      c.weight,
      c.kind,
      c.rule,
      c.unit,
      c.dataSource,
      c.direction,
      c.subjects,
      c.veto,
      c.target,
      c.baseline,
      c.fill,
    ],
  );
  // A unit's own targets: the template's scaled by a factor of the plan (1.000–1.199).
  const factor = `(case when p.own_targets then 1 + (p.n % 997) / 5000.0 else 1 end)`;
  await step('indicator nodes', () =>
    q(
      `insert into indicator_nodes (plan_id, code, parent_code, position, name, name_en, weight, kind, rule,
                                    unit, data_source, direction, subjects, veto, target, baseline)
       select p.id, t.code, t.parent_code, t.position, t.name, t.name_en, t.weight, t.kind,
              case when t.fill = 'data' and p.own_targets
                   then jsonb_set(t.rule, '{target}', to_jsonb(round((t.target * ${factor})::numeric, 3)::float8))
                   else t.rule end,
              t.unit, t.data_source, t.direction, t.subjects, t.veto,
              case when t.fill = 'data' then round((t.target * ${factor})::numeric, 3)::float8 else t.target end,
              t.baseline
       from bench_plan p join bench_tpl t on t.template = p.template`,
    ),
  );

  await step('actual values', async () => {
    await q(
      `insert into actual_values (plan_id, indicator_code, period, value, status, reported_at, verified_at)
       select p.id, t.code, '2025',
              case t.fill
                when 'data' then round((t.baseline + (t.target * ${factor} - t.baseline)
                                        * (p.quality + 0.3 * (random() - 0.5)))::numeric, 2)::float8
                when 'passfail' then case when random() < 0.01 then 1 else 0 end
                else floor(random() * random() * 4) end,
              'verified', now(), now()
       from bench_plan p join bench_tpl t on t.template = p.template
       where t.fill in ('data', 'passfail', 'count')`,
    );
    // Some leaves also carry a verified Q4 value (the annual one wins) and an unverified Q3 one.
    await q(
      `insert into actual_values (plan_id, indicator_code, period, value, status, reported_at, verified_at)
       select plan_id, indicator_code, '2025-Q4', value * 0.9, 'verified', now(), now()
       from actual_values where random() < 0.05`,
    );
    await q(
      `insert into actual_values (plan_id, indicator_code, period, value, status, reported_at)
       select plan_id, indicator_code, '2025-Q3', value * 0.7, 'reported', now()
       from actual_values where period = '2025' and random() < 0.02`,
    );
  });

  await step('ratings', () =>
    q(
      `insert into ratings (cycle_id, plan_id, indicator_code, subject_type, rater_id, score, weight)
       select $1, p.id, t.code, s.subject, r.id,
              round(least(100, greatest(20, 45 + 45 * p.quality + 16 * (random() - 0.5)))::numeric, 1)::float8,
              case when s.subject = 'public' then round((0.3 + 0.7 * random())::numeric, 2)::float8 else 1 end
       from bench_plan p
       join (select *, row_number() over (partition by template order by code) as leaf from bench_tpl
             where fill = 'rated') t on t.template = p.template
       cross join unnest($2::text[], $3::int[]) as s(subject, slot)
       join bench_rater r on r.n = (p.n * 37 + t.leaf * 11 + s.slot) % $4`,
      [
        cycleId,
        PANELS.flatMap((p) => Array.from({ length: p.raters }, () => p.subject)),
        PANELS.flatMap((p) => Array.from({ length: p.raters }, () => 0)).map((_, i) => i),
        raterPool,
      ],
    ),
  );
  await step('indexes', async () => {
    await q(`set maintenance_work_mem = '256MB'`);
    for (const ix of deferred) await q(ix.indexdef);
  });
  await q('set session_replication_role = origin');
  await step('analyze', () => q('analyze'));

  const count = async (table: string) =>
    Number((await q(`select count(*)::int as n from ${table}`)).rows[0].n);
  return {
    cycleId,
    units,
    cadres: units * cadresPerUnit,
    plans: await count('plans'),
    nodes: await count('indicator_nodes'),
    values: await count('actual_values'),
    ratings: await count('ratings'),
  };
}

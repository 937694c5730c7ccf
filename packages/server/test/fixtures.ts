import { sql } from 'drizzle-orm';
import type { TestApp } from './helper';
import { roleClient, type RoleClient } from './routes';

/** Ids of the seeded demo city (and a few rows created for the tests) that permission and fuzz tests use. */
export type Fixtures = Record<string, string> & { hint(name: string): unknown };

export const MISSING_ID = '00000000-0000-4000-8000-00000000beef';

async function one(t: TestApp, query: ReturnType<typeof sql>): Promise<string | undefined> {
  const res = (await t.db.execute(query)) as unknown as { rows: { id: string }[] };
  return res.rows[0]?.id;
}

/** The first `id` found in a JSON answer (`{need: {id}}`, `{items: [{id}]}` …). */
function firstId(v: unknown, inside?: string): string | undefined {
  if (!v || typeof v !== 'object') return undefined;
  if (inside && !Array.isArray(v) && inside in v) return firstId((v as Record<string, unknown>)[inside]);
  if (!inside && !Array.isArray(v) && typeof (v as { id?: unknown }).id === 'string')
    return (v as { id: string }).id;
  for (const x of Object.values(v)) {
    const id = firstId(x, inside);
    if (id) return id;
  }
  return undefined;
}

function firstLeaf(tree: { code: string; children?: unknown[] }[]): string | undefined {
  for (const n of tree) {
    if (!n.children?.length) return n.code;
    const c = firstLeaf(n.children as typeof tree);
    if (c) return c;
  }
  return undefined;
}

/**
 * Looks up and creates what the tests need. Creation goes through the API as the role that would
 * do it in real life; a fixture that cannot be created falls back to an id that exists nowhere.
 */
export async function createFixtures(t: TestApp): Promise<Fixtures> {
  const office = await roleClient(t.app, 'office');
  const eduManager = await roleClient(t.app, 'edu.manager');
  const citizen = await roleClient(t.app, 'citizen01');
  const f: Record<string, string> = { missing: MISSING_ID, token: 'no-such-token-0000000000000000' };

  const cycles = (await office.request('GET', '/api/cycles')).json().items as { id: string; code: string }[];
  const orgs = (await office.request('GET', '/api/orgs')).json().items as { id: string; code: string }[];
  const cycle = (code: string) => cycles.find((c) => c.code === code)!.id;
  const unit = (code: string) => orgs.find((o) => o.code === code)!.id;
  f.c2026 = cycle('2026-annual');
  f.cTerm = cycle('2021-2025-term');
  f.c2025 = cycle('2025-annual');
  f.edu = unit('edu');
  f.fin = unit('fin');
  const unitPlan = async (c: string, u: string) => {
    const res = await office.request('GET', `/api/plans?cycleId=${c}&orgUnitId=${u}&appraiseeType=unit`);
    const id = res.json().items?.[0]?.id as string | undefined;
    if (!id) throw new Error(`no unit plan of ${u} in ${c}: ${res.statusCode} ${res.body.slice(0, 300)}`);
    return id;
  };
  f.eduPlan = await unitPlan(f.c2026, f.edu);
  f.finPlan = await unitPlan(f.c2026, f.fin);
  f.edu2025 = await unitPlan(f.c2025, f.edu);
  f.eduHeadTerm = (await one(
    t,
    sql`select p.id from plans p join people pe on pe.id = p.person_id join users u on u.id = pe.user_id
        where u.username = 'edu.head' and p.cycle_id = ${f.cTerm}`,
  ))!;
  f.eduHeadPerson = (await one(
    t,
    sql`select pe.id from people pe join users u on u.id = pe.user_id where u.username = 'edu.head'`,
  ))!;
  f.leader01Id = (await one(t, sql`select id from users where username = 'leader01'`))!;
  f.eduResult = (await one(t, sql`select id from results where plan_id = ${f.edu2025}`))!;
  f.survey = (await one(t, sql`select id from surveys order by created_at limit 1`)) ?? MISSING_ID;
  const leaf = async (planId: string) =>
    firstLeaf((await office.request('GET', `/api/plans/${planId}`)).json().tree) ?? 'A1';
  f.eduPlanLeaf = await leaf(f.eduPlan);
  f.edu2025Leaf = await leaf(f.edu2025);
  f.eduHeadTermLeaf = await leaf(f.eduHeadTerm);
  // Not the value of edu2025Leaf: the matrix reports that one anew as each role (admin last), and a
  // value cannot be verified by the one who reported it.
  f.eduValue = (await one(
    t,
    sql`select id from actual_values where plan_id = ${f.edu2025} and not (indicator_code = ${f.edu2025Leaf} and period = '2025')
        order by status = 'reported' desc, indicator_code, period limit 1`,
  ))!;

  const created = async (name: string, client: RoleClient, method: string, url: string, body?: unknown) => {
    const res = await client.request(method, url, body);
    f[name] = (res.statusCode < 300 && firstId(res.json())) || MISSING_ID;
    return res;
  };
  await created('cNew', office, 'POST', '/api/cycles', {
    code: 'perm-cycle',
    name: '矩阵测试周期',
    type: 'regular',
    periodStart: '2027-01-01',
    periodEnd: '2027-03-31',
  });
  await eduManager.request('POST', `/api/plans/${f.eduPlan}/submit`);
  await created('need', citizen, 'POST', '/api/participation/needs', {
    cycleId: f.c2026,
    orgUnitId: f.edu,
    title: '课后服务',
    body: '希望延长课后服务时间',
  });
  await created('comment', citizen, 'POST', `/api/participation/plans/${f.eduPlan}/comments`, {
    body: '目标值偏低',
  });
  await created('thread', citizen, 'POST', `/api/participation/plans/${f.eduPlan}/threads`, {
    title: '进度',
    body: '进度如何？',
  });
  await created('relationship', citizen, 'POST', '/api/participation/relationships', {
    orgUnitId: f.edu,
    kind: 'service_recipient',
  });
  await created('interview', eduManager, 'POST', `/api/participation/plans/${f.edu2025}/interviews`, {
    heldOn: '2026-03-01',
    title: '反馈面谈',
  });
  const imp = await created(
    'improvement',
    eduManager,
    'POST',
    `/api/participation/plans/${f.edu2025}/improvements`,
    {
      title: '整改',
      actions: [{ action: '增加学位', owner: '教育局', deadline: '2026-09-30' }],
    },
  );
  f.improvementAction = (imp.statusCode < 300 && firstId(imp.json(), 'actions')) || MISSING_ID;
  // Results published today: the appeal window is open.
  await t.db.execute(sql`update cycles set results_published_at = now() where id = ${f.c2025}`);
  await created('appeal', eduManager, 'POST', `/api/results/${f.eduResult}/appeals`, {
    indicatorCode: f.edu2025Leaf,
    reason: '数据口径有误，请复核',
  });
  // A red trajectory warning on the education plan, as the monitoring run would raise it.
  f.warning = (await one(
    t,
    sql`insert into early_warnings (plan_id, indicator_code, period, status, expected, actual, shortfall_share)
        values (${f.edu2025}, ${f.edu2025Leaf}, '2025-Q2', 'red', 50, 20, 0.6) returning id`,
  ))!;
  f.eduManagerId = (await one(t, sql`select id from users where username = 'edu.manager'`))!;
  await created('task', office, 'POST', `/api/monitoring/warnings/${f.warning}/tasks`, {
    deadline: '2099-09-30',
    title: '纠偏',
    ownerId: f.eduManagerId,
  });
  await created('revision', eduManager, 'POST', `/api/plans/${f.edu2025}/revisions`, {
    justification: '政策调整，目标值需要修订',
    changes: [{ code: f.edu2025Leaf, field: 'target', to: 1 }],
  });
  const boundary = '----pcfixture';
  const png = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');
  // Evidence of a 2025 value: uploaded while the cycle is briefly unpublished (a published cycle's
  // inputs are frozen, publication.test.ts), so the evidence routes have a file to answer about.
  await t.db.execute(sql`update cycles set results_published_at = null where id = ${f.c2025}`);
  const evidence = await t.app.inject({
    method: 'POST',
    url: `/api/values/${f.eduValue}/evidence`,
    headers: { ...eduManager.headers, 'content-type': `multipart/form-data; boundary=${boundary}` },
    payload: Buffer.concat([
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="e.png"\r\nContent-Type: image/png\r\n\r\n`,
      ),
      png,
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]),
  });
  f.evidence = (evidence.statusCode < 300 && firstId(evidence.json())) || MISSING_ID;
  // An evidence file of the education bureau's appeal, attached by its manager.
  const appealFile = await t.app.inject({
    method: 'POST',
    url: `/api/appeals/${f.appeal}/files`,
    headers: { ...eduManager.headers, 'content-type': `multipart/form-data; boundary=${boundary}` },
    payload: Buffer.concat([
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.png"\r\nContent-Type: image/png\r\n\r\n`,
      ),
      png,
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]),
  });
  f.appealFile = (appealFile.statusCode < 300 && firstId(appealFile.json())) || MISSING_ID;
  await t.db.execute(sql`update cycles set results_published_at = now() where id = ${f.c2025}`);

  if (process.env.PERM_REPORT)
    console.log(
      'fixtures',
      Object.entries(f)
        .filter(([, v]) => v === MISSING_ID)
        .map(([k]) => k),
    );

  // Body properties named like these get real ids in generated bodies.
  const byName: Record<string, unknown> = {
    cycleId: f.c2026,
    orgUnitId: f.edu,
    planId: f.eduPlan,
    planIds: [f.eduPlan],
    surveyId: f.survey,
    raterIds: [f.leader01Id],
    ownerId: f.leader01Id,
    indicatorCode: f.eduPlanLeaf,
  };
  return Object.assign(f, { hint: (name: string) => byName[name] }) as Fixtures;
}

/** Replaces `{name}` placeholders in strings (deeply) with fixture ids. */
export function fill(v: unknown, f: Record<string, unknown>): unknown {
  if (typeof v === 'string')
    return v.replace(/\{(\w+)\}/g, (m, k: string) => (typeof f[k] === 'string' ? (f[k] as string) : m));
  if (Array.isArray(v)) return v.map((x) => fill(x, f));
  if (v && typeof v === 'object')
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, fill(x, f)]));
  return v;
}

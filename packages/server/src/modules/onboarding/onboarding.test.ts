import ExcelJS from 'exceljs';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { factory, type FactoryUser } from '../../../test/factories';
import { buildTestApp, multipart, type Client, type TestApp } from '../../../test/helper';
import { rowsOf } from '../../db/client';
import { orgUnits, people, users } from '../../db/schema';
import { createOrgUnit } from '../orgs/service';
import { COLUMNS } from './sheet';

let t: TestApp;
let office: Client;
/** The root of the tree: coded as the templates' example parent, so their example row imports. */
let root: string;
/** A department under the root, and its manager. */
let edu: typeof orgUnits.$inferSelect;
let eduManager: FactoryUser;
beforeAll(async () => {
  t = await buildTestApp({ city: 'empty' });
  const f = factory(t, 'onb');
  root = COLUMNS.units.find((c) => c.key === 'parentCode')!.example;
  await createOrgUnit(t.db, await f.office(), {
    code: root,
    name: '测试市',
    kind: 'government',
    parentId: null,
  });
  const unit = await f.org({ peerGroup: 'social' });
  [edu] = await t.db.select().from(orgUnits).where(eq(orgUnits.id, unit.id));
  eduManager = await f.user([{ role: 'unit_manager', orgUnitId: edu.id }]);
  office = await (await f.user([{ role: 'office' }])).login();
});
afterAll(async () => t.close());

const csv = (lines: string[]) => Buffer.from(lines.join('\n') + '\n');

function send(client: Client, kind: string, step: 'preview' | 'commit', name: string, content: Buffer) {
  const { payload, headers } = multipart(name, content);
  return t.app.inject({
    method: 'POST',
    // Units and cadres are committed as a job: waited for here (the job itself: import-job.test.ts).
    url: `/api/import/${kind}/${step}${step === 'commit' ? '?wait=true' : ''}`,
    payload,
    headers: { ...client.headers, ...headers },
  });
}

const count = async (table: string) =>
  Number((await rowsOf<{ n: string }>(t.db, sql.raw(`select count(*) as n from ${table}`)))[0].n);

async function xlsx(rows: string[][]) {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('units');
  for (const r of rows) ws.addRow(r);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

const unitPath = async (code: string) =>
  (await t.db.select({ path: orgUnits.path }).from(orgUnits).where(eq(orgUnits.code, code)))[0]?.path;

describe('org import: units', () => {
  it('previews row by row with sheet row numbers and writes nothing', async () => {
    const before = { units: await count('org_units'), audit: await count('audit_log') };
    const res = await send(
      office,
      'units',
      'preview',
      'units.csv',
      csv([
        'code,name,kind,parentCode,peerGroup',
        'new-a,新单位甲,department,new-b,social', // 2: parent further down
        `new-b,新单位乙,部门,${root},`, // 3: Chinese kind
        `BAD CODE,坏,department,${root},`, // 4
        'new-c,丙,department,nowhere,', // 5
        'new-d,丁,department,new-e,', // 6: cycle
        'new-e,戊,department,new-d,', // 7: cycle
        `new-b,重复,department,${root},`, // 8: duplicate
        `new-f,己,planet,${root},`, // 9
        'new-g,庚,department,,', // 10: a second root
      ]),
    );
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body.ok).toBe(false);
    const paths = body.errors.map((e: { path: string }) => e.path);
    expect(paths.sort()).toEqual(
      [
        'rows.4.code',
        'rows.5.parentCode',
        'rows.6.parentCode',
        'rows.7.parentCode',
        'rows.8.code',
        'rows.9.kind',
        'rows.10.parentCode',
      ].sort(),
    );
    const msg = (p: string) => body.errors.find((e: { path: string }) => e.path === p).message;
    expect(msg('rows.6.parentCode')).toMatch(/cycle: new-d → new-e → new-d/);
    expect(msg('rows.8.code')).toMatch(/row 3/);
    expect(msg('rows.10.parentCode')).toContain(`root ${root}`);
    expect(body.rows.slice(0, 2)).toEqual([
      { row: 2, key: 'new-a', action: 'create', changes: [] },
      { row: 3, key: 'new-b', action: 'create', changes: [] },
    ]);
    expect(body.summary).toEqual({ create: 2, update: 0, unchanged: 0, error: 7 });
    expect({ units: await count('org_units'), audit: await count('audit_log') }).toEqual(before);
  });

  it('commits all rows or none', async () => {
    const before = { units: await count('org_units'), audit: await count('audit_log') };
    const res = await send(
      office,
      'units',
      'commit',
      'units.csv',
      csv([
        'code,name,kind,parentCode',
        `fine-a,好单位,department,${root}`,
        'fine-b,坏单位,department,nowhere',
      ]),
    );
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({
      error: 'import_invalid',
      details: [{ path: 'rows.3.parentCode', message: 'no unit nowhere in the tree or in this file' }],
    });
    expect({ units: await count('org_units'), audit: await count('audit_log') }).toEqual(before);
  });

  it('creates a subtree from XLSX with Chinese headers in any order, and is idempotent', async () => {
    const file = await xlsx([
      ['单位编码', '单位名称', '英文名称', '类型', '上级编码', '同类组', '备注'],
      ['lab-a', '实验分中心', '', 'department', 'lab', '', '下级在前'],
      ['lab', '实验中心', 'Lab Centre', '部门', root, 'social', ''],
      [edu.code, `${edu.name}（新）`, edu.nameEn ?? '', edu.kind, root, edu.peerGroup ?? '', ''],
    ]);
    const preview = (await send(office, 'units', 'preview', 'units.xlsx', file)).json();
    expect(preview).toMatchObject({ ok: true, ignoredColumns: ['备注'] });
    expect(preview.rows).toEqual([
      { row: 2, key: 'lab-a', action: 'create', changes: [] },
      { row: 3, key: 'lab', action: 'create', changes: [] },
      { row: 4, key: edu.code, action: 'update', changes: ['name'] },
    ]);
    const audit = await count('audit_log');
    const first = await send(office, 'units', 'commit', 'units.xlsx', file);
    expect(first.statusCode, first.body).toBe(200);
    expect(first.json().summary).toEqual({ create: 2, update: 1, unchanged: 0, error: 0 });
    expect(await unitPath('lab-a')).toBe(`/${root}/lab/lab-a/`);
    // One entry per change and one for the import.
    expect(await count('audit_log')).toBe(audit + 4);
    const again = await send(office, 'units', 'commit', 'units.xlsx', file);
    expect(again.json().summary).toEqual({ create: 0, update: 0, unchanged: 3, error: 0 });
    expect(await count('audit_log')).toBe(audit + 4);
  });

  it('moves a unit with its subtree, and refuses a move into its own subtree as a cycle', async () => {
    const move = csv(['code,name,kind,parentCode', `lab,实验中心,department,${edu.code}`]);
    const res = await send(office, 'units', 'commit', 'move.csv', move);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().rows[0].changes).toEqual(['parentCode']);
    expect(await unitPath('lab-a')).toBe(`/${root}/${edu.code}/lab/lab-a/`);
    const cycle = await send(
      office,
      'units',
      'preview',
      'cycle.csv',
      csv(['code,name,kind,parentCode', 'lab,实验中心,department,lab-a']),
    );
    expect(cycle.json().errors).toEqual([{ path: 'rows.2.parentCode', message: 'cycle: lab → lab-a → lab' }]);
  });
});

describe('org import: accounts and people', () => {
  let passwords: Record<string, string> = {};

  it('creates accounts with roles and one-time passwords, and refuses what the office may not grant', async () => {
    const bad = await send(
      office,
      'accounts',
      'preview',
      'accounts.csv',
      csv([
        '用户名,姓名,邮箱,角色',
        'boss,老板,,admin', // 2: only an administrator grants admin
        `x1,某人,not-an-email,wizard@${edu.code}`, // 3
        'x2,某人,,unit_manager', // 4: needs a unit
        'x3,某人,,appraisee@nowhere', // 5
      ]),
    );
    expect(bad.json().errors.map((e: { path: string }) => e.path)).toEqual([
      'rows.2.roles',
      'rows.3.email',
      'rows.3.roles',
      'rows.4.roles',
      'rows.5.roles',
    ]);
    const file = csv([
      'username,displayName,email,roles',
      'lab.manager,实验中心 联络员,Lab.Manager@example.gov.cn,unit_manager@lab; evaluator',
      'lab.head,实验中心 主任,,考核对象@lab',
      `${eduManager.username},${eduManager.actor.displayName},,unit_manager@${edu.code}`,
    ]);
    const res = await send(office, 'accounts', 'commit', 'accounts.csv', file);
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body.summary).toEqual({ create: 2, update: 0, unchanged: 1, error: 0 });
    expect(body.credentials.map((c: { username: string }) => c.username)).toEqual([
      'lab.manager',
      'lab.head',
    ]);
    passwords = Object.fromEntries(
      body.credentials.map((c: { username: string; password: string }) => [c.username, c.password]),
    );
    // The passwords are not stored in the log.
    const log = await rowsOf<{ data: unknown }>(
      t.db,
      sql`select data from audit_log where action = 'user.create'`,
    );
    expect(JSON.stringify(log)).not.toContain(passwords['lab.manager']);

    const again = await send(office, 'accounts', 'commit', 'accounts.csv', file);
    expect(again.json()).toMatchObject({
      summary: { create: 0, update: 0, unchanged: 3, error: 0 },
      credentials: [],
    });
  });

  it('new accounts log in with the one-time password and must change it first', async () => {
    const login = await t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username: 'lab.manager@example.gov.cn', password: passwords['lab.manager'] },
    });
    expect(login.statusCode, login.body).toBe(200);
    expect(login.json().user).toMatchObject({
      username: 'lab.manager',
      mustChangePassword: true,
      roles: expect.arrayContaining([expect.objectContaining({ role: 'unit_manager' })]),
    });
    const cookie = login.cookies.map((c) => `${c.name}=${c.value}`).join('; ');
    const res = await t.app.inject({ method: 'GET', url: '/api/plans', headers: { cookie } });
    expect(res.statusCode).toBe(403);
    expect(res.json().error).toBe('password_change_required');
  });

  it('records cadres linked to accounts, with term rules and dates as typed in Chinese offices', async () => {
    const bad = await send(
      office,
      'people',
      'preview',
      'people.csv',
      csv([
        '干部编码,姓名,职务,单位编码,任期开始,任期结束,账号',
        'lab-1,甲,主任,nowhere,2024-01-01,,', // 2
        'lab-2,乙,副主任,lab,2024-01-01,2023-12-31,', // 3
        'lab-3,丙,副主任,lab,,2023-12-31,', // 4
        'lab-4,丁,副主任,lab,2024-01-01,,nobody', // 5
        'lab-5,戊,副主任,lab,2024-13-01,,', // 6
      ]),
    );
    expect(bad.json().errors.map((e: { path: string }) => e.path)).toEqual([
      'rows.2.orgUnit',
      'rows.3.termEnd',
      'rows.4.termStart',
      'rows.5.username',
      'rows.6.termStart',
    ]);
    const file = csv([
      '干部编码,姓名,职务,单位编码,任期开始,任期结束,账号',
      'lab-1,张实,主任,lab,2024/3/1,,lab.head',
      'lab-2,李验,副主任,lab,2024年3月1日,2026-02-28,',
    ]);
    const res = await send(office, 'people', 'commit', 'people.csv', file);
    expect(res.statusCode, res.body).toBe(200);
    const [head] = await t.db.select().from(people).where(eq(people.code, 'lab-1'));
    const [account] = await t.db.select().from(users).where(eq(users.username, 'lab.head'));
    expect(head).toMatchObject({ termStart: '2024-03-01', termEnd: null, userId: account.id });
    expect((await send(office, 'people', 'commit', 'people.csv', file)).json().summary).toEqual({
      create: 0,
      update: 0,
      unchanged: 2,
      error: 0,
    });
    const moved = csv([
      '干部编码,姓名,职务,单位编码,任期开始,任期结束,账号',
      `lab-1,张实,主任,${edu.code},2024-03-01,,lab.head`,
    ]);
    const change = (await send(office, 'people', 'preview', 'people.csv', moved)).json();
    expect(change.rows).toEqual([{ row: 2, key: 'lab-1', action: 'update', changes: ['orgUnit'] }]);
  });
});

describe('org import: templates and permissions', () => {
  it('serves a template per kind with Chinese or English headers and an example row that imports', async () => {
    const res = await office.get('/api/import/people/template');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('spreadsheetml');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
    expect((wb.worksheets[0].getRow(1).values as string[]).slice(1, 4)).toEqual([
      '干部编码',
      '姓名',
      '英文姓名',
    ]);
    const en = await office.get('/api/import/accounts/template?lang=en');
    const wbEn = new ExcelJS.Workbook();
    await wbEn.xlsx.load(en.rawPayload as unknown as ArrayBuffer);
    expect((wbEn.worksheets[0].getRow(1).values as string[]).slice(1)).toEqual([
      'username',
      'displayName',
      'displayNameEn',
      'email',
      'roles',
    ]);
    const units = await office.get('/api/import/units/template');
    const preview = await send(office, 'units', 'preview', 'template.xlsx', units.rawPayload);
    expect(preview.statusCode, preview.body).toBe(200);
    expect(preview.json().errors).toEqual([]);
  });

  it('names a missing column, refuses other file types and is for the office only', async () => {
    const res = await send(office, 'units', 'preview', 'u.csv', csv(['code,name', 'a,b']));
    expect(res.statusCode).toBe(400);
    expect(res.json().details.map((d: { path: string }) => d.path)).toEqual([
      'columns.kind',
      'columns.parentCode',
    ]);
    expect((await send(office, 'units', 'preview', 'u.txt', csv(['x']))).statusCode).toBe(400);
    const manager = await eduManager.login();
    const file = csv(['code,name,kind,parentCode', `m-1,某,department,${edu.code}`]);
    expect((await send(manager, 'units', 'preview', 'u.csv', file)).statusCode).toBe(403);
    expect((await send(manager, 'units', 'commit', 'u.csv', file)).statusCode).toBe(403);
    expect((await manager.get('/api/import/units/template')).statusCode).toBe(403);
    expect((await send(t.anon, 'units', 'preview', 'u.csv', file)).statusCode).toBe(401);
  });
});

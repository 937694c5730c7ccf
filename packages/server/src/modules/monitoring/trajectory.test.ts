import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IndicatorNodeInput } from '@perfcommons/contracts';
import { factory, type FactoryUser } from '../../../test/factories';
import { buildTestApp, type Client, type TestApp } from '../../../test/helper';
import { addDays, todayUtc } from './periods';

let t: TestApp;
let office: Client;
let manager: Client;
let otherManager: FactoryUser;
let verifier: FactoryUser;
let planId: string;
let quietPlanId: string;
let cycleId: string;

const leaf = (code: string, weight: number): IndicatorNodeInput => ({
  code,
  name: `指标 ${code}`,
  weight,
  rule: { type: 'linear', baseline: 80, target: 100, direction: 'higher' },
  subjects: [{ type: 'data', weight: 100 }],
});
const TREE: IndicatorNodeInput[] = [
  { code: 'A', name: '维度 A', weight: 60, children: [leaf('A1', 50), leaf('A2', 50)] },
  { code: 'B', name: '维度 B', weight: 40, children: [leaf('B1', 100)] },
];

beforeAll(async () => {
  t = await buildTestApp({ city: 'empty' });
  // Its own 2025 cycle (past: every quarter is due), units and plans (test/factories.ts), in execution.
  const f = factory(t, 'trajectory');
  const cycle = await f.cycle({ year: 2025, stage: 'planning' });
  cycleId = cycle.id;
  const edu = await f.org();
  const other = await f.org();
  const unitManager = await f.user([{ role: 'unit_manager', orgUnitId: edu.id }]);
  otherManager = await f.user([{ role: 'unit_manager', orgUnitId: other.id }]);
  // A manager elsewhere who only verifies the unit: sees its warnings, assigns no task there.
  verifier = await f.user([
    { role: 'unit_manager', orgUnitId: other.id },
    { role: 'verifier', orgUnitId: edu.id },
  ]);
  office = await (await f.user([{ role: 'office' }])).login();
  planId = (await f.plan({ cycleId, orgUnitId: edu.id, tree: TREE })).id;
  quietPlanId = (await f.plan({ cycleId, orgUnitId: other.id, tree: TREE })).id;
  await f.stage(cycleId, 'execution');
  manager = await unitManager.login();
  await manager.post('/api/notifications/read-all');
});
afterAll(async () => t.close());

type Leaf = { code: string; status: string; latest: { expected: number; shortfallShare: number } };
type Warning = {
  id: string;
  indicatorCode: string;
  period: string;
  status: string;
  planId: string;
  can: { assignTask: boolean };
};

describe('trajectory, early warnings and correction tasks', () => {
  it('sets a quarterly calendar with deadlines (office only)', async () => {
    const body = { cycleId, frequency: 'quarterly', deadlineDays: 15, graceDays: 7 };
    expect((await manager.put('/api/monitoring/periods', body)).statusCode).toBe(403);
    const res = await office.put('/api/monitoring/periods', body);
    expect(res.json().items.map((p: { period: string; deadline: string }) => [p.period, p.deadline])).toEqual(
      [
        ['2025-Q1', '2025-04-15'],
        ['2025-Q2', '2025-07-15'],
        ['2025-Q3', '2025-10-15'],
        ['2025-Q4', '2026-01-15'],
      ],
    );
  });

  it('colours each leaf against the straight line from baseline to target and rolls up per appraisee', async () => {
    // A1 and A2 run from 80 to 100 over 4 quarters: expected 85 at Q1, 90 at Q2.
    const rows = [
      ['A1', '2025-Q1', 85],
      ['A1', '2025-Q2', 86], // 4 short of 90 = 20 % of the planned change → yellow
      ['A2', '2025-Q1', 81],
      ['A2', '2025-Q2', 82], // 8 short = 40 % → red
    ].map(([indicatorCode, period, value]) => ({ indicatorCode, period, value }));
    expect((await manager.post(`/api/plans/${planId}/values/bulk`, { rows })).statusCode).toBe(200);
    const { item, periods } = (await manager.get(`/api/monitoring/plans/${planId}/trajectory`)).json();
    expect(periods).toHaveLength(4);
    const leaf = (code: string) => item.leaves.find((l: Leaf) => l.code === code);
    expect(leaf('A1').points.map((p: { status: string }) => p.status)).toEqual(['green', 'yellow']);
    expect(leaf('A1').latest).toMatchObject({ expected: 90, shortfallShare: 0.2 });
    expect(leaf('A2').status).toBe('red');
    // Two assessed leaves, one red (50 % ≥ 25 %) → the unit is red.
    expect(item.status).toBe('red');
    expect(item.counts).toEqual({ green: 0, yellow: 1, red: 1 });

    const cycle = (await office.get(`/api/monitoring/trajectory?cycleId=${cycleId}`)).json();
    const edu = cycle.items.find((p: { planId: string }) => p.planId === planId);
    expect(edu.status).toBe('red');
    // A plan without values has no colour.
    expect(cycle.items.find((p: { planId: string }) => p.planId === quietPlanId).status).toBeNull();
    expect(
      (await (await otherManager.login()).get(`/api/monitoring/plans/${planId}/trajectory`)).statusCode,
    ).toBe(403);
  });

  it('raises warnings once, notifies the unit manager, who reads the notification', async () => {
    expect((await manager.post('/api/monitoring/warnings/run', { cycleId })).statusCode).toBe(403);
    const first = (await office.post('/api/monitoring/warnings/run', { cycleId })).json();
    expect(first).toEqual({ raised: 2, notified: 1 });
    expect((await office.post('/api/monitoring/warnings/run', { cycleId })).json()).toEqual({
      raised: 0,
      notified: 0,
    });
    const warnings = (await manager.get(`/api/monitoring/warnings?cycleId=${cycleId}`)).json().items;
    expect(warnings.map((w: Warning) => `${w.indicatorCode} ${w.period} ${w.status}`)).toEqual([
      'A2 2025-Q2 red',
      'A1 2025-Q2 yellow',
    ]);
    const other = await otherManager.login();
    const theirs = (await other.get(`/api/monitoring/warnings?cycleId=${cycleId}`)).json().items;
    expect(theirs.filter((w: Warning) => w.planId === planId)).toEqual([]);

    const inbox = (await manager.get('/api/notifications')).json();
    expect(inbox.unread).toBe(1);
    expect(inbox.items[0]).toMatchObject({ kind: 'early_warning', planId });
    expect(inbox.items[0].body).toContain('A2');
    expect((await other.post(`/api/notifications/${inbox.items[0].id}/read`)).statusCode).toBe(404);
    const read = await manager.post(`/api/notifications/${inbox.items[0].id}/read`);
    expect(read.json().notification.readAt).not.toBeNull();
    expect((await manager.get('/api/notifications?unread=true')).json()).toMatchObject({
      items: [],
      unread: 0,
    });
  });

  it('sends with each warning whether the user may assign it a task, as createTask decides', async () => {
    const red = async (c: Client) =>
      (await c.get(`/api/monitoring/warnings?cycleId=${cycleId}`))
        .json()
        .items.find((w: Warning) => w.planId === planId && w.status === 'red') as Warning;
    expect((await red(office)).can).toEqual({ assignTask: true });
    expect((await red(manager)).can).toEqual({ assignTask: true });
    const v = await verifier.login();
    const seen = await red(v);
    expect(seen.can).toEqual({ assignTask: false });
    const refused = await v.post(`/api/monitoring/warnings/${seen.id}/tasks`, {
      deadline: addDays(todayUtc(), 30),
    });
    expect(refused.statusCode).toBe(403);
  });

  it('turns a warning into a correction task followed until closed, audited', async () => {
    const red = (await office.get(`/api/monitoring/warnings?cycleId=${cycleId}`))
      .json()
      .items.find((w: Warning) => w.planId === planId && w.status === 'red');
    const deadline = addDays(todayUtc(), 30);
    const other = await otherManager.login();
    const v = await verifier.login();
    expect((await other.post(`/api/monitoring/warnings/${red.id}/tasks`, { deadline })).statusCode).toBe(403);
    const past = await office.post(`/api/monitoring/warnings/${red.id}/tasks`, { deadline: '2020-01-01' });
    expect(past.json().details).toEqual([{ path: 'deadline', message: 'before today' }]);
    const created = await office.post(`/api/monitoring/warnings/${red.id}/tasks`, { deadline });
    expect(created.statusCode).toBe(201);
    const task = created.json().task;
    expect(task).toMatchObject({ status: 'open', indicatorCode: 'A2', deadline, overdue: false });
    expect((await manager.get('/api/notifications?unread=true')).json().items[0]).toMatchObject({
      kind: 'correction_task',
      entityId: task.id,
    });

    const step = (c: Client, body: object) => c.post(`/api/monitoring/tasks/${task.id}/status`, body);
    // Each listed task carries what the user may do with it, as updateTask decides.
    const canOf = async (c: Client) =>
      (await c.get(`/api/monitoring/tasks?cycleId=${cycleId}`))
        .json()
        .items.find((x: { id: string }) => x.id === task.id)?.can;
    expect(await canOf(office)).toEqual({ start: true, close: true, reopen: false });
    expect(await canOf(manager)).toEqual({ start: true, close: true, reopen: false });
    // The verifier of the unit follows the task but may not move it: nothing offered, and refused.
    expect(await canOf(v)).toEqual({ start: false, close: false, reopen: false });
    expect((await step(v, { status: 'closed', resolution: '核查员试图关闭' })).statusCode).toBe(403);
    expect(await canOf(other)).toBeUndefined();
    expect((await step(other, { status: 'in_progress' })).statusCode).toBe(403);
    expect((await step(manager, { status: 'in_progress' })).json().task.status).toBe('in_progress');
    expect(await canOf(manager)).toEqual({ start: false, close: true, reopen: false });
    const noResolution = await step(manager, { status: 'closed' });
    expect(noResolution.json().details).toEqual([{ path: 'resolution', message: 'required when closing' }]);
    const closed = await step(manager, {
      status: 'closed',
      resolution: '已制定专项推进方案，四季度追平进度',
    });
    expect(closed.json().task).toMatchObject({ status: 'closed', overdue: false });
    expect(await canOf(manager)).toEqual({ start: false, close: false, reopen: false });
    expect((await step(manager, { status: 'open' })).statusCode).toBe(409);
    expect(await canOf(office)).toEqual({ start: false, close: false, reopen: true });

    const tasks = (await manager.get(`/api/monitoring/tasks?cycleId=${cycleId}`))
      .json()
      .items.filter((x: { warningId: string }) => x.warningId === red.id);
    expect(tasks).toHaveLength(1);
    expect(tasks[0]).toMatchObject({ id: task.id, status: 'closed', appraiseeName: expect.any(String) });
    const warnings = (await office.get(`/api/monitoring/warnings?cycleId=${cycleId}`)).json().items;
    const tasked = warnings.find((w: Warning) => w.id === red.id);
    expect(tasked.tasks).toEqual([expect.objectContaining({ id: task.id, status: 'closed' })]);
    // One task per warning: nobody may assign another.
    expect(tasked.can).toEqual({ assignTask: false });
    expect((await manager.post(`/api/monitoring/warnings/${red.id}/tasks`, { deadline })).statusCode).toBe(
      409,
    );
    const audit = (await office.get('/api/audit?limit=3'))
      .json()
      .items.map((e: { action: string }) => e.action);
    expect(audit).toEqual(['task.close', 'task.update', 'task.create']);
    expect((await office.get('/api/audit/verify')).json().ok).toBe(true);
    // The office reopens the closed task, as its `can.reopen` said.
    expect((await step(office, { status: 'open' })).json().task.status).toBe('open');
  });
});

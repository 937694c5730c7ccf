import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { factory, type FactoryUser } from '../../../test/factories';
import { buildTestApp, multipart, type Client, type TestApp } from '../../../test/helper';

let t: TestApp;
let office: Client;
let manager: Client;
let appealId: string;
/** Those outside the appeal: another unit's manager, the verifier, a citizen, a leader. */
let outsiders: Record<'otherManager' | 'verifier' | 'citizen' | 'leader', FactoryUser>;

const PDF = Buffer.from('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n');
const upload = (c: Client, filename: string, content: Buffer, id = appealId) =>
  c.raw({ method: 'POST', url: `/api/appeals/${id}/files`, ...multipart(filename, content) });

beforeAll(async () => {
  t = await buildTestApp({ city: 'empty' });
  const f = factory(t, 'apf');
  const unit = await f.org();
  const other = await f.org();
  office = await (await f.user([{ role: 'office' }])).login();
  const managerUser = await f.user([{ role: 'unit_manager', orgUnitId: unit.id }]);
  manager = await managerUser.login();
  outsiders = {
    otherManager: await f.user([{ role: 'unit_manager', orgUnitId: other.id }]),
    verifier: await f.user([{ role: 'verifier' }]),
    citizen: await f.user([{ role: 'public' }]),
    leader: await f.user([{ role: 'evaluator' }]),
  };
  // The unit's plan in an annual cycle, its values verified, results computed and published.
  const cycle = await f.cycle({ stage: 'planning', year: 2031 });
  const plan = await f.plan({ cycleId: cycle.id, orgUnitId: unit.id });
  await f.stage(cycle.id, 'execution');
  await f.values(
    plan.id,
    [
      { indicatorCode: 'A1', period: '2031', value: 5 },
      { indicatorCode: 'A2', period: '2031', value: 80 },
    ],
    { by: managerUser.actor, verifyAs: await f.office() },
  );
  await f.results(cycle.id, { publish: true });
  const result = (await office.get(`/api/cycles/${cycle.id}/results`))
    .json()
    .items.find((r: { planId: string }) => r.planId === plan.id);
  const filed = await manager.post(`/api/results/${result.id}/appeals`, {
    indicatorCode: 'A2',
    reason: '活动场次已经统计局核实，系统未计入',
  });
  expect(filed.statusCode, filed.body).toBe(201);
  expect(filed.json().appeal.can).toEqual({ decide: false, attach: true });
  appealId = filed.json().appeal.id;
});
afterAll(async () => t.close());

describe('appeal evidence files', () => {
  it('the appellant attaches files, typed by their bytes; parties and the office list and download them', async () => {
    const res = await upload(manager, '统计局核实函.pdf', PDF);
    expect(res.statusCode, res.body).toBe(201);
    const file = res.json().file;
    expect(file).toMatchObject({
      appealId,
      filename: '统计局核实函.pdf',
      mimeType: 'application/pdf',
      size: PDF.length,
      sha256: createHash('sha256').update(PDF).digest('hex'),
    });
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0]);
    expect((await upload(manager, '现场照片.png', png)).statusCode).toBe(201);
    const list = (await manager.get(`/api/appeals/${appealId}/files`)).json().items;
    expect(list.map((f: { filename: string }) => f.filename)).toEqual(['统计局核实函.pdf', '现场照片.png']);
    expect(list[0]).not.toHaveProperty('content');
    for (const c of [manager, office]) {
      const dl = await c.get(`/api/appeal-files/${file.id}`);
      expect(dl.statusCode).toBe(200);
      expect(dl.headers['content-type']).toBe('application/pdf');
      expect(dl.headers['content-disposition']).toContain('attachment;');
      expect(dl.rawPayload.equals(PDF)).toBe(true);
    }
    // The office attaches too (e.g. a verification it asked for).
    expect((await upload(office, '复核意见.txt', Buffer.from('复核：数据一致\n'))).statusCode).toBe(201);
    const audit = (await office.get('/api/audit?limit=20'))
      .json()
      .items.map((e: { action: string }) => e.action)
      .filter((a: string) => a.startsWith('appeal.evidence'));
    expect(audit).toContain('appeal.evidence.upload');
    expect(audit).toContain('appeal.evidence.download');
  });

  it('others — another unit, the verifier, a citizen, anonymous — neither list, download nor attach', async () => {
    const file = (await office.get(`/api/appeals/${appealId}/files`)).json().items[0];
    for (const [who, u] of Object.entries(outsiders)) {
      const c = await u.login();
      expect((await c.get(`/api/appeals/${appealId}/files`)).statusCode, who).toBe(403);
      expect((await c.get(`/api/appeal-files/${file.id}`)).statusCode, who).toBe(403);
      expect((await upload(c, 'x.pdf', PDF)).statusCode, who).toBe(403);
    }
    expect((await t.anon.get(`/api/appeal-files/${file.id}`)).statusCode).toBe(401);
  });

  it('refuses other file types and oversize files, like value evidence', async () => {
    const exe = Buffer.from([0x4d, 0x5a, 0x90, 0x00, 0x03, 0x00]);
    const bad = await upload(manager, 'tool.pdf', exe);
    expect(bad.statusCode).toBe(400);
    expect(bad.json().details).toEqual([{ path: 'file', message: 'unsupported file type' }]);
    const big = await upload(manager, 'big.txt', Buffer.alloc(5 * 1024 * 1024 + 10, 'a'));
    expect(big.statusCode).toBe(413);
    expect(big.json().error).toBe('file_too_large');
  });

  it('closes the files when the appeal is decided', async () => {
    const decided = await office.post(`/api/appeals/${appealId}/decide`, {
      decision: 'rejected',
      reason: '核实函未载明场次',
    });
    expect(decided.statusCode, decided.body).toBe(200);
    expect(decided.json().appeal.can).toEqual({ decide: false, attach: false });
    const late = await upload(manager, 'late.pdf', PDF);
    expect(late.statusCode).toBe(409);
    // Still readable by the parties after the decision.
    expect((await manager.get(`/api/appeals/${appealId}/files`)).json().items).toHaveLength(3);
  });
});

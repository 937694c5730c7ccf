import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, multipart, type Client, type TestApp } from '../../../test/helper';

let t: TestApp;
let office: Client;
let manager: Client;
let appealId: string;

const PDF = Buffer.from('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n');
const upload = (c: Client, filename: string, content: Buffer, id = appealId) =>
  c.raw({ method: 'POST', url: `/api/appeals/${id}/files`, ...multipart(filename, content) });

beforeAll(async () => {
  t = await buildTestApp();
  office = await t.as('office');
  manager = await t.as('cul.manager');
  const annual = (await office.get('/api/cycles'))
    .json()
    .items.find((c: { code: string }) => c.code === '2025-annual').id;
  const result = (await office.get(`/api/cycles/${annual}/results`))
    .json()
    .items.find((r: { appraiseeName: string }) => r.appraiseeName === '市文化广电和旅游局');
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
    for (const who of ['edu.manager', 'verifier', 'citizen01', 'leader01']) {
      const c = await t.as(who);
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

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { factory, type FactoryUser } from '../../../test/factories';
import { buildTestApp, type Client, type TestApp } from '../../../test/helper';
import { multipart } from './test-util';

let t: TestApp;
let office: Client;
let eduManager: Client;
let verifier: FactoryUser;
let otherManager: FactoryUser;
let valueId: string;

beforeAll(async () => {
  t = await buildTestApp({ city: 'empty' });
  // Its own cycle, units and plan (test/factories.ts): a reported value of an approved plan.
  const f = factory(t, 'evidence');
  const cycle = await f.cycle({ stage: 'planning' });
  const edu = await f.org();
  const other = await f.org();
  const manager = await f.user([{ role: 'unit_manager', orgUnitId: edu.id }]);
  otherManager = await f.user([{ role: 'unit_manager', orgUnitId: other.id }]);
  verifier = await f.user([{ role: 'verifier' }]);
  office = await (await f.user([{ role: 'office' }])).login();
  const plan = await f.plan({ cycleId: cycle.id, orgUnitId: edu.id });
  await f.stage(cycle.id, 'execution');
  [{ id: valueId }] = await f.values(plan.id, [{ indicatorCode: 'A1', period: '2031', value: 5 }], {
    by: manager.actor,
  });
  eduManager = await manager.login();
});
afterAll(async () => t.close());

const upload = (c: Client, filename: string, content: Buffer) =>
  c.raw({ method: 'POST', url: `/api/values/${valueId}/evidence`, ...multipart(filename, content) });

describe('evidence files', () => {
  it('stores a PDF with sniffed type, size and SHA-256; readers of the plan download it; audited', async () => {
    const pdf = Buffer.from('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n');
    // The client claims an image; the platform goes by the bytes.
    const res = await upload(eduManager, '核验报告.png', pdf);
    expect(res.statusCode).toBe(201);
    const file = res.json().file;
    expect(file).toMatchObject({
      valueId,
      filename: '核验报告.png',
      mimeType: 'application/pdf',
      size: pdf.length,
      sha256: createHash('sha256').update(pdf).digest('hex'),
    });
    const list = (await office.get(`/api/values/${valueId}/evidence`)).json().items;
    expect(list.map((f: { id: string }) => f.id)).toEqual([file.id]);
    const dl = await (await verifier.login()).get(`/api/evidence/${file.id}`);
    expect(dl.statusCode).toBe(200);
    expect(dl.headers['content-type']).toBe('application/pdf');
    expect(dl.headers['content-disposition']).toContain("filename*=UTF-8''%E6%A0%B8");
    expect(dl.rawPayload.equals(pdf)).toBe(true);
    // Logins are audited too (security events); the file's own entries are what this checks.
    const audit = (await office.get('/api/audit?limit=10'))
      .json()
      .items.filter((e: { action: string }) => !e.action.startsWith('auth.'));
    expect(audit.slice(0, 2).map((e: { action: string }) => e.action)).toEqual([
      'evidence.download',
      'evidence.upload',
    ]);
  });

  it('accepts PNG, JPEG, XLSX and CSV by their bytes', async () => {
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0]);
    const jpeg = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10]);
    const xlsx = Buffer.concat([
      Buffer.from([0x50, 0x4b, 0x03, 0x04]),
      Buffer.from('....[Content_Types].xml....xl/workbook.xml'),
    ]);
    const csv = Buffer.from('指标,数值\nA1,96.5\n');
    const types = [];
    for (const [name, buf] of [
      ['a.png', png],
      ['b.jpg', jpeg],
      ['c.xlsx', xlsx],
      ['d.csv', csv],
    ] as const)
      types.push((await upload(eduManager, name, buf)).json().file.mimeType);
    expect(types).toEqual([
      'image/png',
      'image/jpeg',
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      'text/csv',
    ]);
  });

  it('refuses a wrong type with 400 naming file', async () => {
    const exe = Buffer.from([0x4d, 0x5a, 0x90, 0x00, 0x03, 0x00, 0x00, 0x00]);
    const res = await upload(eduManager, 'report.pdf', exe);
    expect(res.statusCode).toBe(400);
    expect(res.json().details).toEqual([{ path: 'file', message: 'unsupported file type' }]);
    const zip = Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.from('payload.exe')]);
    expect((await upload(eduManager, 'a.zip', zip)).json().details[0].path).toBe('file');
  });

  it('refuses a file over 5 MB with 413 and an error body', async () => {
    const big = Buffer.alloc(5 * 1024 * 1024 + 10, 0x41);
    const res = await upload(eduManager, 'big.txt', big);
    expect(res.statusCode).toBe(413);
    expect(res.json()).toMatchObject({ error: 'file_too_large', details: [{ path: 'file' }] });
  });

  it('refuses another unit: upload and download are 403', async () => {
    const other = await otherManager.login();
    expect((await upload(other, 'x.txt', Buffer.from('hello'))).statusCode).toBe(403);
    const [first] = (await office.get(`/api/values/${valueId}/evidence`)).json().items;
    expect((await other.get(`/api/evidence/${first.id}`)).statusCode).toBe(403);
    expect((await other.get(`/api/values/${valueId}/evidence`)).statusCode).toBe(403);
    expect((await t.anon.get(`/api/evidence/${first.id}`)).statusCode).toBe(401);
  });
});

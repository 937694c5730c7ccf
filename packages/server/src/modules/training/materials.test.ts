import { createHash } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog } from '../../db/schema';
import { buildTestApp, multipart, type Client, type TestApp } from '../../../test/helper';
import { factory, type FactoryCycle, type FactoryUser } from '../../../test/factories';

let t: TestApp;
let cycle: FactoryCycle;
let other: FactoryCycle;
let office: Client;
let rater: FactoryUser;
let otherRater: FactoryUser;
let evaluator: FactoryUser;
let resident: FactoryUser;

const PDF = Buffer.from('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n');
const upload = (c: Client, filename: string, content: Buffer, cycleId = cycle.id, title?: string) =>
  c.raw({
    method: 'POST',
    url: `/api/cycles/${cycleId}/materials${title ? `?title=${encodeURIComponent(title)}` : ''}`,
    ...multipart(filename, content),
  });
const del = (c: Client, id: string) =>
  t.app.inject({ method: 'DELETE', url: `/api/cycle-materials/${id}`, headers: c.headers });

beforeAll(async () => {
  t = await buildTestApp({ city: 'empty' });
  const f = factory(t);
  cycle = await f.cycle({ stage: 'planning' });
  other = await f.cycle({ stage: 'planning', year: 2031 });
  const unit = await f.org();
  const plan = await f.plan({ cycleId: cycle.id, orgUnitId: unit.id, status: 'approved' });
  const otherPlan = await f.plan({ cycleId: other.id, orgUnitId: unit.id, status: 'approved' });
  office = await (await f.user([{ role: 'office' }])).login();
  // A resident on the cycle's public panel (rater by task, no staff role); one on another cycle's panel only.
  rater = await f.user([{ role: 'public' }]);
  otherRater = await f.user([{ role: 'public' }]);
  resident = await f.user([{ role: 'public' }]);
  evaluator = await f.user([{ role: 'evaluator' }]);
  for (const [c, p, r] of [
    [cycle, plan, rater],
    [other, otherPlan, otherRater],
  ] as const)
    expect(
      await f.tasks({ cycleId: c.id, planIds: [p.id], subjectType: 'public', raterIds: [r.id] }),
    ).toEqual({
      created: 1,
      skipped: [],
    });
});
afterAll(async () => t.close());

describe('training material of a cycle', () => {
  let fileId: string;
  let linkId: string;

  it('the office uploads a file (typed by its bytes) and adds a link; both are audited', async () => {
    const res = await upload(office, '评分细则解读.pdf', PDF, cycle.id, '评分细则解读');
    expect(res.statusCode, res.body).toBe(201);
    const m = res.json().material;
    expect(m).toMatchObject({
      cycleId: cycle.id,
      kind: 'file',
      title: '评分细则解读',
      filename: '评分细则解读.pdf',
      mimeType: 'application/pdf',
      size: PDF.length,
      sha256: createHash('sha256').update(PDF).digest('hex'),
      url: null,
    });
    fileId = m.id;
    const link = await office.post(`/api/cycles/${cycle.id}/material-links`, {
      title: '评价主体培训视频',
      url: 'https://example.gov.cn/training/raters',
    });
    expect(link.statusCode, link.body).toBe(201);
    expect(link.json().material).toMatchObject({
      kind: 'link',
      url: 'https://example.gov.cn/training/raters',
    });
    linkId = link.json().material.id;
    const audit = await t.db
      .select({ action: auditLog.action, entityId: auditLog.entityId })
      .from(auditLog)
      .where(eq(auditLog.entityType, 'cycle_material'));
    expect(audit).toEqual(
      expect.arrayContaining([
        { action: 'cycle_material.upload', entityId: fileId },
        { action: 'cycle_material.link', entityId: linkId },
      ]),
    );
  });

  it('refuses uploads by non-office users, unsupported types and non-http links', async () => {
    const byRater = await upload(await rater.login(), 'a.pdf', PDF);
    expect(byRater.statusCode).toBe(403);
    const byEvaluator = await upload(await evaluator.login(), 'a.pdf', PDF);
    expect(byEvaluator.statusCode).toBe(403);
    const exe = await upload(office, 'setup.exe', Buffer.from('MZ\x90\x00binary'));
    expect(exe.statusCode).toBe(400);
    expect(exe.json().details).toEqual([{ path: 'file', message: 'unsupported file type' }]);
    const js = await office.post(`/api/cycles/${cycle.id}/material-links`, {
      title: 'x',
      url: 'javascript:alert(1)',
    });
    expect(js.statusCode).toBe(400);
  });

  it("the cycle's raters and staff list and download; others are refused", async () => {
    for (const u of [rater, evaluator]) {
      const c = await u.login();
      const list = await c.get(`/api/cycles/${cycle.id}/materials`);
      expect(list.statusCode, list.body).toBe(200);
      expect(list.json().items.map((m: { id: string }) => m.id)).toEqual([fileId, linkId]);
      expect(list.json().can).toEqual({ manage: false });
      const dl = await c.get(`/api/cycle-materials/${fileId}`);
      expect(dl.statusCode).toBe(200);
      expect(dl.headers['content-type']).toBe('application/pdf');
      expect(dl.rawPayload.equals(PDF)).toBe(true);
      expect(dl.headers['x-content-sha256']).toBe(createHash('sha256').update(PDF).digest('hex'));
    }
    expect((await office.get(`/api/cycles/${cycle.id}/materials`)).json().can).toEqual({ manage: true });
    // A resident with no task, and a rater of another cycle only: 403 on list and download.
    for (const u of [resident, otherRater]) {
      const c = await u.login();
      expect((await c.get(`/api/cycles/${cycle.id}/materials`)).statusCode).toBe(403);
      expect((await c.get(`/api/cycle-materials/${fileId}`)).statusCode).toBe(403);
    }
    expect((await t.anon.get(`/api/cycles/${cycle.id}/materials`)).statusCode).toBe(401);
    // The other cycle's rater sees that cycle's (empty) list.
    const own = await (await otherRater.login()).get(`/api/cycles/${other.id}/materials`);
    expect(own.json()).toEqual({ items: [], can: { manage: false } });
    // A link has no file to download.
    expect((await office.get(`/api/cycle-materials/${linkId}`)).statusCode).toBe(400);
    const downloads = await t.db
      .select({ actorId: auditLog.actorId })
      .from(auditLog)
      .where(and(eq(auditLog.action, 'cycle_material.download'), eq(auditLog.entityId, fileId)));
    expect(downloads.map((d) => d.actorId).sort()).toEqual([rater.id, evaluator.id].sort());
  });

  it('the office removes material; others may not', async () => {
    expect((await del(await evaluator.login(), linkId)).statusCode).toBe(403);
    const res = await del(office, linkId);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({ ok: true });
    expect((await del(office, linkId)).statusCode).toBe(404);
    const list = await office.get(`/api/cycles/${cycle.id}/materials`);
    expect(list.json().items.map((m: { id: string }) => m.id)).toEqual([fileId]);
    const [entry] = await t.db
      .select({ data: auditLog.data })
      .from(auditLog)
      .where(and(eq(auditLog.action, 'cycle_material.delete'), eq(auditLog.entityId, linkId)));
    expect(entry.data).toMatchObject({ title: '评价主体培训视频', kind: 'link' });
  });
});

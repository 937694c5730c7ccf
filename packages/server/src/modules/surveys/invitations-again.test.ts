import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rowsOf } from '../../db/client';
import { surveyInvitations } from '../../db/schema';
import { sha256 } from '../../lib/hash';
import { buildTestApp, type Client, type TestApp } from '../../../test/helper';
import { factory, type Factory } from '../../../test/factories';

/**
 * Invitation files downloaded again (issue 13). Links and codes are stored as hashes only, so the same
 * file cannot be produced twice: a confirmed regeneration gives every issued invitation not answered yet
 * a new link and code, voids the old ones, keeps answered invitations and saved drafts, and is audited.
 */
let t: TestApp;
let f: Factory;
let office: Client;
let id: string;

const definition = {
  sections: [
    {
      id: 's1',
      title: '服务',
      questions: [{ id: 'q', type: 'likert5', text: '总体满意度', required: true }],
    },
  ],
};

type Issued = { invitationId: string; token: string; shortCode: string; stratum: string; contact: string };

beforeAll(async () => {
  t = await buildTestApp({ city: 'empty' });
  f = factory(t);
  office = await (await f.user([{ role: 'office' }])).login();
  const created = await office.post('/api/surveys', {
    code: 'again-2026',
    title: '再次下载邀请测试',
    strataFields: ['area'],
    definition,
  });
  expect(created.statusCode, created.body).toBe(201);
  id = created.json().survey.id;
  const rows = Array.from({ length: 40 }, (_, i) => ({
    id: `u${i}`,
    area: i % 2 ? 'urban' : 'rural',
    contact: `1390000${String(i).padStart(4, '0')}`,
  }));
  expect((await office.post(`/api/surveys/${id}/frame`, { rows })).statusCode).toBe(200);
  const sample = await office.post(`/api/surveys/${id}/sample`, { size: 12, allocation: 'equal', seed: 's' });
  expect(sample.statusCode, sample.body).toBe(200);
  expect((await office.post(`/api/surveys/${id}/start`)).statusCode).toBe(200);
});
afterAll(() => t?.close());

describe('invitation file again', () => {
  it('needs an explicit confirmation, regenerates only unanswered invitations and voids their old links', async () => {
    const first: Issued[] = (await office.post(`/api/surveys/${id}/invitations/issue`, {})).json().items;
    expect(first).toHaveLength(12);
    // One answered, one with a saved draft.
    const [answered, drafted] = first;
    expect((await t.anon.post(`/api/public/s/${answered.token}`, { answers: { q: 4 } })).statusCode).toBe(
      201,
    );
    expect((await t.anon.put(`/api/public/s/${drafted.token}/draft`, { answers: { q: 2 } })).statusCode).toBe(
      200,
    );

    const unconfirmed = await office.post(`/api/surveys/${id}/invitations/regenerate`, { confirm: false });
    expect(unconfirmed.statusCode).toBe(400);
    expect(unconfirmed.json().details).toEqual([{ path: 'confirm', message: 'must be true' }]);
    // A unit's manager may not reissue the office's invitations.
    const unit = await f.org();
    const manager = await (await f.user([{ role: 'unit_manager', orgUnitId: unit.id }])).login();
    expect(
      (await manager.post(`/api/surveys/${id}/invitations/regenerate`, { confirm: true })).statusCode,
    ).toBe(403);

    const res = await office.post(`/api/surveys/${id}/invitations/regenerate`, { confirm: true });
    expect(res.statusCode, res.body).toBe(200);
    const again: Issued[] = res.json().items;
    expect(again).toHaveLength(11);
    expect(again.map((x) => x.invitationId)).not.toContain(answered.invitationId);
    // Contacts are stored encrypted; the invitation file carries them in clear (its purpose needs them).
    expect(first.every((x) => /^1390000\d{4}$/.test(x.contact))).toBe(true);
    const before = new Map(first.map((x) => [x.invitationId, x]));
    for (const x of again) {
      const old = before.get(x.invitationId)!;
      expect(x.token).not.toBe(old.token);
      expect(x.shortCode).not.toBe(old.shortCode);
      expect(x.contact).toBe(old.contact);
      expect(x.stratum).toBe(old.stratum);
    }
    // Old links answer 404, new ones open; the draft comes back on the new link.
    const newOfDraft = again.find((x) => x.invitationId === drafted.invitationId)!;
    expect((await t.anon.get(`/api/public/s/${drafted.token}`)).statusCode).toBe(404);
    const opened = await t.anon.get(`/api/public/s/${newOfDraft.token}`);
    expect(opened.statusCode, opened.body).toBe(200);
    expect(opened.json().answers).toEqual({ q: 2 });
    // The answered invitation keeps its hash; only hashes are stored for the new ones.
    const [kept] = await t.db
      .select()
      .from(surveyInvitations)
      .where(eq(surveyInvitations.id, answered.invitationId));
    expect(kept.tokenHash).toBe(sha256(`token:${answered.token}`));
    const dump = JSON.stringify(await t.db.select().from(surveyInvitations));
    expect(dump).not.toContain(again[0].token);

    // One stratum only.
    const urban = await office.post(`/api/surveys/${id}/invitations/regenerate`, {
      confirm: true,
      stratum: 'urban',
    });
    expect(urban.json().items.every((x: Issued) => x.stratum === 'urban')).toBe(true);
    expect(urban.json().items.length).toBeGreaterThan(0);
    expect(urban.json().items.length).toBeLessThan(11);

    const entries = await rowsOf<{ data: Record<string, unknown> }>(
      t.db,
      sql`select data from audit_log where action = 'survey.invitations.reissue' and entity_type = 'survey' and entity_id = ${id} order by seq`,
    );
    expect(entries.map((e) => e.data)).toEqual([
      { reissued: 11, stratum: null, unansweredOnly: true },
      { reissued: urban.json().items.length, stratum: 'urban', unansweredOnly: true },
    ]);
    const verify = (await office.get('/api/audit/verify')).json();
    expect(verify.problems).toEqual([]);
  });
});

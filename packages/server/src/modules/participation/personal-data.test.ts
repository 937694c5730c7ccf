import { createHash } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rowsOf } from '../../db/client';
import { factory, type FactoryUser } from '../../../test/factories';
import { buildTestApp, type Client, type TestApp } from '../../../test/helper';
import { registerClient } from '../../../test/participation';
import { loadActor } from '../auth/service';
import { PERSONAL_DATA_PAGE_ROWS, writePersonalData } from './personal-data';

// PIPL (issue 14): a participant downloads their data and deletes their account.
let t: TestApp;
/** The participant: registered with an e-mail and a department's invitation, one public rating given. */
let me: Client;
let userId: string;
let username: string;
const EMAIL = 'li.ming@example.org';
const PASSWORD = 'secret-pass-1';
/** Another participant, an official (evaluator) and the office. */
let citizen2: FactoryUser;
let official: FactoryUser;
let office: FactoryUser;

beforeAll(async () => {
  t = await buildTestApp({ city: 'empty' });
  const f = factory(t, 'pd');
  office = await f.user([{ role: 'office' }]);
  const district = await f.org({ kind: 'district' });
  const unit = await f.org();
  const manager = await f.user([{ role: 'unit_manager', orgUnitId: unit.id }]);
  official = await f.user([{ role: 'evaluator' }]);
  citizen2 = await f.user([{ role: 'public' }]);
  // A cycle in evaluation with the unit's approved plan, so the participant can rate it.
  const cycle = await f.cycle({ stage: 'planning' });
  const plan = await f.plan({ cycleId: cycle.id, orgUnitId: unit.id });
  await f.stage(cycle.id, 'evaluation');
  const inv = (
    await (await manager.login()).post('/api/participation/invitations', { orgUnitId: unit.id })
  ).json().items[0];
  me = (
    await registerClient(t, {
      email: EMAIL,
      password: PASSWORD,
      invitationToken: inv.token,
      category: 'urban_resident',
      district: district.code,
    })
  ).client;
  ({ id: userId, username } = (await me.get('/api/auth/me')).json().user);
  const rated = await me.post(`/api/participation/plans/${plan.id}/public-ratings`, { scores: { A: 80 } });
  expect(rated.statusCode, rated.body).toBe(201);
});
afterAll(() => t.close());

const count = async (q: ReturnType<typeof sql>) => Number((await rowsOf<{ n: number }>(t.db, q))[0].n);

describe('personal data', () => {
  it('makes everything held about the account a JSON file by a job, contacts decrypted, audited', async () => {
    // A job: 202 with its id; the file is the job's, for this account only.
    const queued = await me.post('/api/participation/my-data');
    expect(queued.statusCode, queued.body).toBe(202);
    const { jobId } = queued.json();
    const job = await t.app.jobs.wait(jobId);
    expect(job).toMatchObject({
      kind: 'participation.personal-data',
      state: 'completed',
      progress: 100,
      createdBy: userId,
      result: { file: { filename: 'perfcommons-my-data.json', type: 'application/json; charset=utf-8' } },
    });
    expect((await me.get(`/api/jobs/${jobId}`)).json()).toMatchObject({ state: 'completed', progress: 100 });
    const res = await me.get(`/api/jobs/${jobId}/file`);
    expect(res.statusCode, res.body).toBe(200);
    // The file as the in-memory build made it: JSON.stringify(data, null, 2), its size and digest.
    expect(res.body).toBe(JSON.stringify(JSON.parse(res.body), null, 2));
    expect(job.result).toMatchObject({ file: { bytes: res.rawPayload.length, encrypted: true } });
    // Stored encrypted at rest: no chunk holds the plaintext, each is a ciphertext of the PII key.
    const chunks = await rowsOf<{ seq: number; data: Uint8Array }>(
      t.db,
      sql`select seq, data from job_outputs where job_id = ${jobId} order by seq`,
    );
    expect(chunks.length).toBeGreaterThan(0);
    const storedBytes = Buffer.concat(chunks.map((c) => Buffer.from(c.data)));
    expect(storedBytes.equals(res.rawPayload)).toBe(false);
    for (const c of chunks) expect(Buffer.from(c.data).subarray(0, 7).toString()).toBe('enc:v1:');
    for (const clear of [EMAIL, username, 'perfcommons-personal-data', '"account"'])
      expect(storedBytes.includes(Buffer.from(clear)), clear).toBe(false);
    expect(res.headers['content-type']).toContain('application/json');
    expect(res.headers['content-disposition']).toContain('perfcommons-my-data.json');
    expect(res.headers['x-content-sha256']).toBe(createHash('sha256').update(res.rawPayload).digest('hex'));
    const data = res.json();
    expect(data.format).toBe('perfcommons-personal-data');
    expect(data.account).toMatchObject({ id: userId, username });
    const [stored] = await rowsOf<{ email: string | null }>(
      t.db,
      sql`select email from users where id = ${userId}`,
    );
    // The contact is stored encrypted and given back in clear.
    expect(stored.email!.startsWith('enc:')).toBe(true);
    expect(data.account.email).toBe(EMAIL);
    const ratings = await count(sql`select count(*)::int as n from public_ratings where user_id = ${userId}`);
    expect(ratings).toBe(1);
    expect(data.publicRatings.length).toBe(ratings);
    for (const k of ['consents', 'relationships', 'comments', 'needs', 'ratings', 'needSupports'])
      expect(Array.isArray(data[k]), k).toBe(true);
    expect(JSON.stringify(data)).not.toMatch(/password|totp_secret|emailHash/i);
    expect(
      await count(
        sql`select count(*)::int as n from audit_log where action = 'user.data_download' and entity_id = ${userId}`,
      ),
    ).toBe(1);
    // Only the account itself sees it: the office neither reads the job (its input holds the address the
    // download was asked from) nor downloads the file.
    const officeClient = await office.login();
    expect((await officeClient.get(`/api/jobs/${jobId}`)).statusCode).toBe(404);
    expect((await officeClient.get(`/api/jobs/${jobId}/file`)).statusCode).toBe(404);
    const other = await citizen2.login();
    expect((await other.get(`/api/jobs/${jobId}/file`)).statusCode).toBe(404);
    expect((await other.get(`/api/jobs/${jobId}`)).statusCode).toBe(404);
    expect((await t.anon.get(`/api/jobs/${jobId}/file`)).statusCode).toBe(401);
    // Without a session nothing is queued.
    expect((await t.anon.post('/api/participation/my-data')).statusCode).toBe(401);
    // `?wait=true` answers the file itself.
    const waited = await me.post('/api/participation/my-data?wait=true');
    expect(waited.statusCode, waited.body).toBe(200);
    expect(waited.json().account.id).toBe(userId);
    // Kept a day like the survey export's file: then 410.
    await t.db.execute(sql`update jobs set finished_at = now() - interval '25 hours' where id = ${jobId}`);
    expect((await me.get(`/api/jobs/${jobId}/file`)).statusCode).toBe(410);
  });

  it('writes the file a page at a time: the same text whatever the page size', async () => {
    const actor = await loadActor(t.db, userId);
    const now = new Date('2026-05-01T00:00:00Z');
    const text = async (pageRows: number) => {
      let out = '';
      await writePersonalData(t.db, actor, null, async (piece) => void (out += piece), { pageRows, now });
      return out;
    };
    const whole = await text(PERSONAL_DATA_PAGE_ROWS);
    // A page of one row: every list read in as many pages as it has rows (and one empty page).
    expect(await text(1)).toBe(whole);
    const data = JSON.parse(whole);
    expect(whole).toBe(JSON.stringify(data, null, 2));
    expect(data).toMatchObject({ exportedAt: now.toISOString(), account: { id: userId, email: EMAIL } });
    expect(data.publicRatings).toHaveLength(1);
    expect(data.relationships).toHaveLength(1);
    expect(data.roles).toEqual([{ role: 'public', orgUnitId: null }]);
  });

  it('deletes a participant account: contacts and profile erased, login gone, ratings kept, chain valid', async () => {
    const before = await count(sql`select count(*)::int as n from public_ratings where user_id = ${userId}`);
    const wrong = await me.post('/api/participation/delete-account', { currentPassword: 'not-it' });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json().details).toEqual([{ path: 'currentPassword', message: 'does not match' }]);
    const relationships = await count(
      sql`select count(*)::int as n from participant_relationships where user_id = ${userId}`,
    );
    const profiles = await count(
      sql`select count(*)::int as n from participant_profiles where user_id = ${userId}`,
    );
    expect([before, relationships, profiles]).toEqual([1, 1, 1]);
    const officialRes = await (
      await official.login()
    ).post('/api/participation/delete-account', {
      currentPassword: 'demo1234',
    });
    expect(officialRes.statusCode).toBe(403);
    const files = sql`select count(*)::int as n from job_outputs o join jobs j on j.id = o.job_id
      where j.created_by = ${userId} and j.kind = 'participation.personal-data'`;
    expect(await count(files)).toBeGreaterThan(0);
    const res = await me.post('/api/participation/delete-account', { currentPassword: PASSWORD });
    expect(res.statusCode, res.body).toBe(200);
    const [u] = await rowsOf<Record<string, unknown>>(
      t.db,
      sql`select username, display_name, email, phone, email_lookup, phone_lookup, disabled, deleted_at from users where id = ${userId}`,
    );
    expect(u).toMatchObject({
      email: null,
      phone: null,
      email_lookup: null,
      phone_lookup: null,
      disabled: true,
    });
    expect(u.username).toMatch(/^deleted-/);
    expect(u.deleted_at).not.toBeNull();
    expect(
      await count(sql`select count(*)::int as n from participant_profiles where user_id = ${userId}`),
    ).toBe(0);
    expect(
      await count(sql`select count(*)::int as n from participant_relationships where user_id = ${userId}`),
    ).toBe(0);
    expect(await count(sql`select count(*)::int as n from public_ratings where user_id = ${userId}`)).toBe(
      before,
    );
    // The account's data files are erased with it, not kept out their 24 hours.
    expect(await count(files)).toBe(0);
    // The session ended and the login is gone.
    expect((await me.post('/api/participation/my-data')).statusCode).toBe(401);
    for (const name of [username, EMAIL]) {
      const login = await t.anon.post('/api/auth/login', { username: name, password: PASSWORD });
      expect(login.statusCode, name).toBe(401);
    }
    const verify = (await (await office.login()).get('/api/audit/verify')).json();
    expect(verify.ok, JSON.stringify(verify)).toBe(true);
  });
});

import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { factory, type FactoryUser } from '../../../test/factories';
import { buildTestApp, type TestApp } from '../../../test/helper';
import { registerClient } from '../../../test/participation';
import { participantProfiles } from '../../db/schema';
import { sha256 } from '../../lib/hash';
import { contactHash } from './relevance';

let t: TestApp;
/** Two districts, three departments (each serving every district) with their managers, an office, citizens. */
const unit = {} as Record<'dc' | 'xc' | 'hea' | 'amr' | 'edu', { id: string; code: string }>;
const u = {} as Record<
  'office' | 'heaManager' | 'amrManager' | 'eduManager' | 'citizen' | 'citizen2',
  FactoryUser
>;
beforeAll(async () => {
  t = await buildTestApp({ city: 'empty' });
  const f = factory(t, 'ppt');
  unit.dc = await f.org({ kind: 'district' });
  unit.xc = await f.org({ kind: 'district' });
  for (const k of ['hea', 'amr', 'edu'] as const) unit[k] = await f.org();
  u.office = await f.user([{ role: 'office' }]);
  u.heaManager = await f.user([{ role: 'unit_manager', orgUnitId: unit.hea.id }]);
  u.amrManager = await f.user([{ role: 'unit_manager', orgUnitId: unit.amr.id }]);
  u.eduManager = await f.user([{ role: 'unit_manager', orgUnitId: unit.edu.id }]);
  u.citizen = await f.user([{ role: 'public' }]);
  u.citizen2 = await f.user([{ role: 'public' }]);
});
afterAll(async () => t.close());

describe('participants', () => {
  it('registers with e-mail and password as a public participant, and logs in with the e-mail', async () => {
    const { client, res } = await registerClient(t, {
      email: 'Wang.Li@Example.org',
      category: 'enterprise',
      district: unit.dc.code,
    });
    expect(res.json().user.roles).toEqual([{ role: 'public', orgUnitId: null }]);
    const profile = (await client.get('/api/participation/profile')).json();
    expect(profile.profile).toMatchObject({ category: 'enterprise', district: unit.dc.code, complete: true });
    // PIPL: the account's contact is shown masked; the clear e-mail is not in the answer.
    const me = await client.get('/api/auth/me');
    expect(me.json().user.contact).toBe('w***@example.org');
    expect(me.body.toLowerCase()).not.toContain('wang.li');
    const login = await t.anon.post('/api/auth/login', {
      username: 'wang.li@example.org',
      password: 'secret-pass-1',
    });
    expect(login.statusCode).toBe(200);
    // A known e-mail gets exactly the answer a new one gets (no account enumeration) and creates nothing.
    const body = { password: 'Another-pass-42', displayName: 'x', privacyNotice: '2026-01' };
    const again = await t.anon.post('/api/participation/register', { ...body, email: 'WANG.li@example.org' });
    const fresh = await t.anon.post('/api/participation/register', { ...body, email: 'new.one@example.org' });
    expect([again.statusCode, fresh.statusCode]).toEqual([201, 201]);
    expect(Object.keys(again.json())).toEqual(Object.keys(fresh.json()));
    expect(again.json()).toEqual({ registered: true, login: 'wang.li@example.org' });
    expect(again.cookies).toEqual([]);
    expect(
      (await t.anon.post('/api/auth/login', { username: 'wang.li@example.org', password: 'Another-pass-42' }))
        .statusCode,
    ).toBe(401);
  });

  it('registers with a phone number and names each bad field', async () => {
    const { client, res } = await registerClient(t, { phone: '139 1234 5678' });
    expect((await client.get('/api/auth/me')).json().user.contact).toBe('139****5678');
    // The login name is a random handle, never the phone number itself.
    expect(res.json().user.username).toMatch(/^p-[0-9a-f]{12}$/);
    // The profile keeps a keyed digest of the phone for matching ties, not a plain hash of it.
    const [stored] = await t.db
      .select({ phoneHash: participantProfiles.phoneHash })
      .from(participantProfiles)
      .where(eq(participantProfiles.userId, res.json().user.id));
    expect(stored.phoneHash).toBe(contactHash('phone', '+86 139-1234-5678'));
    expect(stored.phoneHash).not.toBe(sha256('phone:13912345678'));
    expect(
      (await t.anon.post('/api/auth/login', { username: '13912345678', password: 'secret-pass-1' }))
        .statusCode,
    ).toBe(200);
    const none = await t.anon.post('/api/participation/register', {
      password: 'secret-pass-1',
      displayName: 'x',
      privacyNotice: '2026-01',
    });
    expect(none.statusCode).toBe(400);
    expect(none.json().details[0].path).toBe('email');
    const weak = await t.anon.post('/api/participation/register', {
      email: 'a@b.cn',
      password: 'short',
      displayName: 'x',
      privacyNotice: '2026-01',
    });
    expect(weak.statusCode).toBe(400);
    expect(weak.json().error).toBe('weak_password');
    expect(new Set(weak.json().details.map((d: { path: string }) => d.path))).toEqual(new Set(['password']));
  });

  it("enters through a unit's invitation with a verified tie, once", async () => {
    const manager = await u.heaManager.login();
    const inv = await manager.post('/api/participation/invitations', {
      orgUnitId: unit.hea.id,
      count: 2,
    });
    expect(inv.statusCode).toBe(201);
    const [{ token }] = inv.json().items;
    const { client, res } = await registerClient(t, { invitationToken: token, district: unit.xc.code });
    expect(res.json().user.username).toMatch(/^p-/);
    const { relationships } = (await client.get('/api/participation/profile')).json();
    expect(relationships).toEqual([
      expect.objectContaining({ orgUnitId: unit.hea.id, kind: 'service_recipient', verified: true }),
    ]);
    // 0.2 resident + 0.15 served district + 0.25 tie + 0.2 verified
    expect(relationships[0].relevance.score).toBeCloseTo(0.8, 6);
    const reuse = await t.anon.post('/api/participation/register', {
      privacyNotice: '2026-01',
      invitationToken: token,
      password: 'secret-pass-1',
      displayName: 'x',
    });
    expect(reuse.statusCode).toBe(400);
    expect(reuse.json().details[0].path).toBe('invitationToken');
    expect(
      (await (await u.eduManager.login()).post('/api/participation/invitations', { orgUnitId: unit.hea.id }))
        .statusCode,
    ).toBe(403);
    expect((await (await u.citizen.login()).post('/api/participation/invitations', {})).statusCode).toBe(403);
  });

  it("verifies a declared tie when the unit imports a service record with the participant's contact hash", async () => {
    const { client } = await registerClient(t, {
      email: 'zhao@example.org',
      category: 'individual_business',
    });
    const decl = await client.post('/api/participation/relationships', {
      orgUnitId: unit.amr.id,
      kind: 'supervised',
    });
    expect(decl.statusCode).toBe(201);
    expect(
      (
        await client.post('/api/participation/relationships', {
          orgUnitId: unit.amr.id,
          kind: 'supervised',
        })
      ).statusCode,
    ).toBe(409);
    let rel = (await client.get('/api/participation/profile')).json().relationships[0];
    expect(rel.verified).toBe(false);
    expect(rel.relevance.score).toBeCloseTo(0.3 + 0.25, 6);

    const manager = await u.amrManager.login();
    const bad = await manager.post(`/api/participation/units/${unit.amr.id}/service-records`, {
      csv: 'contact,kind,servedOn\nzhao@example.org,supervised,2025-03-01\n12,supervised,2025-13-40\n',
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().details.map((d: { path: string }) => d.path)).toEqual([
      'rows.1.contact',
      'rows.1.servedOn',
    ]);
    const other = await u.eduManager.login();
    expect(
      (
        await other.post(`/api/participation/units/${unit.amr.id}/service-records`, {
          csv: 'contact\nzhao@example.org\n',
        })
      ).statusCode,
    ).toBe(403);
    const ok = await manager.post(`/api/participation/units/${unit.amr.id}/service-records`, {
      csv: 'contact,kind,servedOn\n ZHAO@example.org ,supervised,2025-03-01\n13800000000,service_recipient,\n',
    });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toMatchObject({ rows: 2, imported: 2 });
    expect(ok.json().verifiedParticipants).toBeGreaterThanOrEqual(1);
    rel = (await client.get('/api/participation/profile')).json().relationships[0];
    expect(rel.verified).toBe(true);
    expect(rel.relevance.score).toBeCloseTo(0.75, 6);
    expect(rel.relevance.parts.map((p: { reason: string }) => p.reason)).toContain(
      'relationship supervised verified',
    );
  });

  it('keeps officials out of participant endpoints and anonymous users out of the profile', async () => {
    expect((await t.anon.get('/api/participation/profile')).statusCode).toBe(401);
    expect((await (await u.office.login()).get('/api/participation/profile')).statusCode).toBe(403);
    const profile = await (
      await u.citizen2.login()
    ).put('/api/participation/profile', { category: 'rural_resident', district: 'nowhere' });
    expect(profile.statusCode).toBe(400);
    expect(profile.json().details[0].path).toBe('district');
  });
});

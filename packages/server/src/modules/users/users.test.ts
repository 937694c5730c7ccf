import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { factory, type Factory } from '../../../test/factories';
import { buildTestApp, type TestApp } from '../../../test/helper';

let t: TestApp;
let f: Factory;

beforeAll(async () => {
  t = await buildTestApp({ city: 'empty' });
  f = factory(t, 'usr');
});
afterAll(async () => t.close());

interface UserItem {
  id: string;
  username: string;
  displayName: string;
  roles: { role: string; orgUnitId: string | null }[];
}

describe('users (office pickers)', () => {
  it('lists evaluators with their roles and no secrets', async () => {
    const unit = await f.org();
    const raters = [
      await f.user([{ role: 'evaluator', orgUnitId: unit.id }]),
      await f.user([{ role: 'evaluator' }]),
    ];
    const manager = await f.user([{ role: 'unit_manager', orgUnitId: unit.id }]);
    const office = await (await f.user([{ role: 'office' }])).login();
    const res = await office.get('/api/users?role=evaluator');
    expect(res.statusCode).toBe(200);
    const items: UserItem[] = res.json().items;
    const names = items.map((u) => u.username);
    expect(names).toEqual(expect.arrayContaining(raters.map((r) => r.username)));
    expect(names).not.toContain(manager.username);
    expect(items.find((u) => u.username === raters[0].username)?.roles).toEqual([
      expect.objectContaining({ role: 'evaluator', orgUnitId: unit.id }),
    ]);
    expect(items.every((u) => u.roles.some((r) => r.role === 'evaluator'))).toBe(true);
    expect(JSON.stringify(items)).not.toMatch(/passwordHash|password_hash|\$argon|\$scrypt/);
  });

  it('filters by name and refuses other roles and anonymous callers', async () => {
    const rater = await f.user([{ role: 'evaluator' }]);
    const office = await (await f.user([{ role: 'office' }])).login();
    const found: UserItem[] = (await office.get(`/api/users?q=${rater.username}`)).json().items;
    expect(found.map((u) => u.username)).toEqual([rater.username]);
    expect((await office.get('/api/users?role=wizard')).statusCode).toBe(400);
    expect((await (await rater.login()).get('/api/users')).statusCode).toBe(403);
    expect((await t.anon.get('/api/users')).statusCode).toBe(401);
  });
});

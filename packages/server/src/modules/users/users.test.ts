import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../../test/helper';

let t: TestApp;

beforeAll(async () => {
  t = await buildTestApp();
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
    const office = await t.as('office');
    const res = await office.get('/api/users?role=evaluator');
    expect(res.statusCode).toBe(200);
    const items: UserItem[] = res.json().items;
    const names = items.map((u) => u.username);
    expect(names).toEqual(expect.arrayContaining(['leader01', 'deputy01', 'expert01']));
    expect(names).not.toContain('citizen01');
    expect(items.every((u) => u.roles.some((r) => r.role === 'evaluator'))).toBe(true);
    expect(JSON.stringify(items)).not.toMatch(/passwordHash|password_hash|\$argon|\$scrypt/);
  });

  it('filters by name and refuses other roles and anonymous callers', async () => {
    const office = await t.as('office');
    const found: UserItem[] = (await office.get('/api/users?q=leader0')).json().items;
    expect(found.length).toBeGreaterThan(0);
    expect(found.every((u) => u.username.includes('leader0'))).toBe(true);
    expect((await office.get('/api/users?role=wizard')).statusCode).toBe(400);
    expect((await (await t.as('leader01')).get('/api/users')).statusCode).toBe(403);
    expect((await t.anon.get('/api/users')).statusCode).toBe(401);
  });
});

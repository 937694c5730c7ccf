import type { LightMyRequestResponse } from 'fastify';
import type { Client, TestApp } from './helper';

/** Test helper: registers a participant, logs in and returns the client (cookies + CSRF header) and the login answer. */
export async function registerClient(
  t: TestApp,
  body: Record<string, unknown>,
): Promise<{ client: Client; res: LightMyRequestResponse }> {
  const reg = await t.app.inject({
    method: 'POST',
    url: '/api/participation/register',
    payload: { password: 'secret-pass-1', displayName: '测试居民', privacyNotice: '2026-01', ...body },
  });
  if (reg.statusCode !== 201) throw new Error(`register: ${reg.statusCode} ${reg.body}`);
  // Registration never logs in (it must answer the same for a known contact): log in with its `login`.
  const res = await t.app.inject({
    method: 'POST',
    url: '/api/auth/login',
    payload: { username: reg.json().login, password: body.password ?? 'secret-pass-1' },
  });
  if (res.statusCode !== 200) throw new Error(`login after register: ${res.statusCode} ${res.body}`);
  const cookies = Object.fromEntries(res.cookies.map((c) => [c.name, c.value]));
  const headers = {
    cookie: `pc_session=${cookies.pc_session}; pc_csrf=${cookies.pc_csrf}`,
    'x-csrf-token': cookies.pc_csrf,
  };
  const client: Client = {
    headers,
    get: (url) => t.app.inject({ method: 'GET', url, headers }),
    post: (url, b) =>
      t.app.inject({ method: 'POST', url, headers, ...(b === undefined ? {} : { payload: b as object }) }),
    put: (url, b) => t.app.inject({ method: 'PUT', url, headers, payload: b as object }),
    raw: (o) =>
      t.app.inject({
        method: o.method,
        url: o.url,
        payload: o.payload as string,
        headers: { ...headers, ...o.headers },
      }),
  };
  return { client, res };
}

/** Ids the tests look up by code. */
export async function lookup(t: TestApp) {
  const office = await t.as('office');
  const cycles = (await office.get('/api/cycles')).json().items as { id: string; code: string }[];
  const orgs = (await office.get('/api/orgs')).json().items as { id: string; code: string }[];
  const cycle = (code: string) => cycles.find((c) => c.code === code)!.id;
  const unit = (code: string) => orgs.find((o) => o.code === code)!.id;
  const unitPlan = async (cycleCode: string, unitCode: string) => {
    const items = (
      await office.get(
        `/api/plans?cycleId=${cycle(cycleCode)}&orgUnitId=${unit(unitCode)}&appraiseeType=unit`,
      )
    ).json().items;
    return items[0].id as string;
  };
  return { office, cycle, unit, unitPlan };
}

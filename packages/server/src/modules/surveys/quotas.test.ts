import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withDatabase } from '../../../test/global-setup';
import { BACKEND, buildTestApp, type Client, type TestApp } from '../../../test/helper';
import { answerFor, surveyCity, surveyDefinition } from '../../../test/surveys';
import { openDatabase } from '../../db/client';
import { AppError } from '../../lib/errors';
import { submitByToken, submitOpen } from './intake';

/** Stratum quotas under concurrent answers, on an empty install (the office's own survey and frame). */
let t: TestApp;
let office: Client;
let definition: () => ReturnType<typeof surveyDefinition>;

beforeAll(async () => {
  t = await buildTestApp({ city: 'empty' });
  const city = await surveyCity(t, 'squo');
  office = city.office;
  definition = () => surveyDefinition(city.eduPlanId, city.culPlanId);
});
afterAll(async () => t?.close());

describe('quotas under concurrency', () => {
  it('stores exactly the quota of a stratum when many answers of it race, and names the stratum', async () => {
    const created = await office.post('/api/surveys', {
      code: 'quota-race',
      title: '配额并发',
      strataFields: ['district', 'area'],
      definition: definition(),
    });
    const id = created.json().survey.id;
    const rows = [
      ...Array.from({ length: 60 }, (_, i) => ({ id: `Q${i}`, district: 'A', area: 'urban' })),
      ...Array.from({ length: 20 }, (_, i) => ({ id: `R${i}`, district: 'B', area: 'rural' })),
    ];
    expect((await office.post(`/api/surveys/${id}/frame`, { rows })).statusCode).toBe(200);
    await office.post(`/api/surveys/${id}/sample`, { size: 80, allocation: 'proportional', seed: 'q' });
    const issued: { invitationId: string; token: string; stratum: string }[] = (
      await office.post(`/api/surveys/${id}/invitations/issue`, {})
    ).json().items;
    const quota = 7;
    await office.raw({
      method: 'PATCH' as never,
      url: `/api/surveys/${id}`,
      payload: { quotas: { 'A|urban': quota }, openMode: true },
    });
    expect((await office.post(`/api/surveys/${id}/start`)).statusCode).toBe(200);

    const inStratum = issued.filter((i) => i.stratum === 'A|urban');
    expect(inStratum).toHaveLength(60);
    // 70 racing submissions: every invitation of the stratum, the first 10 of them twice.
    const tokens = [...inStratum, ...inStratum.slice(0, 10)].map((i) => i.token);
    // On PostgreSQL half of them go through a second connection pool, as from another server
    // process: its answers are batched apart and only the database can keep the quota.
    const other =
      BACKEND === 'postgres'
        ? await openDatabase({
            databaseUrl: withDatabase(
              process.env.DATABASE_URL!,
              (await t.db.execute(sql`select current_database() as name`)).rows[0].name as string,
            ),
          })
        : null;
    type Outcome = { status: number; error?: string; message?: string; details?: unknown };
    const viaOther = (tok: string, k: number): Promise<Outcome> =>
      submitByToken(other!.db, tok, answerFor(k)).then(
        () => ({ status: 201 }),
        (e: AppError) => ({ status: e.statusCode, error: e.error, message: e.message, details: e.details }),
      );
    const viaHttp = async (tok: string, k: number): Promise<Outcome> => {
      const r = await t.anon.post(`/api/public/s/${tok}`, { answers: answerFor(k) });
      return r.statusCode === 201 ? { status: 201 } : { status: r.statusCode, ...r.json() };
    };
    let outcomes: Outcome[];
    try {
      outcomes = await Promise.all(
        tokens.map((tok, k) => (other && k % 2 ? viaOther(tok, k) : viaHttp(tok, k))),
      );
    } finally {
      await other?.close();
    }
    expect(outcomes.filter((o) => o.status === 201)).toHaveLength(quota);
    const refused = outcomes.filter((o) => o.status !== 201);
    expect(refused.every((o) => o.status === 409)).toBe(true);
    expect(new Set(refused.map((o) => o.error))).toEqual(new Set(['quota_full', 'already_answered']));
    const full = refused.find((o) => o.error === 'quota_full')!;
    expect(full.message).toBe('The quota of stratum A|urban (7) is reached');
    expect(full.details).toEqual([{ path: 'stratum', message: 'quota of A|urban full (7)' }]);
    const stored = async (stratum: string) =>
      (
        await t.db.execute(
          sql`select count(*)::int as n from survey_responses where survey_id = ${id} and stratum = ${stratum}`,
        )
      ).rows[0].n;
    expect(await stored('A|urban')).toBe(quota);

    // Other strata go on; an open-mode answer of the full stratum is refused the same way.
    const rural = issued.find((i) => i.stratum === 'B|rural')!;
    expect((await t.anon.post(`/api/public/s/${rural.token}`, { answers: answerFor(1) })).statusCode).toBe(
      201,
    );
    await expect(
      submitOpen(t.db, id, { answers: answerFor(2), profile: { district: 'A', area: 'urban' } }),
    ).rejects.toMatchObject({ statusCode: 409, error: 'quota_full' });
    expect(await stored('A|urban')).toBe(quota);
    // Raising the quota opens exactly the new places.
    await office.raw({
      method: 'PATCH' as never,
      url: `/api/surveys/${id}`,
      payload: { quotas: { 'A|urban': quota + 1 } },
    });
    const more = await Promise.all(
      [10, 11, 12, 13].map((k) =>
        submitOpen(t.db, id, { answers: answerFor(k), profile: { district: 'A', area: 'urban' } }).then(
          () => 201,
          (e: AppError) => e.statusCode,
        ),
      ),
    );
    expect(more.sort()).toEqual([201, 409, 409, 409]);
    expect(await stored('A|urban')).toBe(quota + 1);

    // A re-issued link voids the old one on the direct path of answers too (the version is known).
    const [old, other2] = issued.filter((i) => i.stratum === 'B|rural').slice(1, 3);
    const [fresh] = (
      await office.post(`/api/surveys/${id}/invitations/issue`, { reissue: [old.invitationId] })
    ).json().items;
    expect((await t.anon.post(`/api/public/s/${old.token}`, { answers: answerFor(3) })).statusCode).toBe(404);
    expect((await t.anon.post(`/api/public/s/${fresh.token}`, { answers: answerFor(3) })).statusCode).toBe(
      201,
    );
    // Answers invalid for the survey's version are refused field by field, not stored.
    const bad = await t.anon.post(`/api/public/s/${other2.token}`, { answers: { ...answerFor(4), nps: 11 } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().details).toEqual([{ path: 'answers.nps', message: expect.any(String) }]);
    expect(await stored('B|rural')).toBe(2);
  });
});

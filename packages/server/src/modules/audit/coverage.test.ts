import { readFileSync } from 'node:fs';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rowsOf, type Db } from '../../db/client';
import { auditedCity, type AuditedCity } from '../../../test/audited-city';
import { buildTestApp, type TestApp } from '../../../test/helper';
import { AUDIT_COVERAGE, coverageTable } from './coverage';
import { appendAudit, merkleRoot, sealAudit, verifyAudit } from './service';

/**
 * Every audited table tampered with by SQL behind the platform, on an empty install where
 * test/audited-city.ts writes at least one row of each through its use case, then seals the log.
 */
let t: TestApp;
let city: AuditedCity;

beforeAll(async () => {
  t = await buildTestApp({ city: 'empty' });
  city = await auditedCity(t);
});
afterAll(() => t?.close());

/** Runs `edit` (SQL behind the platform's back) in a transaction, verifies inside it, rolls back. */
async function tampered(edit: string) {
  const rollback = new Error('rollback');
  let outcome: { key: string; report: Awaited<ReturnType<typeof verifyAudit>> } | undefined;
  await t.db
    .transaction(async (tx) => {
      const [row] = await rowsOf<{ key: string }>(tx, sql.raw(edit));
      expect(row, `the edit changed no row: ${edit}`).toBeDefined();
      outcome = { key: row.key, report: await verifyAudit(tx as unknown as Db) };
      throw rollback;
    })
    .catch((err) => {
      if (err !== rollback) throw err;
    });
  return outcome!;
}

/** One SQL edit per covered table; `key` is the entity id verify-audit must name. */
const EDITS: { type: string; table: string; edit: () => string }[] = [
  {
    type: 'survey',
    table: 'surveys',
    edit: () =>
      `update surveys set quotas = '{"x": 1}' where id = (select id from surveys order by code limit 1) returning id as key`,
  },
  {
    type: 'survey_versions',
    table: 'survey_versions',
    edit: () => `update survey_versions set definition = jsonb_set(definition, '{sections,0,title}', '"forged"')
           where id = (select id from survey_versions order by id limit 1) returning survey_id as key`,
  },
  {
    type: 'survey_frame',
    table: 'survey_frame_units',
    edit: () =>
      `update survey_frame_units set stratum = 'forged' where id = (select id from survey_frame_units order by id limit 1) returning survey_id as key`,
  },
  {
    type: 'survey_sample',
    table: 'survey_samples',
    edit: () =>
      `update survey_samples set seed = 'forged' where id = (select id from survey_samples order by id limit 1) returning survey_id as key`,
  },
  {
    type: 'survey_invitations',
    table: 'survey_invitations',
    edit: () =>
      `update survey_invitations set design_weight = design_weight * 3 where id = (select id from survey_invitations order by id limit 1) returning survey_id as key`,
  },
  {
    type: 'survey_response',
    table: 'survey_responses',
    edit: () =>
      `update survey_responses set answers = jsonb_set(answers, '{forged}', '10') where id = (select id from survey_responses order by id limit 1) returning id as key`,
  },
  {
    // The case: the published report's means set to 99.9 feed the public indicators.
    type: 'survey_report',
    table: 'survey_reports',
    edit: () =>
      `update survey_reports set report = jsonb_set(report, '{forged}', '99.9') where id = (select id from survey_reports order by id limit 1) returning survey_id as key`,
  },
  {
    type: 'public_rating',
    table: 'public_ratings',
    edit: () =>
      `update public_ratings set relevance = 1 - relevance / 2 where id = (select id from public_ratings order by id limit 1) returning id as key`,
  },
  {
    type: 'participant',
    table: 'participant_profiles',
    edit: () =>
      `update participant_profiles set category = 'expert' where user_id = (select user_id from participant_profiles where category <> 'expert' order by user_id limit 1) returning user_id as key`,
  },
  {
    type: 'participant',
    table: 'participant_relationships',
    edit: () => `insert into participant_relationships (user_id, org_unit_id, kind)
           select p.user_id, '${city.district.id}', 'forged'
           from participant_profiles p order by p.user_id limit 1 returning user_id as key`,
  },
  {
    type: 'service_records',
    table: 'service_records',
    edit: () => `insert into service_records (org_unit_id, contact_hash, kind)
           select id, 'forged', 'service_recipient' from org_units where id = '${city.district.id}'
           returning org_unit_id as key`,
  },
  {
    type: 'cycle',
    table: 'cycles',
    edit: () =>
      `update cycles set stage = 'evaluation' where id = '${city.monitoredCycleId}' returning id as key`,
  },
  {
    // The case: the frozen trimEachSide changed from 1 to 0.
    type: 'cycle_rules',
    table: 'cycle_rule_versions',
    edit: () => `update cycle_rule_versions set rules = jsonb_set(rules, '{trimEachSide}', '0')
           where frozen_at is not null and cycle_id = '${city.resultsCycleId}' returning cycle_id as key`,
  },
  {
    type: 'cycle_consequences',
    table: 'consequences',
    edit: () =>
      `update consequences set value = '9' where id = (select id from consequences order by id limit 1) returning cycle_id as key`,
  },
  {
    type: 'user',
    table: 'users',
    edit: () =>
      `update users set password_hash = 'forged' where username = '${city.managerUsername}' returning id as key`,
  },
  {
    // The case: a role grant making a citizen an administrator.
    type: 'user_roles',
    table: 'role_assignments',
    edit: () =>
      `insert into role_assignments (user_id, role) select id, 'admin' from users where id = '${city.participant.id}' returning user_id as key`,
  },
  {
    type: 'org_unit',
    table: 'org_units',
    edit: () => `update org_units set peer_group = 'forged' where id = '${city.unit.id}' returning id as key`,
  },
  {
    type: 'cycle_publication',
    table: 'cycle_publications',
    edit: () =>
      `update cycle_publications set reason = 'forged' where id = (select id from cycle_publications order by at limit 1) returning id as key`,
  },
  {
    type: 'result_revision',
    table: 'result_revisions',
    edit: () =>
      `update result_revisions set snapshot = jsonb_set(snapshot, '{total}', '99') where id = (select id from result_revisions order by id limit 1) returning id as key`,
  },
  {
    type: 'result',
    table: 'results',
    edit: () =>
      `update results set total = total + 5 where id = (select id from results order by id limit 1) returning id as key`,
  },
  {
    type: 'rating',
    table: 'ratings',
    edit: () =>
      `update ratings set weight = 0.5 where id = (select id from ratings order by id limit 1) returning id as key`,
  },
  {
    type: 'actual_value',
    table: 'actual_values',
    edit: () =>
      `update actual_values set value = value + 1 where id = (select id from actual_values order by id limit 1) returning id as key`,
  },
  {
    // A library definition changed behind the platform's back (what plans copy when picking it).
    type: 'indicator_definition',
    table: 'indicator_library',
    edit: () =>
      `update indicator_library set definition = 'forged' where id = (select id from indicator_library order by code, version limit 1) returning id as key`,
  },
  {
    // A plan node re-pointed to another library version.
    type: 'plan_tree',
    table: 'indicator_nodes',
    edit: () =>
      `update indicator_nodes set library_version = library_version + 1 where id = (select id from indicator_nodes where library_code is not null order by id limit 1) returning plan_id as key`,
  },
  {
    type: 'plan_tree',
    table: 'indicator_nodes',
    edit: () =>
      `update indicator_nodes set weight = weight + 1 where id = (select id from indicator_nodes order by id limit 1) returning plan_id as key`,
  },
];

describe('audit coverage', () => {
  it('the built city verifies, every entry sealed', async () => {
    const report = await verifyAudit(t.db);
    expect(report.problems).toEqual([]);
    expect(report.ok).toBe(true);
    // The city's last requests after its seal (its logins) at most are not sealed yet.
    expect(report.unsealed).toBeLessThan(5);
    expect(report.seals).toBeGreaterThan(0);
  });

  it.each(EDITS)('an SQL edit of $table is reported as $type with its key', async ({ type, table, edit }) => {
    const { key, report } = await tampered(edit());
    expect(report.ok).toBe(false);
    const hit = report.problems.find((p) => p.entity?.type === type && p.entity.id === key);
    expect(hit, JSON.stringify(report.problems.slice(0, 3))).toBeDefined();
    expect(hit!.entity!.tables).toContain(table);
    expect(hit!.message.startsWith(`${type}:${key} `)).toBe(true);
  });

  it('a changed org path is reported though the path is derived', async () => {
    const { key, report } = await tampered(
      `update org_units set path = '/forged' || path where id = '${city.unit.id}' returning id as key`,
    );
    expect(report.problems).toContainEqual(
      expect.objectContaining({ kind: 'entity_changed', entity: expect.objectContaining({ id: key }) }),
    );
  });

  it('every covered table holds a row the city built (a new audited table needs one)', async () => {
    const tables = AUDIT_COVERAGE.flatMap((c) => c.tables);
    expect(tables.length).toBeGreaterThan(30);
    const empty = [];
    for (const table of tables) {
      const [{ n }] = await rowsOf<{ n: number }>(
        t.db,
        sql`select count(*)::int as n from ${sql.identifier(table)}`,
      );
      if (n === 0) empty.push(table);
    }
    expect(empty, 'audited tables test/audited-city.ts wrote no row of').toEqual([]);
  });

  it('every covered table has a tampering case above', () => {
    const tested = new Set(EDITS.map((e) => e.table));
    for (const c of AUDIT_COVERAGE)
      if (
        ![
          'evidence_files',
          // Tampering with a finding: linkage/linkage.test.ts.
          'linkage_findings',
          'early_warnings',
          'correction_tasks',
          'plan_signoffs',
          'plan_revisions',
          'plans',
          'appeals',
          'cycle_precondition_overrides',
        ].some((x) => c.tables.includes(x))
      )
        for (const table of c.tables) expect(tested, table).toContain(table);
  });

  it('SECURITY.md shows the coverage list of the code', () => {
    const doc = readFileSync(path.resolve(import.meta.dirname, '../../../../../SECURITY.md'), 'utf8');
    // Compared cell by cell (a Markdown formatter may pad the columns).
    const norm = (x: string) => x.replace(/ *\| */g, '|').replace(/-{3,}/g, '---');
    expect(norm(doc)).toContain(norm(coverageTable()));
  });
});

describe('writers covered by their entries', () => {
  it('a survey answer through the link stores its audit entry in the same statement', async () => {
    const before = await verifyAudit(t.db);
    expect(before.ok).toBe(true);
    // The city's fielding survey: an invitation it issued.
    const { token } = city.fielding;
    const page = (await t.anon.get(`/api/public/s/${token}`)).json();
    expect(page.state).toBe('open');
    const answers: Record<string, unknown> = {};
    for (const sec of page.version.definition.sections)
      for (const q of sec.questions)
        if (q.required)
          answers[q.id] =
            q.type === 'rating0to10'
              ? 7
              : q.type === 'likert5'
                ? 4
                : q.type === 'single'
                  ? q.options[0].value
                  : 'x';
    expect(Object.keys(answers).length).toBeGreaterThan(0);
    const res = await t.anon.post(`/api/public/s/${token}`, { answers });
    expect(res.statusCode, res.body).toBe(201);
    const id = res.json().response.id as string;
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    const [entry] = await rowsOf<{ action: string }>(
      t.db,
      sql`select action from audit_log where entity_type = 'survey_response' and entity_id = ${id}`,
    );
    expect(entry.action).toBe('survey.answer');
    const after = await verifyAudit(t.db);
    expect(after.problems).toEqual([]);
    expect(after.unsealed).toBeGreaterThan(0);
  });

  it('a participant’s tie and a role change are snapshotted from their user entries', async () => {
    const tie = await city.otherParticipant.post('/api/participation/relationships', {
      orgUnitId: city.unit.id,
      kind: 'applicant',
    });
    expect(tie.statusCode, tie.body).toBeLessThan(300);
    const report = await verifyAudit(t.db);
    expect(report.problems).toEqual([]);
  });
});

describe('seals', () => {
  it('seal, then a deleted, a changed and a renumbered entry each break it', async () => {
    await appendAudit(t.db, [
      // Any listed action: the test reads its entries back by entity type.
      { actorId: null, action: 'audit.baseline', entityType: 'test', entityId: '1' },
      { actorId: null, action: 'audit.baseline', entityType: 'test', entityId: '2' },
      { actorId: null, action: 'audit.baseline', entityType: 'test', entityId: '3' },
    ]);
    expect(await sealAudit(t.db)).toBeGreaterThanOrEqual(3);
    expect((await verifyAudit(t.db)).problems).toEqual([]);
    const seqs = (
      await rowsOf<{ seq: number }>(
        t.db,
        sql`select seq from audit_log where entity_type = 'test' order by seq`,
      )
    ).map((r) => Number(r.seq));
    await t.db.execute(sql`delete from audit_log where seq = ${seqs[1]}`);
    const report = await verifyAudit(t.db);
    const kinds = report.problems.map((p) => p.kind);
    expect(kinds).toContain('sequence');
    expect(kinds).toContain('chain');
    expect(report.problems.find((p) => p.kind === 'sequence')!.message).toContain(
      `expected entry ${seqs[1]}`,
    );
  });

  it('the Merkle root depends on every leaf and its order', () => {
    const leaves = ['a', 'b', 'c', 'd', 'e'];
    const root = merkleRoot(leaves);
    expect(merkleRoot(['a', 'b', 'c', 'd'])).not.toBe(root);
    expect(merkleRoot(['a', 'b', 'd', 'c', 'e'])).not.toBe(root);
    expect(merkleRoot([...leaves])).toBe(root);
  });
});

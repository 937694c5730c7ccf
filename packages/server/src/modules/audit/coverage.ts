/**
 * What verify-audit covers: every table whose rows change a score, a grade, a consequence, a published
 * page or who may do what. ONE list (AUDIT_COVERAGE): each entry names the audited entity type, the
 * tables behind it, how its hash is taken, and the function that hashes current rows. SECURITY.md shows
 * this list; `coverageTable()` prints it.
 *
 * How an entity's hash reaches the log: the writer appends an audit entry naming the entity (type and
 * id) in the transaction that changed it, after the change. It may pass the row (`entity`) or its hash;
 * otherwise appendAudit takes the snapshot itself with the `hashes` function below, and also snapshots
 * the entity's companions (e.g. a user's role assignments along with the user) when they changed since
 * their last entry. So any writer that names the entity it changed is covered.
 *
 * Three ways of hashing:
 * - `row`: the row as Drizzle reads it (or a projection), canonical JSON, SHA-256 (in the server);
 * - `set`: all rows of a table that belong to one key (a survey's frame, a user's role assignments),
 *   hashed by the database over their canonical text in a fixed order, so large sets never travel;
 * - `sql-row`: one row hashed by the database (survey answers: the hot intake path stores the answer
 *   and its audit entry in one statement, see surveys/intake.ts and {@link responseRowHashSql}).
 */
import { createHash } from 'node:crypto';
import { asc, eq, inArray, sql, type SQL } from 'drizzle-orm';
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core';
import { rowsOf, type DbOrTx } from '../../db/client';
import {
  actualValues,
  appeals,
  correctionTasks,
  cyclePreconditionOverrides,
  cyclePublications,
  cycles,
  earlyWarnings,
  evidenceFiles,
  indicatorLibrary,
  indicatorNodes,
  orgUnits,
  planRevisions,
  planSignoffs,
  plans,
  publicRatings,
  ratings,
  resultRevisions,
  results,
  surveyReports,
  surveys,
  surveySamples,
  users,
} from '../../db/schema';
import { canonicalJson, sha256 } from '../../lib/hash';
import { linkageFindings } from '../../db/schema-linkage';
import { findingMeta } from '../linkage/meta';

/** Hash of an audited row as the platform stored it. */
export const entityHash = (row: unknown) => sha256(canonicalJson(row));

/** The entity hash recorded for an entity that does not exist (deleted, or a set left empty). */
export const ABSENT = 'absent';

/**
 * The audited row of an evidence file: its metadata, content excluded (the stored `sha256` stands for
 * the content; verify-audit checks the content against it in the database).
 */
export const evidenceMeta = {
  id: evidenceFiles.id,
  valueId: evidenceFiles.valueId,
  planId: evidenceFiles.planId,
  filename: evidenceFiles.filename,
  mimeType: evidenceFiles.mimeType,
  size: evidenceFiles.size,
  sha256: evidenceFiles.sha256,
  uploadedBy: evidenceFiles.uploadedBy,
  uploadedAt: evidenceFiles.uploadedAt,
};

/**
 * A node as its tree is hashed: the library reference and rubric columns (added in 0021) only when set,
 * so trees audited before those columns existed still match their entries.
 */
const hashedNode = (n: typeof indicatorNodes.$inferSelect) => ({
  ...n,
  libraryCode: n.libraryCode ?? undefined,
  libraryVersion: n.libraryVersion ?? undefined,
  rubric: n.rubric ?? undefined,
});

/** The audited snapshot of a plan's tree: its nodes in a stable order. */
export async function planTreeSnapshot(tx: DbOrTx, planId: string) {
  const nodes = await tx
    .select()
    .from(indicatorNodes)
    .where(eq(indicatorNodes.planId, planId))
    .orderBy(asc(indicatorNodes.code));
  return nodes.map(hashedNode);
}

/** Id → hash of the current rows (all, or the given ids). */
type Hasher = (db: DbOrTx, ids?: string[]) => Promise<Map<string, string>>;

export interface Covered {
  /** Entity type as written in audit_log.entity_type. */
  type: string;
  /** Tables whose rows the hash covers. */
  tables: string[];
  /** The key the entity id is (the row's id, or the column grouping a set). */
  key: string;
  how: 'row' | 'set' | 'sql-row';
  /** What is hashed, for SECURITY.md. */
  covers: string;
  /** Who appends its entries. */
  writers: string;
  hashes: Hasher;
  /** Entity types snapshotted along with this one, by the same id, when they changed. */
  companions?: string[];
  /** The hash of "no rows" (a plan without nodes), when that is a state rather than an absence. */
  empty?: string;
  /** Rows may exist without an entry of their own yet (a new plan's empty tree). */
  entryOptional?: boolean;
  /**
   * A hash definition that replaced an earlier one: current hashes start with `prefix`; an entry
   * recorded before (a hash without it, other than {@link ABSENT} and `empty`) is checked with
   * `hashes`, the earlier definition.
   */
  legacy?: { prefix: string; hashes: Hasher };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Ids that can name a row of a uuid-keyed table (a failed login names a user by the name typed). */
export const isUuid = (id: string) => UUID.test(id);

const idList = (ids: string[]) => sql`string_to_array(${ids.join(',')}, ',')::uuid[]`;

/** Row hashes of a table, selected whole or through a projection, keyed by a column. */
function rows(
  table: PgTable,
  keyColumn: PgColumn,
  opts: { projection?: Record<string, PgColumn>; map?: (row: Record<string, unknown>) => unknown } = {},
): Hasher {
  return async (db, ids) => {
    if (ids && ids.length === 0) return new Map();
    const chunks = ids
      ? Array.from({ length: Math.ceil(ids.length / 5000) }, (_, i) => ids.slice(i * 5000, i * 5000 + 5000))
      : [undefined];
    const out = new Map<string, string>();
    for (const chunk of chunks) {
      const q = opts.projection ? db.select(opts.projection).from(table) : db.select().from(table);
      const found = (await (chunk ? q.where(inArray(keyColumn, chunk)) : q)) as Record<string, unknown>[];
      const key = Object.entries(opts.projection ?? (table as unknown as Record<string, PgColumn>)).find(
        ([, c]) => c === keyColumn,
      )?.[0];
      for (const r of found) out.set(String(r[key!]), entityHash(opts.map ? opts.map(r) : r));
    }
    return out;
  };
}

/**
 * Hashes computed by the database: `query(where)` selects `key` and `hash` (the SHA-256 of a canonical
 * text), restricted by `where` to the given keys.
 */
function inDb(query: (where: (column: SQL) => SQL) => SQL): Hasher {
  return async (db, ids) => {
    if (ids && ids.length === 0) return new Map();
    const list = await rowsOf<{ key: string; hash: string }>(
      db,
      query((column) => (ids ? sql`${column} = any(${idList(ids)})` : sql`true`)),
    );
    return new Map(list.map((r) => [String(r.key), r.hash]));
  };
}

/** SHA-256 (hex) of a text expression, in SQL. */
const hashSql = (text: SQL) => sql`encode(sha256(convert_to(${text}, 'UTF8')), 'hex')`;
/** A timestamp as integer microseconds since the epoch (exact, whatever the session's time zone). */
const micros = (column: string) => `(extract(epoch from ${column}) * 1000000)::bigint`;

/**
 * The database's hash of one survey answer row (alias `r`): the intake statement records it in the
 * answer's audit entry, and verify-audit recomputes it the same way.
 */
export const responseRowHashSql = (r: string) =>
  `encode(sha256(convert_to(jsonb_build_array(${r}.id, ${r}.survey_id, ${r}.version_id, ${r}.invitation_id, ` +
  `${r}.mode, ${r}.interviewer_id, ${r}.trust, ${r}.stratum, ${r}.profile, ${r}.design_weight, ${r}.answers, ` +
  `${micros(`${r}.submitted_at`)})::text, 'UTF8')), 'hex')`;

/**
 * An actual_values row as stored by a values import (reported, no reason, not verified), as
 * {@link entityHash} reads it: the canonical JSON of the row the query builder answers (property
 * names in sorted order, timestamps as toISOString), built as text so that a million-row import
 * hashes each row without building an object. `value` is the number's JSON text (JSON.stringify's);
 * `reportedAt` an ISO time in milliseconds (as toISOString writes it).
 */
export function reportedValueText(r: {
  id: string;
  planId: string;
  indicatorCode: string;
  period: string;
  value: string;
  note: string | null;
  reportedBy: string;
  reportedAt: string;
  version: number;
}): string {
  return (
    `{"id":"${r.id}","indicatorCode":${jsonString(r.indicatorCode)},` +
    `"note":${r.note === null ? 'null' : jsonString(r.note)},"period":${jsonString(r.period)},` +
    `"planId":"${r.planId}","reason":null,"reportedAt":"${r.reportedAt}","reportedBy":"${r.reportedBy}",` +
    `"status":"reported","value":${r.value},"verifiedAt":null,"verifiedBy":null,"version":${r.version}}`
  );
}

/**
 * A set of rows grouped by `keyColumn`, each row as a jsonb array, in `order`, lines joined by a line
 * break; the hash is preceded by `prefix` when given.
 */
const setOf = (table: string, keyColumn: string, fields: string, order: string, prefix = ''): Hasher =>
  inDb(
    (where) => sql`select ${sql.raw(keyColumn)} as key,
      ${sql.raw(prefix ? `'${prefix}' || ` : '')}${hashSql(sql.raw(`string_agg(jsonb_build_array(${fields})::text, E'\\n' order by ${order})`))} as hash
      from ${sql.raw(table)} where ${where(sql.raw(keyColumn))} group by ${sql.raw(keyColumn)}`,
  );

/**
 * Prefix of a survey frame's hash since frames are hashed in unit id order (before: in external id
 * order, which a streamed import cannot follow without sorting the whole file).
 */
export const FRAME_HASH_PREFIX = 'v2:';
const FRAME_FIELDS = 'id, external_id, stratum, profile, contact';

/** Characters JSON.stringify escapes (and surrogates, which it may): plain text is quoted as it is. */
// eslint-disable-next-line no-control-regex -- the control characters are what it looks for
const JSON_ESCAPED = /["\\\u0000-\u001f\ud800-\udfff]/;
/** JSON.stringify of a string, without its cost for the common text that needs no escape. */
export const jsonString = (v: string) => (JSON_ESCAPED.test(v) ? JSON.stringify(v) : `"${v}"`);

/**
 * A survey frame's hash computed while its units are written, equal to what the database computes
 * for `survey_frame` (coverage list below) once they are stored: the units must be added in
 * ascending id order and be the whole frame. Each unit's line is jsonb's text of
 * `jsonb_build_array(id, external_id, stratum, profile, contact)`: strings escaped as
 * JSON.stringify does (the same escapes as jsonb for text without NUL, which the import refuses),
 * `", "` between items, the profile's keys in jsonb's order (shorter first, then by bytes) as
 * `{"k": "v", …}`.
 */
export function frameDigest(strataFields: string[]) {
  const keys = [...strataFields].sort((a, b) => {
    const x = Buffer.from(a);
    const y = Buffer.from(b);
    return x.length - y.length || Buffer.compare(x, y);
  });
  const keyText = keys.map((k) => `${jsonString(k)}: `);
  const hash = createHash('sha256');
  let text = '';
  let rows = 0;
  return {
    /**
     * jsonb's text of a profile (`{"k": "v", …}`, keys in jsonb's order): the unit's line takes it,
     * and it is valid JSON for the profile column too.
     */
    profileText(profile: Record<string, string>) {
      let p = '{';
      for (let k = 0; k < keys.length; k++) p += (k ? ', ' : '') + keyText[k] + jsonString(profile[keys[k]]);
      return `${p}}`;
    },
    add(id: string, externalId: string, stratum: string, profileText: string, contact: string | null) {
      text +=
        `${rows++ ? '\n' : ''}["${id}", ${jsonString(externalId)}, ${jsonString(stratum)}, ${profileText}, ` +
        `${contact === null ? 'null' : jsonString(contact)}]`;
      if (text.length >= 1 << 20) {
        hash.update(text);
        text = '';
      }
    },
    /** The frame's hash (an empty frame has none: {@link ABSENT}). */
    digest() {
      hash.update(text);
      text = '';
      return rows ? FRAME_HASH_PREFIX + hash.digest('hex') : ABSENT;
    },
  };
}

/**
 * The audited part of an account: what decides who may log in and as whom. Login bookkeeping (last
 * login, failure counter, last TOTP step) changes at every login and is left out; the TOTP secret
 * counts once the second factor is enabled (a pending enrolment is not yet a right).
 */
const userProjection = {
  id: users.id,
  username: users.username,
  passwordHash: users.passwordHash,
  emailLookup: users.emailLookup,
  phoneLookup: users.phoneLookup,
  disabled: users.disabled,
  mustChangePassword: users.mustChangePassword,
  totpSecret: users.totpSecret,
  totpEnabledAt: users.totpEnabledAt,
  deletedAt: users.deletedAt,
};

/** A public rating without its moderation state (hiding is audited as a moderation decision). */
const publicRatingProjection = {
  id: publicRatings.id,
  cycleId: publicRatings.cycleId,
  planId: publicRatings.planId,
  userId: publicRatings.userId,
  scores: publicRatings.scores,
  comment: publicRatings.comment,
  relevance: publicRatings.relevance,
  createdAt: publicRatings.createdAt,
};

const full = (table: PgTable, key: PgColumn) => rows(table, key);

/** THE list of audited entities. */
export const AUDIT_COVERAGE: Covered[] = [
  {
    type: 'plan',
    tables: ['plans'],
    key: 'id',
    how: 'row',
    covers: 'every column',
    writers: 'plans, plan set-up, monitoring',
    hashes: full(plans, plans.id),
  },
  {
    type: 'plan_tree',
    tables: ['indicator_nodes'],
    key: 'plan_id',
    how: 'row',
    covers: "a plan's indicator nodes, every column, ordered by code",
    writers: 'plans, plan set-up, agreements',
    empty: entityHash([]),
    entryOptional: true,
    hashes: async (db, ids) => {
      const nodes = await (ids
        ? ids.length
          ? db
              .select()
              .from(indicatorNodes)
              .where(inArray(indicatorNodes.planId, ids))
              .orderBy(asc(indicatorNodes.code))
          : Promise.resolve([])
        : db.select().from(indicatorNodes).orderBy(asc(indicatorNodes.code)));
      const byPlan = new Map<string, ReturnType<typeof hashedNode>[]>();
      for (const n of nodes) {
        const list = byPlan.get(n.planId);
        if (list) list.push(hashedNode(n));
        else byPlan.set(n.planId, [hashedNode(n)]);
      }
      return new Map([...byPlan].map(([id, list]) => [id, entityHash(list)]));
    },
  },
  {
    type: 'actual_value',
    tables: ['actual_values'],
    key: 'id',
    how: 'row',
    covers: 'every column (value, period, status, verifier)',
    writers: 'values, appeals, corrections',
    hashes: full(actualValues, actualValues.id),
  },
  {
    type: 'evidence_file',
    tables: ['evidence_files'],
    key: 'id',
    how: 'row',
    covers: 'metadata with the SHA-256 of the content; the content is checked against it in the database',
    writers: 'monitoring evidence',
    hashes: rows(evidenceFiles, evidenceFiles.id, { projection: evidenceMeta }),
  },
  {
    type: 'rating',
    tables: ['ratings'],
    key: 'id',
    how: 'row',
    covers: 'every column (score, relevance weight, rater)',
    writers: 'ratings, public ratings',
    hashes: full(ratings, ratings.id),
  },
  {
    type: 'public_rating',
    tables: ['public_ratings'],
    key: 'id',
    how: 'row',
    covers: 'scores, relevance, rater, plan (moderation state left out: hiding is its own audited decision)',
    writers: 'public ratings',
    hashes: rows(publicRatings, publicRatings.id, { projection: publicRatingProjection }),
  },
  {
    type: 'survey',
    tables: ['surveys'],
    key: 'id',
    how: 'row',
    covers: 'every column (status, strata, quotas, margins, fielded version)',
    writers: 'surveys',
    hashes: full(surveys, surveys.id),
    companions: ['survey_versions', 'survey_frame', 'survey_sample', 'survey_invitations', 'survey_report'],
  },
  {
    type: 'survey_versions',
    tables: ['survey_versions'],
    key: 'survey_id',
    how: 'set',
    covers: "a survey's questionnaire versions (definition, frozen time)",
    writers: "surveys (with the survey's entries)",
    hashes: setOf(
      'survey_versions',
      'survey_id',
      `id, version, definition, ${micros('frozen_at')}, created_by, ${micros('created_at')}`,
      'version',
    ),
  },
  {
    type: 'survey_frame',
    tables: ['survey_frame_units'],
    key: 'survey_id',
    how: 'set',
    covers: "a survey's sampling frame (every unit, stratum, profile)",
    writers: "surveys (with the survey's entries)",
    // In unit id order, so that an import hashes the frame as it writes it (frameDigest).
    hashes: setOf('survey_frame_units', 'survey_id', FRAME_FIELDS, 'id', FRAME_HASH_PREFIX),
    legacy: {
      prefix: FRAME_HASH_PREFIX,
      hashes: setOf('survey_frame_units', 'survey_id', FRAME_FIELDS, 'external_id'),
    },
  },
  {
    type: 'survey_sample',
    tables: ['survey_samples'],
    key: 'survey_id',
    how: 'row',
    covers: 'the drawn sample: size, allocation, seed, strata',
    writers: "surveys (with the survey's entries)",
    hashes: full(surveySamples, surveySamples.surveyId),
  },
  {
    type: 'survey_invitations',
    tables: ['survey_invitations'],
    key: 'survey_id',
    how: 'set',
    covers: "a survey's invitations: stratum, profile, design weight, token and code hashes",
    writers: "surveys (with the survey's entries)",
    hashes: setOf(
      'survey_invitations',
      'survey_id',
      `id, frame_unit_id, stratum, profile, design_weight, token_hash, code_hash, ${micros('issued_at')}`,
      'id',
    ),
  },
  {
    type: 'survey_response',
    tables: ['survey_responses'],
    key: 'id',
    how: 'sql-row',
    covers: 'every column of an answer (answers, stratum, design weight, mode, trust)',
    writers: 'survey intake (the answer and its entry in one statement)',
    hashes: inDb(
      (where) =>
        sql`select r.id as key, ${sql.raw(responseRowHashSql('r'))} as hash from survey_responses r where ${where(sql.raw('r.id'))}`,
    ),
  },
  {
    type: 'survey_report',
    tables: ['survey_reports'],
    key: 'survey_id',
    how: 'row',
    covers: 'the published report (the estimates that feed the public indicators)',
    writers: "surveys (with the survey's entries)",
    hashes: full(surveyReports, surveyReports.surveyId),
  },
  {
    type: 'user',
    tables: ['users'],
    key: 'id',
    how: 'row',
    covers:
      'login name, password hash, e-mail/phone lookups, disabled, must-change, enabled second factor, deletion',
    writers: 'auth, users, onboarding, participants, third-party accounts',
    hashes: rows(users, users.id, {
      projection: userProjection,
      map: (u) => ({ ...u, totpSecret: u.totpEnabledAt ? u.totpSecret : null }),
    }),
    companions: ['user_roles', 'participant'],
  },
  {
    type: 'user_roles',
    tables: ['role_assignments'],
    key: 'user_id',
    how: 'set',
    covers: "a user's role assignments (role, org unit)",
    writers: "with the user's entries",
    hashes: setOf(
      'role_assignments',
      'user_id',
      "role, coalesce(org_unit_id::text, '')",
      "role, coalesce(org_unit_id::text, '')",
    ),
  },
  {
    type: 'participant',
    tables: ['participant_profiles', 'participant_relationships'],
    key: 'user_id',
    how: 'set',
    covers: "a participant's stakeholder profile and declared ties (what relevance is computed from)",
    writers: "with the user's entries",
    hashes: inDb(
      (where) => sql`select u.id as key, ${hashSql(sql`jsonb_build_array(
          (select jsonb_build_array(p.category, p.district, p.email_hash, p.phone_hash)
             from participant_profiles p where p.user_id = u.id),
          (select coalesce(jsonb_agg(jsonb_build_array(r.id, r.org_unit_id, r.kind, r.note) order by r.id), '[]'::jsonb)
             from participant_relationships r where r.user_id = u.id))::text`)} as hash
        from users u
        where ${where(sql`u.id`)}
          and (exists (select 1 from participant_profiles p where p.user_id = u.id)
            or exists (select 1 from participant_relationships r where r.user_id = u.id))`,
    ),
  },
  {
    type: 'org_unit',
    tables: ['org_units'],
    key: 'id',
    how: 'row',
    covers:
      'code, kind, parent, peer group; the path (which scopes every permission) is checked against the parents',
    writers: 'onboarding, participation invitations and service records',
    hashes: rows(orgUnits, orgUnits.id, {
      projection: {
        id: orgUnits.id,
        code: orgUnits.code,
        kind: orgUnits.kind,
        parentId: orgUnits.parentId,
        peerGroup: orgUnits.peerGroup,
      },
    }),
    companions: ['service_records'],
  },
  {
    type: 'service_records',
    tables: ['service_records'],
    key: 'org_unit_id',
    how: 'set',
    covers: "a unit's imported service records (contact hashes that verify declared ties)",
    writers: "participation service-record import (with the unit's entry)",
    hashes: setOf('service_records', 'org_unit_id', 'id, contact_hash, kind, served_on', 'id'),
  },
  {
    type: 'cycle',
    tables: ['cycles'],
    key: 'id',
    how: 'row',
    covers:
      'stage, type, period, rules, grade scheme (the publication state is the cycle_publications rows, covered below)',
    writers: 'cycles, evaluation rules, results, publication',
    hashes: rows(cycles, cycles.id, {
      projection: {
        id: cycles.id,
        code: cycles.code,
        type: cycles.type,
        periodStart: cycles.periodStart,
        periodEnd: cycles.periodEnd,
        stage: cycles.stage,
        gradeScheme: cycles.gradeScheme,
        rules: cycles.rules,
      },
    }),
    companions: ['cycle_rules', 'cycle_consequences'],
  },
  {
    type: 'cycle_rules',
    tables: ['cycle_rule_versions'],
    key: 'cycle_id',
    how: 'set',
    covers:
      "a cycle's rule versions (rules, grade scheme, frozen time): the regulations results compute from",
    writers: "evaluation rules and stage moves (with the cycle's entry)",
    hashes: setOf(
      'cycle_rule_versions',
      'cycle_id',
      `id, version, rules, grade_scheme, note, created_by, ${micros('frozen_at')}`,
      'version',
    ),
  },
  {
    type: 'cycle_consequences',
    tables: ['consequences'],
    key: 'cycle_id',
    how: 'set',
    covers: "a cycle's consequences (kind, value, result, person, reason)",
    writers: "results compute (with the cycle's results.compute entry)",
    hashes: setOf(
      'consequences',
      'cycle_id',
      'id, result_id, person_id, org_unit_id, kind, value, reason',
      'id',
    ),
  },
  {
    type: 'cycle_override',
    tables: ['cycle_precondition_overrides'],
    key: 'id',
    how: 'row',
    covers: 'every column (stage precondition overridden, reason, who)',
    writers: 'cycles',
    hashes: full(cyclePreconditionOverrides, cyclePreconditionOverrides.id),
  },
  {
    type: 'result',
    tables: ['results'],
    key: 'id',
    how: 'row',
    covers: 'every column (total, grade, rank, veto, complete, missing)',
    writers: 'results compute',
    hashes: full(results, results.id),
  },
  {
    type: 'appeal',
    tables: ['appeals'],
    key: 'id',
    how: 'row',
    covers: 'every column (reason, status, decision, correction)',
    writers: 'appeals',
    hashes: full(appeals, appeals.id),
  },
  {
    type: 'cycle_publication',
    tables: ['cycle_publications'],
    key: 'id',
    how: 'row',
    covers: 'every column (publish or withdraw, reason, overrides of blockers)',
    writers: 'publication',
    hashes: full(cyclePublications, cyclePublications.id),
  },
  {
    type: 'result_revision',
    tables: ['result_revisions'],
    key: 'id',
    how: 'row',
    covers: 'every column (published figures, changes, reason, approver)',
    writers: 'publication',
    hashes: full(resultRevisions, resultRevisions.id),
  },
  {
    type: 'early_warning',
    tables: ['early_warnings'],
    key: 'id',
    how: 'row',
    covers: 'every column',
    writers: 'monitoring',
    hashes: full(earlyWarnings, earlyWarnings.id),
  },
  {
    type: 'correction_task',
    tables: ['correction_tasks'],
    key: 'id',
    how: 'row',
    covers: 'every column',
    writers: 'monitoring',
    hashes: full(correctionTasks, correctionTasks.id),
  },
  {
    type: 'plan_signoff',
    tables: ['plan_signoffs'],
    key: 'id',
    how: 'row',
    covers: 'every column',
    writers: 'agreements',
    hashes: full(planSignoffs, planSignoffs.id),
  },
  {
    type: 'plan_revision',
    tables: ['plan_revisions'],
    key: 'id',
    how: 'row',
    covers: 'every column',
    writers: 'agreements',
    hashes: full(planRevisions, planRevisions.id),
  },
  {
    // A finding's points are deducted through its plan's deduction item while it is active.
    type: 'linkage_finding',
    tables: ['linkage_findings'],
    key: 'id',
    how: 'row',
    covers: "every column but the document's content (its SHA-256 stands for it)",
    writers: 'linkage findings',
    hashes: rows(linkageFindings, linkageFindings.id, { projection: findingMeta }),
  },
  {
    // Library entries are copied into plans (definition, data source, rule template, rubric).
    type: 'indicator_definition',
    tables: ['indicator_library'],
    key: 'id',
    how: 'row',
    covers: 'every column of a library version (definition, polarity, rule template, rubric, status)',
    writers: 'indicator library',
    hashes: full(indicatorLibrary, indicatorLibrary.id),
  },
];

export const COVERED = new Map(AUDIT_COVERAGE.map((c) => [c.type, c]));

/** The coverage list as a Markdown table (SECURITY.md shows it; a test keeps them in step). */
export function coverageTable(): string {
  const lines = [
    '| Entity | Table(s) | Key | Hash | What is covered | Written by |',
    '| --- | --- | --- | --- | --- | --- |',
  ];
  for (const c of AUDIT_COVERAGE)
    lines.push(
      `| \`${c.type}\` | ${c.tables.map((t) => `\`${t}\``).join(', ')} | \`${c.key}\` | ${c.how} | ${c.covers}${
        c.companions ? `; snapshots ${c.companions.map((x) => `\`${x}\``).join(', ')} with it` : ''
      } | ${c.writers} |`,
    );
  return lines.join('\n');
}

/**
 * Answer intake: the public survey page (by link token or short code), saved partial answers,
 * interviewer entry (paper, phone, face to face) and open mode. One answer per invitation is the
 * UNIQUE constraint on survey_responses.invitation_id: the losing concurrent submissions get 409.
 * Quotas per stratum are decided in the statement that stores the answers (see AnswerBatcher).
 *
 * The hot path (a public answer by link) costs no statement of its own: it is validated against the
 * fielded versions in memory and stored by one look-up-and-insert statement per batch of concurrent
 * answers (directBatches); whatever that statement does not store takes the full path, where
 * look-ups and inserts are grouped per batch too (GroupCommit).
 */
import { createHash, randomUUID } from 'node:crypto';
import type { PGlite } from '@electric-sql/pglite';
import type pg from 'pg';
import { eq, sql } from 'drizzle-orm';
import { validateAnswers, type Answers, type Questionnaire } from '@perfcommons/domain';
import type { Db, DbOrTx } from '../../db/client';
import { surveyDrafts, surveyVersions } from '../../db/schema';
import { requireOffice, type Actor } from '../../lib/actor';
import { badRequest, conflict, notFound } from '../../lib/errors';
import { answerAuditCte } from '../audit/service';
import { loadSurvey, stratumOf } from './use-cases/shared';
import { hashCode, hashToken, looksLikeCode } from './tokens';

/**
 * Group commit: while one batch is in flight, the items arriving meanwhile queue up and go in the
 * next one, so a burst costs one round trip (and for writes one WAL flush) per batch instead of
 * per item. `run` answers each item with a result or an error of its own; if it throws, the whole
 * batch gets that error.
 */
class GroupCommit<T, R> {
  private queue: { item: T; resolve: (r: R) => void; reject: (e: unknown) => void }[] = [];
  private active = 0;
  private scheduled = false;
  /**
   * `concurrency`: batches in flight at once (each on its own connection of the pool), so that the
   * next batch is prepared and sent while the database still works on (or flushes) the one before.
   */
  constructor(
    private readonly run: (items: T[]) => Promise<(R | Error)[]>,
    private readonly max = 500,
    private readonly concurrency = 1,
  ) {}

  /**
   * A free batch slot is taken once the event loop has run the I/O callbacks of this turn
   * (setImmediate), so that the requests that arrived together go in one batch rather than one
   * batch each while slots are free (one statement, one commit, one WAL flush instead of several).
   */
  submit(item: T) {
    return new Promise<R>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      if (this.active < this.concurrency && !this.scheduled) {
        this.scheduled = true;
        setImmediate(() => {
          this.scheduled = false;
          if (this.queue.length && this.active < this.concurrency) void this.flush();
        });
      }
    });
  }

  private async flush() {
    this.active++;
    try {
      while (this.queue.length) {
        const jobs = this.queue.splice(0, this.max);
        try {
          const out = await this.run(jobs.map((j) => j.item));
          jobs.forEach((j, i) => {
            const r = out[i];
            if (r instanceof Error) j.reject(r);
            else j.resolve(r);
          });
        } catch (err) {
          for (const j of jobs) j.reject(err);
        }
      }
    } finally {
      this.active--;
    }
  }
}

/** One group-commit queue of each kind per database handle. */
function perDb<T>(make: (db: Db) => T): (db: Db) => T {
  const all = new WeakMap<Db, T>();
  return (db) => {
    let x = all.get(db);
    if (!x) all.set(db, (x = make(db)));
    return x;
  };
}

const rowsOf = <T>(res: unknown) => (res as { rows: T[] }).rows;

/**
 * Fielded versions are frozen, so their definitions can be kept in memory for the intake path;
 * the direct path of link answers validates against each of them (see directBatches).
 */
const definitions = new Map<string, Questionnaire>();

async function definitionOf(db: Db, versionId: string): Promise<Questionnaire> {
  const hit = definitions.get(versionId);
  if (hit) return hit;
  const [v] = await db
    .select({ definition: surveyVersions.definition, frozenAt: surveyVersions.frozenAt })
    .from(surveyVersions)
    .where(eq(surveyVersions.id, versionId));
  if (!v) throw notFound('Questionnaire');
  const def = v.definition;
  if (v.frozenAt) definitions.set(versionId, def);
  return def;
}

interface InvitationContext {
  id: string;
  surveyId: string;
  stratum: string;
  profile: Record<string, string>;
  designWeight: number;
  status: string;
  quotas: Record<string, number>;
  versionId: string | null;
  title: string;
  titleEn: string | null;
  description: string | null;
  answered: boolean;
  hasDraft: boolean;
}

interface InvitationRow {
  hash: string;
  id: string;
  survey_id: string;
  stratum: string;
  profile: Record<string, string>;
  design_weight: number | string;
  status: string;
  quotas: Record<string, number>;
  fielded_version_id: string | null;
  title: string;
  title_en: string | null;
  description: string | null;
  answered: boolean;
  has_draft: boolean;
}

/**
 * Invitations by token or code hash, many look-ups in one statement. The hash lists go as one
 * jsonb parameter each, so the statement text is the same whatever the batch size.
 */
const lookups = perDb(
  (db) =>
    new GroupCommit<{ byCode: boolean; hash: string }, InvitationRow | null>(async (items) => {
      const tokens = items.filter((x) => !x.byCode).map((x) => x.hash);
      const codes = items.filter((x) => x.byCode).map((x) => x.hash);
      // `= any(array)` and `limit 1` subqueries keep every step an index probe per invitation: given
      // a set to match, the planner would hash whole tables (its row estimate for a set is 100).
      const pick = (column: 'token_hash' | 'code_hash', hashes: string[]) => sql`
        select i.${sql.raw(column)} as hash, i.id, i.survey_id, i.stratum, i.profile, i.design_weight,
          s.status, s.quotas, s.fielded_version_id, s.title, s.title_en, s.description,
          (select true from survey_responses r where r.invitation_id = i.id limit 1) as answered,
          (select true from survey_drafts d where d.invitation_id = i.id limit 1) as has_draft
        from survey_invitations i join surveys s on s.id = i.survey_id
        where i.${sql.raw(column)} = any (string_to_array(${hashes.join(',')}, ','))`;
      const query =
        tokens.length && codes.length
          ? sql`${pick('token_hash', tokens)} union all ${pick('code_hash', codes)}`
          : tokens.length
            ? pick('token_hash', tokens)
            : pick('code_hash', codes);
      const found = new Map(rowsOf<InvitationRow>(await db.execute(query)).map((r) => [r.hash, r]));
      return items.map((x) => found.get(x.hash) ?? null);
    }),
);

/** The invitation behind a link token or short code, with what answering needs. */
async function resolve(db: Db, tokenOrCode: string): Promise<InvitationContext> {
  const byCode = looksLikeCode(tokenOrCode);
  const row = await lookups(db).submit({
    byCode,
    hash: byCode ? hashCode(tokenOrCode) : hashToken(tokenOrCode),
  });
  // One answer for unknown and voided links alike: nothing to tell a guesser.
  if (!row) throw notFound('Invitation');
  return {
    id: row.id,
    surveyId: row.survey_id,
    stratum: row.stratum,
    profile: row.profile,
    designWeight: Number(row.design_weight),
    status: row.status,
    quotas: row.quotas,
    versionId: row.fielded_version_id,
    title: row.title,
    titleEn: row.title_en,
    description: row.description,
    answered: row.answered === true,
    hasDraft: row.has_draft === true,
  };
}

function assertOpen(ctx: { status: string; versionId: string | null }) {
  if (ctx.status !== 'fielding' || !ctx.versionId)
    throw conflict(
      ctx.status === 'draft' ? 'The survey has not started yet' : 'The survey is closed',
      [{ path: 'survey', message: ctx.status }],
      'survey_closed',
    );
}

/** What the public page shows for an invitation: the questionnaire, any saved answers, and whether it is still open. */
export async function openInvitation(db: Db, tokenOrCode: string) {
  const ctx = await resolve(db, tokenOrCode);
  const state = ctx.answered
    ? 'answered'
    : ctx.status === 'fielding'
      ? 'open'
      : ctx.status === 'draft'
        ? 'not_started'
        : 'closed';
  const base = {
    survey: { id: ctx.surveyId, title: ctx.title, titleEn: ctx.titleEn, description: ctx.description },
    state,
  };
  if (state !== 'open' || !ctx.versionId) return { ...base, version: null, answers: {} };
  const [draft] = ctx.hasDraft
    ? await db
        .select({ answers: surveyDrafts.answers })
        .from(surveyDrafts)
        .where(eq(surveyDrafts.invitationId, ctx.id))
    : [];
  return {
    ...base,
    version: { id: ctx.versionId, definition: await definitionOf(db, ctx.versionId) },
    answers: draft?.answers ?? {},
  };
}

/** Saves partial answers, to be resumed from the same link. */
export async function saveDraft(db: Db, tokenOrCode: string, answers: Answers) {
  const ctx = await resolve(db, tokenOrCode);
  if (ctx.answered)
    throw conflict(
      'This invitation has already been answered',
      [{ path: 'token', message: 'answered' }],
      'already_answered',
    );
  assertOpen(ctx);
  const problems = validateAnswers(await definitionOf(db, ctx.versionId!), answers, { complete: false });
  if (problems.length) throw badRequest(`${problems.length} problem(s) in the answers`, problems);
  const now = new Date();
  await db
    .insert(surveyDrafts)
    .values({ invitationId: ctx.id, versionId: ctx.versionId!, answers, updatedAt: now })
    .onConflictDoUpdate({ target: surveyDrafts.invitationId, set: { answers, updatedAt: now } });
  return { savedAt: now };
}

type ResponseRow = {
  surveyId: string;
  versionId: string;
  invitationId: string | null;
  mode: string;
  interviewerId: string | null;
  trust: 'sampled' | 'open';
  stratum: string;
  profile: Record<string, string>;
  designWeight: number;
  answers: Answers;
  /** The stratum had a quota when the answer came in: its batch takes the stratum's lock. */
  limited: boolean;
};
type Stored = { id: string; submittedAt: Date };

const alreadyAnswered = () =>
  conflict(
    'This invitation has already been answered',
    [{ path: 'token', message: 'answered' }],
    'already_answered',
  );
const quotaFull = (stratum: string, quota: number) =>
  conflict(
    `The quota of stratum ${stratum} (${quota}) is reached`,
    [{ path: 'stratum', message: `quota of ${stratum} full (${quota})` }],
    'quota_full',
  );

/**
 * Stores a batch of answers in one statement. Answers are taken in arrival order (`ord`):
 * - an invitation already answered takes no place in a quota, and `ON CONFLICT (invitation_id) DO
 *   NOTHING` lets the UNIQUE constraint decide between concurrent answers of one invitation;
 * - per stratum with a quota (as the survey row says now), only as many answers as places are left
 *   next to the answers already stored; the others are returned with the quota that refused them;
 * - the stored answers' saved drafts are dropped.
 * Response ids are made here so that every outcome maps back to its answer.
 */
function insertAnswers(db: DbOrTx, rows: (ResponseRow & { id: string })[]) {
  const batch = JSON.stringify(
    rows.map((r, ord) => ({
      ord,
      id: r.id,
      survey_id: r.surveyId,
      version_id: r.versionId,
      invitation_id: r.invitationId,
      mode: r.mode,
      interviewer_id: r.interviewerId,
      trust: r.trust,
      stratum: r.stratum,
      profile: r.profile,
      design_weight: r.designWeight,
      answers: r.answers,
    })),
  );
  return db.execute(sql`
    with v as (
      select v.*, (s.quotas ->> v.stratum)::int as quota
      from jsonb_to_recordset(${batch}::jsonb) as v(ord int, id uuid, survey_id uuid, version_id uuid,
        invitation_id uuid, mode text, interviewer_id uuid, trust text, stratum text, profile jsonb,
        design_weight float8, answers jsonb)
      join surveys s on s.id = v.survey_id),
    fresh as (
      select v.*, row_number() over (partition by v.survey_id, v.stratum order by v.ord) as place
      from v
      -- An index probe per answer (a 'limit 1' subquery is never hashed over the whole table).
      where (select true from survey_responses r where r.invitation_id = v.invitation_id limit 1) is null),
    used as (
      select r.survey_id, r.stratum, count(*)::int as n
      from survey_responses r
      join (select distinct survey_id, stratum from fresh where quota is not null) q
        on q.survey_id = r.survey_id and q.stratum = r.stratum
      group by r.survey_id, r.stratum),
    admitted as (
      select f.* from fresh f
      left join used u on u.survey_id = f.survey_id and u.stratum = f.stratum
      where f.quota is null or coalesce(u.n, 0) + f.place <= f.quota),
    ins as (
      insert into survey_responses
        (id, survey_id, version_id, invitation_id, mode, interviewer_id, trust, stratum, profile,
         design_weight, answers)
      select id, survey_id, version_id, invitation_id, mode, interviewer_id, trust, stratum, profile,
        design_weight, answers
      from admitted
      on conflict (invitation_id) do nothing
      returning *),
    del as (delete from survey_drafts where invitation_id in (select invitation_id from ins)),
    -- Each stored answer's audit entry, in the same statement (audit coverage: survey_response).
    aud as (${sql.raw(answerAuditCte('ins'))})
    select id, submitted_at, null::int as quota from ins
    union all
    select id, null, quota from fresh where id not in (select id from admitted)`);
}

/**
 * Group commit of answers (invitation and open mode alike), one insertAnswers statement per batch.
 *
 * Quotas under concurrency: the statement counts the stored answers of a stratum, which is exact
 * only if no other transaction adds answers to that stratum meanwhile (another server process, or
 * another batch in the same process on PostgreSQL's pool). So a batch with an answer in a stratum
 * that has a quota runs in a transaction that first takes a transaction-scoped advisory lock per
 * such stratum (in a fixed order, so two batches cannot deadlock). Under READ COMMITTED the insert
 * statement, started after the locks, sees every answer committed before: the quota holds exactly.
 * Batches without quota strata stay a single statement with no locking. (A quota set while answers
 * of its stratum are in flight applies from the batches that see it; it may be exceeded by those.)
 */
const answerBatches = perDb(
  (db) =>
    new GroupCommit<ResponseRow, Stored>(async (rows) => {
      const out: (Stored | Error)[] = rows.map(() => alreadyAnswered());
      // Two submissions of one invitation in the same batch: the first goes to the database.
      const seen = new Set<string>();
      const items: (ResponseRow & { id: string; at: number })[] = [];
      rows.forEach((r, at) => {
        if (r.invitationId !== null) {
          if (seen.has(r.invitationId)) return;
          seen.add(r.invitationId);
        }
        items.push({ ...r, id: randomUUID(), at });
      });
      const limited = items.filter((r) => r.limited).map((r) => [r.surveyId, r.stratum]);
      const res = limited.length
        ? await db.transaction(async (tx) => {
            await tx.execute(sql`
              select count(pg_advisory_xact_lock(k1, k2)) from (
                select distinct hashtext(x ->> 0) as k1, hashtext(x ->> 1) as k2
                from jsonb_array_elements(${JSON.stringify(limited)}::jsonb) x
                order by 1, 2) l`);
            return insertAnswers(tx, items);
          })
        : await insertAnswers(db, items);
      const byId = new Map(items.map((r) => [r.id, r]));
      for (const r of rowsOf<{ id: string; submitted_at: string | Date | null; quota: number | null }>(res)) {
        const item = byId.get(r.id)!;
        out[item.at] =
          r.quota !== null
            ? quotaFull(item.stratum, r.quota)
            : { id: r.id, submittedAt: new Date(r.submitted_at!) };
      }
      return out;
    }),
);

async function submitFor(
  db: Db,
  ctx: InvitationContext,
  answers: Answers,
  extra: { mode: string; interviewerId: string | null },
) {
  if (ctx.answered) throw alreadyAnswered();
  assertOpen(ctx);
  const problems = validateAnswers(await definitionOf(db, ctx.versionId!), answers, { complete: true });
  if (problems.length) throw badRequest(`${problems.length} problem(s) in the answers`, problems);
  return answerBatches(db).submit({
    surveyId: ctx.surveyId,
    versionId: ctx.versionId!,
    invitationId: ctx.id,
    mode: extra.mode,
    interviewerId: extra.interviewerId,
    trust: 'sampled',
    stratum: ctx.stratum,
    profile: ctx.profile,
    designWeight: ctx.designWeight,
    answers,
    limited: ctx.quotas[ctx.stratum] !== undefined,
  });
}

/**
 * The direct path of a link answer: look-up and insert in one statement per batch, no round trip
 * of its own. The answers were validated beforehand against the fielded versions this process
 * knows (`versions`: those they are valid for); the statement stores an answer only if the token's
 * invitation belongs to a survey that is fielding one of those versions, whose stratum has no
 * quota, and that is not answered yet (the UNIQUE constraint decides, races included). Anything else is
 * not stored here and answers null: the full path then looks the invitation up and gives the
 * precise outcome (404, 409 already answered or closed, 400 naming fields, quota).
 */
let directText: { name: string; text: string } | null = null;
/** The direct path's statement (one text: `$1` is the batch), prepared once per connection. */
function directStatement() {
  if (directText) return directText;
  const text = `
    with v as (
      select * from jsonb_to_recordset($1::jsonb)
        as v(id uuid, hash text, versions jsonb, answers jsonb)),
    ok as (
      select v.id, v.answers, i.id as invitation_id, i.survey_id, i.stratum, i.profile,
        i.design_weight, s.fielded_version_id as version_id
      from v
      -- LATERAL … LIMIT 1: one index probe per answer, never a scan of all invitations.
      cross join lateral (
        select * from survey_invitations i where i.token_hash = v.hash limit 1) i
      join surveys s on s.id = i.survey_id
      -- No look-up of stored answers here: ON CONFLICT below (a probe of the UNIQUE index) skips
      -- an answered invitation. In this prepared statement a look-up kept the plan made while the
      -- table was nearly empty: a sequential scan of all answers per answer as the table grew.
      where s.status = 'fielding' and v.versions ? s.fielded_version_id::text
        and s.quotas -> i.stratum is null),
    ins as (
      insert into survey_responses
        (id, survey_id, version_id, invitation_id, mode, interviewer_id, trust, stratum, profile,
         design_weight, answers)
      select id, survey_id, version_id, invitation_id, 'web', null, 'sampled', stratum, profile,
        design_weight, answers
      from ok
      -- Also keeps one of two answers to the same invitation in this batch (the other: 409).
      on conflict (invitation_id) do nothing
      returning *),
    del as (delete from survey_drafts where invitation_id in (select invitation_id from ins)),
    aud as (${answerAuditCte('ins')})
    select id, submitted_at from ins`;
  // The name follows the text: a changed text (another audit hash) is another prepared statement.
  directText = { name: `survey_direct_${createHash('sha1').update(text).digest('hex').slice(0, 12)}`, text };
  return directText;
}

/**
 * One statement with a single parameter, prepared once per connection on PostgreSQL (a named
 * statement: after a few runs the server keeps its plan, so a batch costs no planning; the big
 * statement took ~6 ms to plan, as long as running it for 30 answers). PGlite runs it as is.
 */
async function runPrepared<T>(db: Db, statement: { name: string; text: string }, value: string) {
  const client = (db as unknown as { $client: pg.Pool | PGlite }).$client;
  if ('totalCount' in client) {
    const res = await client.query({ name: statement.name, text: statement.text, values: [value] });
    return res.rows as T[];
  }
  return (await client.query<T>(statement.text, [value])).rows;
}

/**
 * The direct path of a link answer: look-up and insert in one statement per batch, no round trip
 * of its own. The answers were validated beforehand against the fielded versions this process
 * knows (`versions`: those they are valid for); the statement stores an answer only if the token's
 * invitation belongs to a survey that is fielding one of those versions, whose stratum has no
 * quota, and that is not answered yet (the UNIQUE constraint decides, races included). Anything else is
 * not stored here and answers null: the full path then looks the invitation up and gives the
 * precise outcome (404, 409 already answered or closed, 400 naming fields, quota).
 *
 * Up to three batches are in flight at once on PostgreSQL (each its own transaction on its own
 * connection): two batches with the same invitation are still decided by the UNIQUE constraint
 * (the loser's row is not inserted, so it answers null and takes the full path: 409), and no
 * quota is decided here. PGlite has one connection: one batch at a time.
 */
const directBatches = perDb(
  (db) =>
    new GroupCommit<{ hash: string; versions: string[]; answers: Answers }, Stored | null>(
      async (items) => {
        const ids = items.map(() => randomUUID());
        const batch = JSON.stringify(
          items.map((x, i) => ({
            id: ids[i],
            hash: x.hash,
            versions: x.versions,
            answers: x.answers,
          })),
        );
        const rows = await runPrepared<{ id: string; submitted_at: string | Date }>(
          db,
          directStatement(),
          batch,
        );
        const stored = new Map(rows.map((r) => [r.id, r.submitted_at]));
        return ids.map((id) => {
          const at = stored.get(id);
          return at === undefined ? null : { id, submittedAt: new Date(at) };
        });
      },
      500,
      'totalCount' in (db as unknown as { $client: object }).$client ? 3 : 1,
    ),
);

/** The respondent submits through the link: the answer is final. */
export async function submitByToken(db: Db, tokenOrCode: string, answers: Answers) {
  if (!looksLikeCode(tokenOrCode)) {
    const versions: string[] = [];
    for (const [id, def] of definitions)
      if (validateAnswers(def, answers, { complete: true }).length === 0) versions.push(id);
    if (versions.length) {
      const stored = await directBatches(db).submit({ hash: hashToken(tokenOrCode), versions, answers });
      if (stored) return stored;
    }
  }
  return submitFor(db, await resolve(db, tokenOrCode), answers, { mode: 'web', interviewerId: null });
}

/** An interviewer enters a paper, telephone or face-to-face answer against the invitation's code. */
export async function enterInterview(
  db: Db,
  actor: Actor | null,
  surveyId: string,
  input: { code: string; mode: 'paper' | 'phone' | 'face'; answers: Answers },
) {
  const a = requireOffice(actor, 'Interviewer entry');
  const ctx = await resolve(db, input.code);
  if (ctx.surveyId !== surveyId) throw notFound('Invitation');
  return submitFor(db, ctx, input.answers, { mode: input.mode, interviewerId: a.id });
}

/** The questionnaire of a survey open to everyone. */
export async function openModeSurvey(db: Db, surveyId: string) {
  const s = await loadSurvey(db, surveyId).catch(() => null);
  if (!s || !s.openMode || s.status !== 'fielding' || !s.fieldedVersionId) throw notFound('Open survey');
  return {
    survey: {
      id: s.id,
      title: s.title,
      titleEn: s.titleEn,
      description: s.description,
      strataFields: s.strataFields,
    },
    version: { id: s.fieldedVersionId, definition: await definitionOf(db, s.fieldedVersionId) },
  };
}

/** An answer without invitation (wide consultation): self-described profile, analysed apart as lower trust. */
export async function submitOpen(
  db: Db,
  surveyId: string,
  input: { answers: Answers; profile: Record<string, string> },
) {
  const s = await loadSurvey(db, surveyId).catch(() => null);
  if (!s || !s.openMode || s.status !== 'fielding' || !s.fieldedVersionId) throw notFound('Open survey');
  const missing = s.strataFields.filter((f) => !input.profile[f]?.trim());
  const problems = [
    ...missing.map((f) => ({ path: `profile.${f}`, message: 'required' })),
    ...validateAnswers(await definitionOf(db, s.fieldedVersionId), input.answers, { complete: true }),
  ];
  if (problems.length) throw badRequest(`${problems.length} problem(s) in the answers`, problems);
  const profile = Object.fromEntries(s.strataFields.map((f) => [f, input.profile[f].trim()]));
  const stratum = stratumOf(s.strataFields, profile);
  return answerBatches(db).submit({
    surveyId: s.id,
    versionId: s.fieldedVersionId,
    invitationId: null,
    mode: 'open',
    interviewerId: null,
    trust: 'open',
    stratum,
    profile,
    designWeight: 1,
    answers: input.answers,
    limited: s.quotas[stratum] !== undefined,
  });
}

import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { validateAnswers, type Answers } from '@perfcommons/domain';
import { rowsOf, type Db, type DbOrTx } from '../../../db/client';
import { GroupCommit, perDb } from '../../../lib/group-commit';
import { badRequest, conflict } from '../../../lib/errors';
import { answerAuditCte } from '../../audit/service';
import { definitionOf } from './definitions';
import { assertOpen, type InvitationContext } from './invitations';

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
export type Stored = { id: string; submittedAt: Date };

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
  return rowsOf<{ id: string; submitted_at: string | Date | null; quota: number | null }>(
    db,
    sql`
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
    select id, null, quota from fresh where id not in (select id from admitted)`,
  );
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
export const answerBatches = perDb(
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
      for (const r of res) {
        const item = byId.get(r.id)!;
        out[item.at] =
          r.quota !== null
            ? quotaFull(item.stratum, r.quota)
            : { id: r.id, submittedAt: new Date(r.submitted_at!) };
      }
      return out;
    }),
);

export async function submitFor(
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

import { createHash, randomUUID } from 'node:crypto';
import type { Answers } from '@perfcommons/domain';
import { GroupCommit, perDb } from '../../../lib/group-commit';
import { runPrepared } from '../../../lib/prepared-statement';
import { answerAuditCte } from '../../audit/service';
import type { Stored } from './answer-batches';

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
export const directBatches = perDb(
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

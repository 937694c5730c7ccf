/**
 * Answer intake: the public survey page (by link token or short code), saved partial answers,
 * interviewer entry (paper, phone, face to face) and open mode. One answer per invitation is the
 * UNIQUE constraint on survey_responses.invitation_id: the losing concurrent submissions get 409.
 */
import { and, count, eq, sql } from 'drizzle-orm';
import { validateAnswers, type Answers, type Questionnaire } from '@perfcommons/domain';
import type { Db } from '../../db/client';
import { surveyDrafts, surveyResponses, surveyVersions } from '../../db/schema';
import { requireOffice, type Actor } from '../../lib/actor';
import { badRequest, conflict, notFound } from '../../lib/errors';
import { loadSurvey, stratumOf } from './service';
import { hashCode, hashToken, looksLikeCode } from './tokens';

/** Fielded versions are frozen, so their definitions can be kept in memory for the intake path. */
const definitions = new Map<string, Questionnaire>();

async function definitionOf(db: Db, versionId: string): Promise<Questionnaire> {
  const hit = definitions.get(versionId);
  if (hit) return hit;
  const [v] = await db
    .select({ definition: surveyVersions.definition, frozenAt: surveyVersions.frozenAt })
    .from(surveyVersions)
    .where(eq(surveyVersions.id, versionId));
  if (!v) throw notFound('Questionnaire');
  const def = v.definition as Questionnaire;
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

/** The invitation behind a link token or short code, with what answering needs, in one query. */
async function resolve(db: Db, tokenOrCode: string): Promise<InvitationContext> {
  const byCode = looksLikeCode(tokenOrCode);
  const hash = byCode ? hashCode(tokenOrCode) : hashToken(tokenOrCode);
  // Raw SQL on the hot path of answer intake: one round trip, no query building per request.
  const res = await db.execute(sql`
    select i.id, i.survey_id, i.stratum, i.profile, i.design_weight, s.status, s.quotas,
      s.fielded_version_id, s.title, s.title_en, s.description,
      exists (select 1 from survey_responses r where r.invitation_id = i.id) as answered,
      exists (select 1 from survey_drafts d where d.invitation_id = i.id) as has_draft
    from survey_invitations i join surveys s on s.id = i.survey_id
    where ${byCode ? sql`i.code_hash` : sql`i.token_hash`} = ${hash}
    limit 1`);
  const row = (res as unknown as { rows: Record<string, unknown>[] }).rows[0];
  // One answer for unknown and voided links alike: nothing to tell a guesser.
  if (!row) throw notFound('Invitation');
  return {
    id: row.id as string,
    surveyId: row.survey_id as string,
    stratum: row.stratum as string,
    profile: row.profile as Record<string, string>,
    designWeight: Number(row.design_weight),
    status: row.status as string,
    quotas: row.quotas as Record<string, number>,
    versionId: row.fielded_version_id as string | null,
    title: row.title as string,
    titleEn: row.title_en as string | null,
    description: row.description as string | null,
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
    answers: (draft?.answers ?? {}) as Answers,
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

async function assertQuota(db: Db, surveyId: string, stratum: string, quotas: Record<string, number>) {
  const quota = quotas[stratum];
  if (quota === undefined) return;
  const [{ n }] = await db
    .select({ n: count() })
    .from(surveyResponses)
    .where(and(eq(surveyResponses.surveyId, surveyId), eq(surveyResponses.stratum, stratum)));
  if (n >= quota)
    throw conflict(
      `The quota of stratum ${stratum} (${quota}) is reached`,
      [{ path: 'stratum', message: 'quota full' }],
      'quota_full',
    );
}

type ResponseInsert = typeof surveyResponses.$inferInsert;
const alreadyAnswered = () =>
  conflict(
    'This invitation has already been answered',
    [{ path: 'token', message: 'answered' }],
    'already_answered',
  );

/** Inserts one answer without invitation (open mode). */
async function insertOpenResponse(db: Db, row: ResponseInsert) {
  const [r] = await db
    .insert(surveyResponses)
    .values(row)
    .returning({ id: surveyResponses.id, submittedAt: surveyResponses.submittedAt });
  return r;
}

interface Pending {
  row: ResponseInsert & { invitationId: string };
  resolve: (r: { id: string; submittedAt: Date }) => void;
  reject: (e: unknown) => void;
}

/**
 * Group commit of invitation answers: while one INSERT is in flight, the answers arriving meanwhile
 * queue up and go in the next one, so a burst costs one round trip and one WAL flush per batch
 * instead of per answer. Each batch is a single statement, `ON CONFLICT (invitation_id) DO NOTHING`:
 * the UNIQUE constraint still decides, and an answer whose row was not inserted gets the 409.
 * The same statement drops the invitations' saved drafts.
 */
class AnswerBatcher {
  private queue: Pending[] = [];
  private busy = false;
  constructor(private readonly db: Db) {}

  submit(row: Pending['row']) {
    return new Promise<{ id: string; submittedAt: Date }>((resolve, reject) => {
      this.queue.push({ row, resolve, reject });
      if (!this.busy) void this.flush();
    });
  }

  private async flush() {
    this.busy = true;
    while (this.queue.length) {
      const batch = this.queue.splice(0, 500);
      // Two submissions of one invitation in the same batch: the first goes to the database.
      const first = new Map<string, Pending>();
      for (const p of batch) {
        if (first.has(p.row.invitationId)) p.reject(alreadyAnswered());
        else first.set(p.row.invitationId, p);
      }
      const items = [...first.values()];
      try {
        const values = sql.join(
          items.map(
            ({ row: r }) =>
              sql`(${r.surveyId}::uuid, ${r.versionId}::uuid, ${r.invitationId}::uuid, ${r.mode}, ${r.interviewerId ?? null}::uuid, ${r.trust}, ${r.stratum}, ${JSON.stringify(r.profile)}::jsonb, ${r.designWeight ?? 1}::float8, ${JSON.stringify(r.answers)}::jsonb)`,
          ),
          sql`, `,
        );
        const res = await this.db.execute(sql`
          with ins as (
            insert into survey_responses
              (survey_id, version_id, invitation_id, mode, interviewer_id, trust, stratum, profile, design_weight, answers)
            values ${values}
            on conflict (invitation_id) do nothing
            returning id, invitation_id, submitted_at),
          del as (delete from survey_drafts where invitation_id in (select invitation_id from ins))
          select id, invitation_id, submitted_at from ins`);
        const stored = new Map(
          (
            res as unknown as { rows: { id: string; invitation_id: string; submitted_at: string | Date }[] }
          ).rows.map((r) => [r.invitation_id, r]),
        );
        for (const p of items) {
          const r = stored.get(p.row.invitationId);
          if (r) p.resolve({ id: r.id, submittedAt: new Date(r.submitted_at) });
          else p.reject(alreadyAnswered());
        }
      } catch (err) {
        for (const p of items) p.reject(err);
      }
    }
    this.busy = false;
  }
}

const batchers = new WeakMap<Db, AnswerBatcher>();
const batcherOf = (db: Db) => {
  let b = batchers.get(db);
  if (!b) batchers.set(db, (b = new AnswerBatcher(db)));
  return b;
};

async function submitFor(
  db: Db,
  ctx: InvitationContext,
  answers: Answers,
  extra: { mode: string; interviewerId: string | null },
) {
  if (ctx.answered)
    throw conflict(
      'This invitation has already been answered',
      [{ path: 'token', message: 'answered' }],
      'already_answered',
    );
  assertOpen(ctx);
  const problems = validateAnswers(await definitionOf(db, ctx.versionId!), answers, { complete: true });
  if (problems.length) throw badRequest(`${problems.length} problem(s) in the answers`, problems);
  await assertQuota(db, ctx.surveyId, ctx.stratum, ctx.quotas);
  return batcherOf(db).submit({
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
  });
}

/** The respondent submits through the link: the answer is final. */
export async function submitByToken(db: Db, tokenOrCode: string, answers: Answers) {
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
  await assertQuota(db, s.id, stratum, s.quotas);
  return insertOpenResponse(db, {
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
  });
}

/**
 * Answer intake: the public survey page (by link token or short code), saved partial answers,
 * interviewer entry (paper, phone, face to face) and open mode. One answer per invitation is the
 * UNIQUE constraint on survey_responses.invitation_id: the losing concurrent submissions get 409.
 */
import { and, count, eq, sql } from 'drizzle-orm';
import { validateAnswers, type Answers, type Questionnaire } from '@perfcommons/domain';
import type { Db } from '../../db/client';
import { surveyDrafts, surveyInvitations, surveyResponses, surveyVersions, surveys } from '../../db/schema';
import { requireOffice, type Actor } from '../../lib/actor';
import { badRequest, conflict, isUniqueViolation, notFound } from '../../lib/errors';
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
  const [row] = await db
    .select({
      id: surveyInvitations.id,
      surveyId: surveyInvitations.surveyId,
      stratum: surveyInvitations.stratum,
      profile: surveyInvitations.profile,
      designWeight: surveyInvitations.designWeight,
      status: surveys.status,
      quotas: surveys.quotas,
      versionId: surveys.fieldedVersionId,
      title: surveys.title,
      titleEn: surveys.titleEn,
      description: surveys.description,
      answered: sql<boolean>`exists (select 1 from survey_responses r where r.invitation_id = ${surveyInvitations.id})`,
      hasDraft: sql<boolean>`exists (select 1 from survey_drafts d where d.invitation_id = ${surveyInvitations.id})`,
    })
    .from(surveyInvitations)
    .innerJoin(surveys, eq(surveys.id, surveyInvitations.surveyId))
    .where(byCode ? eq(surveyInvitations.codeHash, hash) : eq(surveyInvitations.tokenHash, hash))
    .limit(1);
  // One answer for unknown and voided links alike: nothing to tell a guesser.
  if (!row) throw notFound('Invitation');
  return row;
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

/** Inserts one answer; a second answer to the same invitation hits the UNIQUE constraint and becomes a 409. */
async function insertResponse(db: Db, row: ResponseInsert, dropDraftOf: string | null) {
  try {
    if (!dropDraftOf) {
      const [r] = await db
        .insert(surveyResponses)
        .values(row)
        .returning({ id: surveyResponses.id, submittedAt: surveyResponses.submittedAt });
      return r;
    }
    return await db.transaction(async (tx) => {
      const [r] = await tx
        .insert(surveyResponses)
        .values(row)
        .returning({ id: surveyResponses.id, submittedAt: surveyResponses.submittedAt });
      await tx.delete(surveyDrafts).where(eq(surveyDrafts.invitationId, dropDraftOf));
      return r;
    });
  } catch (err) {
    if (isUniqueViolation(err))
      throw conflict(
        'This invitation has already been answered',
        [{ path: 'token', message: 'answered' }],
        'already_answered',
      );
    throw err;
  }
}

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
  return insertResponse(
    db,
    {
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
    },
    ctx.hasDraft ? ctx.id : null,
  );
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
  return insertResponse(
    db,
    {
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
    },
    null,
  );
}

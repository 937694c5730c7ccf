import { and, asc, count, desc, eq, inArray, isNotNull, isNull, sql } from 'drizzle-orm';
import {
  checkQuestionnaire,
  DomainError,
  sampleSizeByStratum,
  stratifiedSample,
  type AllocationMethod,
  type Questionnaire,
  type StratumSampleSizeOptions,
} from '@perfcommons/domain';
import type { Db, DbOrTx } from '../../db/client';
import {
  cycles,
  plans,
  surveyDrafts,
  surveyFrameUnits,
  surveyInvitations,
  surveyResponses,
  surveySamples,
  surveyVersions,
  surveys,
  users,
} from '../../db/schema';
import { requireOffice, type Actor } from '../../lib/actor';
import { decryptOptional, encryptOptional } from '../../lib/crypto';
import { badRequest, conflict, notFound, isUniqueViolation, type ErrorDetail } from '../../lib/errors';
import { appendAudit } from '../audit/service';
import { checkFrameRows, type FrameRowInput } from './frame';
import { outcomeSummary } from './outcomes';
import { hashCode, hashToken, newShortCode, newToken } from './tokens';

/** A domain error (bad size, missing sd …) becomes a 400 naming the field; anything else passes. */
export function domainToBadRequest(err: unknown): unknown {
  if (err instanceof DomainError) return badRequest(err.message, [{ path: err.field, message: err.message }]);
  return err;
}

export type SurveyRow = typeof surveys.$inferSelect;
type VersionRow = typeof surveyVersions.$inferSelect;

export const presentSurvey = (s: SurveyRow) => ({
  id: s.id,
  code: s.code,
  cycleId: s.cycleId,
  title: s.title,
  titleEn: s.titleEn,
  description: s.description,
  status: s.status,
  strataFields: s.strataFields,
  quotas: s.quotas,
  openMode: s.openMode,
  margins: s.margins,
  createdAt: s.createdAt,
  fieldingStartedAt: s.fieldingStartedAt,
  closedAt: s.closedAt,
  publishedAt: s.publishedAt,
});

const presentVersion = (v: VersionRow) => ({
  id: v.id,
  version: v.version,
  definition: v.definition,
  frozenAt: v.frozenAt,
  createdAt: v.createdAt,
});

/** The stratum key of a unit: the values of the survey's strata fields joined with '|'. */
export const stratumOf = (fields: string[], profile: Record<string, string | undefined>) =>
  fields.map((f) => profile[f] ?? '').join('|');

export async function loadSurvey(db: DbOrTx, id: string, opts: { lock?: boolean } = {}): Promise<SurveyRow> {
  const q = db.select().from(surveys).where(eq(surveys.id, id)).limit(1);
  const [row] = opts.lock ? await q.for('update') : await q;
  if (!row) throw notFound('Survey');
  return row;
}

async function latestVersion(db: DbOrTx, surveyId: string): Promise<VersionRow | undefined> {
  const [v] = await db
    .select()
    .from(surveyVersions)
    .where(eq(surveyVersions.surveyId, surveyId))
    .orderBy(desc(surveyVersions.version))
    .limit(1);
  return v;
}

/** Refuses a definition with structural problems, or scale items mapped to plans of another cycle. */
async function assertDefinition(db: DbOrTx, def: Questionnaire, cycleId: string | null) {
  const problems: ErrorDetail[] = checkQuestionnaire(def);
  const planRefs: { path: string; planId: string }[] = [];
  def.sections.forEach((s, si) =>
    s.questions.forEach((q, qi) => {
      const p = `definition.sections.${si}.questions.${qi}`;
      if (q.planId) planRefs.push({ path: `${p}.planId`, planId: q.planId });
      q.items?.forEach(
        (it, ii) => it.planId && planRefs.push({ path: `${p}.items.${ii}.planId`, planId: it.planId }),
      );
    }),
  );
  if (planRefs.length) {
    const ids = [...new Set(planRefs.map((r) => r.planId))];
    const found = await db
      .select({ id: plans.id, cycleId: plans.cycleId })
      .from(plans)
      .where(inArray(plans.id, ids));
    const byId = new Map(found.map((f) => [f.id, f.cycleId]));
    for (const r of planRefs) {
      if (!byId.has(r.planId)) problems.push({ path: r.path, message: 'no such plan' });
      else if (cycleId && byId.get(r.planId) !== cycleId)
        problems.push({ path: r.path, message: 'plan of another cycle than the survey' });
    }
  }
  if (problems.length) throw badRequest(`${problems.length} problem(s) in the questionnaire`, problems);
}

export interface CreateSurveyInput {
  code: string;
  title: string;
  titleEn?: string;
  description?: string;
  cycleId?: string;
  strataFields: string[];
  openMode?: boolean;
  quotas?: Record<string, number>;
  margins?: Record<string, Record<string, number>>;
  definition: Questionnaire;
}

export async function createSurvey(db: Db, actor: Actor | null, input: CreateSurveyInput) {
  const a = requireOffice(actor, 'Designing surveys');
  return db.transaction(async (tx) => {
    if (input.cycleId) {
      const [c] = await tx.select({ id: cycles.id }).from(cycles).where(eq(cycles.id, input.cycleId));
      if (!c) throw badRequest('No such cycle', [{ path: 'cycleId', message: 'no such cycle' }]);
    }
    await assertDefinition(tx, input.definition, input.cycleId ?? null);
    let row: SurveyRow;
    try {
      [row] = await tx
        .insert(surveys)
        .values({
          code: input.code,
          cycleId: input.cycleId ?? null,
          title: input.title,
          titleEn: input.titleEn ?? null,
          description: input.description ?? null,
          strataFields: input.strataFields,
          openMode: input.openMode ?? false,
          quotas: input.quotas ?? {},
          margins: input.margins ?? null,
          createdBy: a.id,
        })
        .returning();
    } catch (err) {
      if (isUniqueViolation(err))
        throw conflict(`Survey code ${input.code} is taken`, [{ path: 'code', message: 'taken' }]);
      throw err;
    }
    const [version] = await tx
      .insert(surveyVersions)
      .values({ surveyId: row.id, version: 1, definition: input.definition, createdBy: a.id })
      .returning();
    await appendAudit(tx, [
      {
        actorId: a.id,
        action: 'survey.create',
        entityType: 'survey',
        entityId: row.id,
        data: { code: row.code },
      },
    ]);
    return { survey: presentSurvey(row), version: presentVersion(version) };
  });
}

export async function listSurveys(db: Db, actor: Actor | null) {
  requireOffice(actor, 'Surveys');
  const rows = await db.select().from(surveys).orderBy(desc(surveys.createdAt));
  const counts = await db
    .select({ surveyId: surveyResponses.surveyId, n: count() })
    .from(surveyResponses)
    .groupBy(surveyResponses.surveyId);
  const invites = await db
    .select({ surveyId: surveyInvitations.surveyId, n: count() })
    .from(surveyInvitations)
    .groupBy(surveyInvitations.surveyId);
  const rc = new Map(counts.map((c) => [c.surveyId, c.n]));
  const ic = new Map(invites.map((c) => [c.surveyId, c.n]));
  return rows.map((s) => ({
    ...presentSurvey(s),
    responses: rc.get(s.id) ?? 0,
    invitations: ic.get(s.id) ?? 0,
  }));
}

export async function getSurvey(db: Db, actor: Actor | null, id: string) {
  requireOffice(actor, 'Surveys');
  const s = await loadSurvey(db, id);
  const version = await latestVersion(db, id);
  const [sample] = await db.select().from(surveySamples).where(eq(surveySamples.surveyId, id));
  const frame = await db
    .select({ stratum: surveyFrameUnits.stratum, n: count() })
    .from(surveyFrameUnits)
    .where(eq(surveyFrameUnits.surveyId, id))
    .groupBy(surveyFrameUnits.stratum)
    .orderBy(asc(surveyFrameUnits.stratum));
  return {
    survey: presentSurvey(s),
    version: version ? presentVersion(version) : null,
    sample: sample ? presentSample(sample) : null,
    frame: {
      size: frame.reduce((a, f) => a + f.n, 0),
      strata: frame.map((f) => ({ stratum: f.stratum, population: f.n })),
    },
  };
}

const presentSample = (s: typeof surveySamples.$inferSelect) => ({
  id: s.id,
  size: s.size,
  allocation: s.allocation,
  seed: s.seed,
  sd: s.sd,
  strata: s.strata,
  createdAt: s.createdAt,
});

export async function listVersions(db: Db, actor: Actor | null, id: string) {
  requireOffice(actor, 'Surveys');
  await loadSurvey(db, id);
  const rows = await db
    .select()
    .from(surveyVersions)
    .where(eq(surveyVersions.surveyId, id))
    .orderBy(desc(surveyVersions.version));
  return rows.map(presentVersion);
}

export interface UpdateSurveyInput {
  title?: string;
  titleEn?: string | null;
  description?: string | null;
  openMode?: boolean;
  quotas?: Record<string, number>;
  margins?: Record<string, Record<string, number>> | null;
}

/** Settings that may change at any time before publication (quotas and open mode steer fieldwork). */
export async function updateSurvey(db: Db, actor: Actor | null, id: string, input: UpdateSurveyInput) {
  const a = requireOffice(actor, 'Designing surveys');
  return db.transaction(async (tx) => {
    const s = await loadSurvey(tx, id, { lock: true });
    if (s.status === 'published')
      throw conflict('A published survey is not changed', [{ path: 'status', message: 'published' }]);
    const [row] = await tx.update(surveys).set(input).where(eq(surveys.id, id)).returning();
    await appendAudit(tx, [
      { actorId: a.id, action: 'survey.update', entityType: 'survey', entityId: id, data: input },
    ]);
    return presentSurvey(row);
  });
}

/** Saves the questionnaire as a new version; refused once fielding has frozen it, or when `version` is stale. */
export async function saveQuestionnaire(
  db: Db,
  actor: Actor | null,
  id: string,
  input: { definition: Questionnaire; version: number },
) {
  const a = requireOffice(actor, 'Designing surveys');
  return db.transaction(async (tx) => {
    const s = await loadSurvey(tx, id, { lock: true });
    const last = await latestVersion(tx, id);
    if (s.status !== 'draft' || last?.frozenAt)
      throw conflict(
        'The questionnaire is frozen since fielding started',
        [{ path: 'status', message: s.status }],
        'frozen',
      );
    if ((last?.version ?? 0) !== input.version)
      throw conflict(
        `The questionnaire changed meanwhile (now version ${last?.version ?? 0})`,
        [{ path: 'version', message: `expected ${last?.version ?? 0}` }],
        'version_conflict',
      );
    await assertDefinition(tx, input.definition, s.cycleId);
    const [v] = await tx
      .insert(surveyVersions)
      .values({ surveyId: id, version: input.version + 1, definition: input.definition, createdBy: a.id })
      .returning();
    await appendAudit(tx, [
      {
        actorId: a.id,
        action: 'survey.questionnaire',
        entityType: 'survey',
        entityId: id,
        data: { version: v.version },
      },
    ]);
    return presentVersion(v);
  });
}

/** Replaces the sampling frame, all rows or none; refused once a sample is drawn. */
export async function replaceFrame(db: Db, actor: Actor | null, id: string, rows: FrameRowInput[]) {
  return storeFrame(db, actor, id, rows, 'replace');
}

/**
 * Stores frame rows, all or none, refused once a sample is drawn. `replace` swaps the whole
 * frame; `append` adds the rows (a frame sent in chunks: the first chunk replaces, the rest
 * append; an id already in the frame is refused). Without a mode, a survey that already has a
 * frame is refused with 409 `frame_exists`, so a second chunk can never silently replace the first.
 */
export async function storeFrame(
  db: Db,
  actor: Actor | null,
  id: string,
  rows: FrameRowInput[],
  mode: 'replace' | 'append' | undefined,
) {
  const a = requireOffice(actor, 'Sampling');
  return db.transaction(async (tx) => {
    const s = await loadSurvey(tx, id, { lock: true });
    const [sample] = await tx
      .select({ id: surveySamples.id })
      .from(surveySamples)
      .where(eq(surveySamples.surveyId, id));
    if (sample || s.status !== 'draft')
      throw conflict('The frame is fixed once a sample is drawn', [
        { path: 'frame', message: 'sample drawn' },
      ]);
    const details = checkFrameRows(rows, s.strataFields);
    if (details.length) throw badRequest(`${details.length} row(s) refused; nothing was stored`, details);
    if (rows.length === 0) throw badRequest('The frame has no rows', [{ path: 'rows', message: 'empty' }]);
    const existing = await tx
      .select({ externalId: surveyFrameUnits.externalId })
      .from(surveyFrameUnits)
      .where(eq(surveyFrameUnits.surveyId, id));
    if (!mode && existing.length)
      throw conflict(
        `The survey already has a frame of ${existing.length} units: say whether to replace it or append to it`,
        [{ path: 'mode', message: 'replace or append' }],
        'frame_exists',
      );
    if (mode === 'append') {
      const have = new Set(existing.map((e) => e.externalId));
      const dup: ErrorDetail[] = [];
      rows.forEach((r, i) => {
        if (have.has(r.id.trim())) dup.push({ path: `rows.${i}.id`, message: 'already in the frame' });
      });
      if (dup.length) throw badRequest(`${dup.length} row(s) already in the frame; nothing was stored`, dup);
    } else await tx.delete(surveyFrameUnits).where(eq(surveyFrameUnits.surveyId, id));
    const values = rows.map((r) => {
      const profile = Object.fromEntries(s.strataFields.map((f) => [f, (r[f] ?? '').trim()]));
      return {
        surveyId: id,
        externalId: r.id.trim(),
        stratum: stratumOf(s.strataFields, profile),
        profile,
        // Personal data: encrypted at rest, decrypted only for the invitation file.
        contact: encryptOptional(r.contact?.trim()),
      };
    });
    for (let i = 0; i < values.length; i += 2000)
      await tx.insert(surveyFrameUnits).values(values.slice(i, i + 2000));
    const strata = new Map<string, number>();
    const all = await tx
      .select({ stratum: surveyFrameUnits.stratum, n: count() })
      .from(surveyFrameUnits)
      .where(eq(surveyFrameUnits.surveyId, id))
      .groupBy(surveyFrameUnits.stratum);
    for (const r of all) strata.set(r.stratum, r.n);
    const total = all.reduce((x, r) => x + r.n, 0);
    const replaced = mode === 'append' ? 0 : existing.length;
    await appendAudit(tx, [
      {
        actorId: a.id,
        action: 'survey.frame',
        entityType: 'survey',
        entityId: id,
        data: { rows: values.length, mode: mode ?? 'replace', replaced, total },
      },
    ]);
    return {
      mode: mode ?? 'replace',
      inserted: values.length,
      replaced,
      total,
      strata: [...strata]
        .sort(([x], [y]) => (x < y ? -1 : 1))
        .map(([stratum, population]) => ({ stratum, population })),
    };
  });
}

export interface SampleInput {
  size: number;
  allocation: AllocationMethod;
  seed: string;
  sd?: Record<string, number>;
}

/**
 * Draws the stratified sample (domain `stratifiedSample`, reproducible from the seed) and makes
 * one invitation per drawn unit. A sample may be redrawn until its invitations are issued.
 */
export async function drawSample(db: Db, actor: Actor | null, id: string, input: SampleInput) {
  const a = requireOffice(actor, 'Sampling');
  return db.transaction(async (tx) => {
    const s = await loadSurvey(tx, id, { lock: true });
    if (s.status !== 'draft')
      throw conflict('The sample is drawn before fielding', [{ path: 'status', message: s.status }]);
    const [issued] = await tx
      .select({ id: surveyInvitations.id })
      .from(surveyInvitations)
      .where(and(eq(surveyInvitations.surveyId, id), isNotNull(surveyInvitations.issuedAt)))
      .limit(1);
    if (issued)
      throw conflict('Invitations were already issued; the sample cannot be redrawn', [
        { path: 'sample', message: 'issued' },
      ]);
    const frame = await tx
      .select({
        id: surveyFrameUnits.id,
        externalId: surveyFrameUnits.externalId,
        stratum: surveyFrameUnits.stratum,
        profile: surveyFrameUnits.profile,
      })
      .from(surveyFrameUnits)
      .where(eq(surveyFrameUnits.surveyId, id));
    if (frame.length === 0)
      throw conflict('Import a sampling frame first', [{ path: 'frame', message: 'empty' }]);
    let drawn;
    try {
      drawn = stratifiedSample(
        frame.map((f) => ({ id: f.externalId, stratum: f.stratum, unitId: f.id, profile: f.profile })),
        { size: input.size, allocation: input.allocation, seed: input.seed, sd: input.sd },
      );
    } catch (err) {
      throw domainToBadRequest(err);
    }
    await tx.delete(surveyInvitations).where(eq(surveyInvitations.surveyId, id));
    await tx.delete(surveySamples).where(eq(surveySamples.surveyId, id));
    const [sample] = await tx
      .insert(surveySamples)
      .values({
        surveyId: id,
        size: drawn.sample.length,
        allocation: input.allocation,
        seed: input.seed,
        sd: input.sd ?? null,
        strata: drawn.allocation,
        createdBy: a.id,
      })
      .returning();
    const invites = drawn.sample.map((u) => ({
      surveyId: id,
      frameUnitId: u.unitId,
      stratum: u.stratum,
      profile: u.profile,
      designWeight: u.designWeight,
    }));
    for (let i = 0; i < invites.length; i += 2000)
      await tx.insert(surveyInvitations).values(invites.slice(i, i + 2000));
    await appendAudit(tx, [
      {
        actorId: a.id,
        action: 'survey.sample',
        entityType: 'survey',
        entityId: id,
        // The sample and the invitations are snapshotted with the survey (audit coverage companions).
        data: { size: sample.size, allocation: sample.allocation, seed: sample.seed },
      },
    ]);
    return presentSample(sample);
  });
}

/** The drawn units, by frame id, in draw order per stratum (for audit and reproduction). */
export async function getSample(db: Db, actor: Actor | null, id: string) {
  requireOffice(actor, 'Sampling');
  await loadSurvey(db, id);
  const [sample] = await db.select().from(surveySamples).where(eq(surveySamples.surveyId, id));
  if (!sample) throw notFound('Sample');
  const members = await db
    .select({
      externalId: surveyFrameUnits.externalId,
      stratum: surveyInvitations.stratum,
      designWeight: surveyInvitations.designWeight,
    })
    .from(surveyInvitations)
    .innerJoin(surveyFrameUnits, eq(surveyFrameUnits.id, surveyInvitations.frameUnitId))
    .where(eq(surveyInvitations.surveyId, id))
    .orderBy(asc(surveyInvitations.stratum), asc(surveyFrameUnits.externalId));
  return { sample: presentSample(sample), members };
}

/**
 * Issues link tokens and short codes to the sampled units that have none (or re-issues the given
 * invitations, voiding their old links). Only hashes are stored: the plain values are in this
 * answer and nowhere else, to be printed or sent at once.
 */
export async function issueInvitations(
  db: Db,
  actor: Actor | null,
  id: string,
  input: { reissue?: string[]; unanswered?: { stratum?: string } },
) {
  const a = requireOffice(actor, 'Issuing invitations');
  for (let attempt = 0; ; attempt++) {
    try {
      return await db.transaction(async (tx) => {
        const s = await loadSurvey(tx, id, { lock: true });
        if (s.status === 'closed' || s.status === 'published')
          throw conflict('Fieldwork is over', [{ path: 'status', message: s.status }]);
        const cond = input.unanswered
          ? and(
              eq(surveyInvitations.surveyId, id),
              isNotNull(surveyInvitations.tokenHash),
              input.unanswered.stratum ? eq(surveyInvitations.stratum, input.unanswered.stratum) : undefined,
              sql`not exists (select 1 from survey_responses r where r.invitation_id = ${surveyInvitations.id})`,
            )
          : input.reissue?.length
            ? and(eq(surveyInvitations.surveyId, id), inArray(surveyInvitations.id, input.reissue))
            : and(eq(surveyInvitations.surveyId, id), isNull(surveyInvitations.tokenHash));
        const targets = await tx
          .select({
            id: surveyInvitations.id,
            stratum: surveyInvitations.stratum,
            externalId: surveyFrameUnits.externalId,
            contact: surveyFrameUnits.contact,
          })
          .from(surveyInvitations)
          .leftJoin(surveyFrameUnits, eq(surveyFrameUnits.id, surveyInvitations.frameUnitId))
          .where(cond)
          .orderBy(asc(surveyInvitations.stratum), asc(surveyFrameUnits.externalId));
        const items = targets.map((t) => ({ ...t, token: newToken(), shortCode: newShortCode() }));
        for (let i = 0; i < items.length; i += 2000) {
          const chunk = items
            .slice(i, i + 2000)
            .map((x) => ({ id: x.id, th: hashToken(x.token), ch: hashCode(x.shortCode) }));
          await tx.execute(sql`
            update survey_invitations i set token_hash = v.th, code_hash = v.ch, issued_at = now()
            from jsonb_to_recordset(${JSON.stringify(chunk)}::jsonb) as v(id uuid, th text, ch text)
            where i.id = v.id`);
        }
        await appendAudit(tx, [
          input.unanswered
            ? {
                actorId: a.id,
                action: 'survey.invitations.reissue',
                entityType: 'survey',
                entityId: id,
                // A new invitation file: every earlier link and code of these invitations stops working.
                data: {
                  reissued: items.length,
                  stratum: input.unanswered.stratum ?? null,
                  unansweredOnly: true,
                },
              }
            : {
                actorId: a.id,
                action: 'survey.invitations.issue',
                entityType: 'survey',
                entityId: id,
                data: { issued: items.length, reissue: !!input.reissue?.length },
              },
        ]);
        return items.map((x) => ({
          invitationId: x.id,
          externalId: x.externalId,
          contact: decryptOptional(x.contact),
          stratum: x.stratum,
          token: x.token,
          shortCode: x.shortCode,
          link: `/s/${x.token}`,
        }));
      });
    } catch (err) {
      // A short-code collision (≈ n²/2⁵⁰) rolls everything back; draw new codes once more.
      if (attempt < 2 && isUniqueViolation(err)) continue;
      throw err;
    }
  }
}

/**
 * The invitation file again, after the page that showed it was left: only SHA-256 hashes of links and
 * codes are stored, so the plain ones cannot be shown twice. Instead every issued invitation without
 * an answer (of one stratum, or all) gets a new link and code, and the old ones stop working — which
 * the caller confirms explicitly (`confirm: true`); audited `survey.invitations.reissue`. Saved drafts
 * stay with their invitation, so a respondent who had started resumes from the new link; answered
 * invitations keep theirs (nothing to send again).
 */
export async function regenerateInvitations(
  db: Db,
  actor: Actor | null,
  id: string,
  input: { confirm: boolean; stratum?: string },
) {
  requireOffice(actor, 'Issuing invitations');
  if (input.confirm !== true)
    throw badRequest('Confirm that the earlier links and codes will stop working', [
      { path: 'confirm', message: 'must be true' },
    ]);
  return issueInvitations(db, actor, id, { unanswered: { stratum: input.stratum } });
}

export type InvitationStatus = 'sampled' | 'issued' | 'partial' | 'answered';

export async function listInvitations(
  db: Db,
  actor: Actor | null,
  id: string,
  q: { stratum?: string; status?: InvitationStatus; limit: number; offset: number },
) {
  requireOffice(actor, 'Invitations');
  await loadSurvey(db, id);
  const statusSql = sql<InvitationStatus>`case when ${surveyResponses.id} is not null then 'answered'
    when ${surveyDrafts.invitationId} is not null then 'partial'
    when ${surveyInvitations.issuedAt} is not null then 'issued' else 'sampled' end`;
  const where = and(
    eq(surveyInvitations.surveyId, id),
    q.stratum ? eq(surveyInvitations.stratum, q.stratum) : undefined,
    q.status ? sql`${statusSql} = ${q.status}` : undefined,
  );
  const base = db
    .select({
      id: surveyInvitations.id,
      externalId: surveyFrameUnits.externalId,
      stratum: surveyInvitations.stratum,
      designWeight: surveyInvitations.designWeight,
      issuedAt: surveyInvitations.issuedAt,
      status: statusSql,
      outcome: surveyInvitations.outcome,
      mode: surveyResponses.mode,
      submittedAt: surveyResponses.submittedAt,
    })
    .from(surveyInvitations)
    .leftJoin(surveyFrameUnits, eq(surveyFrameUnits.id, surveyInvitations.frameUnitId))
    .leftJoin(surveyResponses, eq(surveyResponses.invitationId, surveyInvitations.id))
    .leftJoin(surveyDrafts, eq(surveyDrafts.invitationId, surveyInvitations.id))
    .where(where);
  const items = await base
    .orderBy(asc(surveyInvitations.stratum), asc(surveyFrameUnits.externalId))
    .limit(q.limit)
    .offset(q.offset);
  const [{ total }] = await db
    .select({ total: count() })
    .from(surveyInvitations)
    .leftJoin(surveyResponses, eq(surveyResponses.invitationId, surveyInvitations.id))
    .leftJoin(surveyDrafts, eq(surveyDrafts.invitationId, surveyInvitations.id))
    .where(where);
  return { items, total };
}

/** Starts fieldwork: the latest questionnaire version is frozen and every answer will refer to it. */
export async function startFielding(db: Db, actor: Actor | null, id: string) {
  const a = requireOffice(actor, 'Fieldwork');
  return db.transaction(async (tx) => {
    const s = await loadSurvey(tx, id, { lock: true });
    if (s.status !== 'draft')
      throw conflict(`The survey is ${s.status}`, [{ path: 'status', message: s.status }]);
    const v = await latestVersion(tx, id);
    if (!v) throw conflict('The survey has no questionnaire', [{ path: 'definition', message: 'missing' }]);
    await assertDefinition(tx, v.definition, s.cycleId);
    const [inv] = await tx
      .select({ n: count() })
      .from(surveyInvitations)
      .where(eq(surveyInvitations.surveyId, id));
    if (inv.n === 0 && !s.openMode)
      throw conflict('Draw a sample (or allow open mode) before fielding', [
        { path: 'sample', message: 'missing' },
      ]);
    const now = new Date();
    await tx.update(surveyVersions).set({ frozenAt: now }).where(eq(surveyVersions.id, v.id));
    const [row] = await tx
      .update(surveys)
      .set({ status: 'fielding', fieldingStartedAt: now, fieldedVersionId: v.id })
      .where(eq(surveys.id, id))
      .returning();
    await appendAudit(tx, [
      {
        actorId: a.id,
        action: 'survey.start',
        entityType: 'survey',
        entityId: id,
        data: { version: v.version },
      },
    ]);
    return presentSurvey(row);
  });
}

export async function closeFielding(db: Db, actor: Actor | null, id: string) {
  const a = requireOffice(actor, 'Fieldwork');
  return db.transaction(async (tx) => {
    const s = await loadSurvey(tx, id, { lock: true });
    if (s.status !== 'fielding')
      throw conflict(`The survey is ${s.status}`, [{ path: 'status', message: s.status }]);
    const [row] = await tx
      .update(surveys)
      .set({ status: 'closed', closedAt: new Date() })
      .where(eq(surveys.id, id))
      .returning();
    await appendAudit(tx, [{ actorId: a.id, action: 'survey.close', entityType: 'survey', entityId: id }]);
    return presentSurvey(row);
  });
}

/** Live fieldwork: per stratum sampled, issued, partial and completed answers, response rate and quota; by mode and interviewer. */
export async function fieldwork(db: Db, actor: Actor | null, id: string) {
  requireOffice(actor, 'Fieldwork');
  const s = await loadSurvey(db, id);
  const inv = await db
    .select({
      stratum: surveyInvitations.stratum,
      sampled: count(),
      issued: sql<number>`count(${surveyInvitations.issuedAt})::int`,
      partial: sql<number>`count(${surveyDrafts.invitationId})::int`,
    })
    .from(surveyInvitations)
    .leftJoin(surveyDrafts, eq(surveyDrafts.invitationId, surveyInvitations.id))
    .where(eq(surveyInvitations.surveyId, id))
    .groupBy(surveyInvitations.stratum);
  const resp = await db
    .select({ stratum: surveyResponses.stratum, trust: surveyResponses.trust, n: count() })
    .from(surveyResponses)
    .where(eq(surveyResponses.surveyId, id))
    .groupBy(surveyResponses.stratum, surveyResponses.trust);
  const byMode = await db
    .select({ mode: surveyResponses.mode, n: count() })
    .from(surveyResponses)
    .where(eq(surveyResponses.surveyId, id))
    .groupBy(surveyResponses.mode)
    .orderBy(asc(surveyResponses.mode));
  const byInterviewer = await db
    .select({
      interviewerId: surveyResponses.interviewerId,
      name: users.displayName,
      nameEn: users.displayNameEn,
      mode: surveyResponses.mode,
      n: count(),
    })
    .from(surveyResponses)
    .innerJoin(users, eq(users.id, surveyResponses.interviewerId))
    .where(eq(surveyResponses.surveyId, id))
    .groupBy(surveyResponses.interviewerId, users.displayName, users.displayNameEn, surveyResponses.mode)
    .orderBy(asc(users.displayName));
  const keys = new Set([
    ...inv.map((i) => i.stratum),
    ...resp.map((r) => r.stratum),
    ...Object.keys(s.quotas),
  ]);
  const strata = [...keys].sort().map((stratum) => {
    const i = inv.find((x) => x.stratum === stratum);
    const sampled = resp.find((r) => r.stratum === stratum && r.trust === 'sampled')?.n ?? 0;
    const open = resp.find((r) => r.stratum === stratum && r.trust === 'open')?.n ?? 0;
    return {
      stratum,
      sampled: i?.sampled ?? 0,
      issued: i?.issued ?? 0,
      partial: i?.partial ?? 0,
      responses: sampled,
      open,
      responseRate: i && i.sampled > 0 ? sampled / i.sampled : null,
      quota: s.quotas[stratum] ?? null,
    };
  });
  const tot = strata.reduce(
    (acc, x) => ({
      sampled: acc.sampled + x.sampled,
      responses: acc.responses + x.responses,
      open: acc.open + x.open,
    }),
    { sampled: 0, responses: 0, open: 0 },
  );
  return {
    strata,
    total: { ...tot, responseRate: tot.sampled > 0 ? tot.responses / tot.sampled : null },
    byMode,
    byInterviewer,
    /** AAPOR dispositions and RR1, COOP1, REF1, CON1 per stratum and in total. */
    outcomes: await outcomeSummary(db, id),
  };
}

export interface SampleSizeInput extends StratumSampleSizeOptions {
  surveyId?: string;
  strata?: { stratum: string; population: number }[];
}

/** Sample size per stratum for a margin of error; the strata default to the survey frame's. */
export async function sampleSize(db: Db, actor: Actor | null, input: SampleSizeInput) {
  requireOffice(actor, 'Sampling');
  let strata = input.strata;
  if (!strata && input.surveyId) {
    await loadSurvey(db, input.surveyId);
    strata = (
      await db
        .select({ stratum: surveyFrameUnits.stratum, population: count() })
        .from(surveyFrameUnits)
        .where(eq(surveyFrameUnits.surveyId, input.surveyId))
        .groupBy(surveyFrameUnits.stratum)
        .orderBy(asc(surveyFrameUnits.stratum))
    ).map((r) => ({ stratum: r.stratum, population: r.population }));
  }
  if (!strata?.length)
    throw badRequest('Give strata or a survey with a frame', [{ path: 'strata', message: 'required' }]);
  const { surveyId: _s, strata: _st, ...opts } = input;
  try {
    return sampleSizeByStratum(strata, opts);
  } catch (err) {
    throw domainToBadRequest(err);
  }
}

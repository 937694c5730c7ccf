import { sql } from 'drizzle-orm';
import { rowsOf, type Db } from '../../../db/client';
import { GroupCommit, perDb } from '../../../lib/group-commit';
import { conflict, notFound } from '../../../lib/errors';
import { hashCode, hashToken, looksLikeCode } from '../tokens';
import { acceptsAnswers } from '../use-cases/permissions';

export interface InvitationContext {
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
      const found = new Map((await rowsOf<InvitationRow>(db, query)).map((r) => [r.hash, r]));
      return items.map((x) => found.get(x.hash) ?? null);
    }),
);

/** The invitation behind a link token or short code, with what answering needs. */
export async function resolveInvitation(db: Db, tokenOrCode: string): Promise<InvitationContext> {
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

export function assertOpen(ctx: { status: string; versionId: string | null }) {
  if (!acceptsAnswers(ctx))
    throw conflict(
      ctx.status === 'draft' ? 'The survey has not started yet' : 'The survey is closed',
      [{ path: 'survey', message: ctx.status }],
      'survey_closed',
    );
}

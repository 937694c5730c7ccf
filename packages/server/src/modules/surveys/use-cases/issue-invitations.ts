import { and, asc, eq, inArray, isNotNull, isNull, sql } from 'drizzle-orm';
import type { Db } from '../../../db/client';
import { surveyFrameUnits, surveyInvitations } from '../../../db/schema';
import { requireOffice, type Actor } from '../../../lib/actor';
import { decryptOptional } from '../../../lib/crypto';
import { conflict, isUniqueViolation } from '../../../lib/errors';
import { appendAudit } from '../../audit/service';
import { hashCode, hashToken, newShortCode, newToken } from '../tokens';
import { loadSurvey } from './shared';
import { canIssueInvitations } from './permissions';

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
        if (!canIssueInvitations(s))
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

/** A participant's declared tie to an organisation unit. */
export interface ParticipantRelationship {
  /** Org unit the participant is tied to. */
  orgUnitId: string;
  /** Kind of tie, e.g. 'service_recipient' 办事群众, 'applicant', 'complainant', 'resident_served'. */
  kind: string;
  /** Confirmed against records (e.g. a case number or service log) by the performance office. */
  verified: boolean;
}

/** Participant fields used for relevance 相关度. */
export interface RelevanceParticipant {
  /** Participant category, e.g. 'public', 'service_recipient', 'enterprise', 'deputy', 'expert'. */
  category: string;
  /** District of residence or business. */
  district?: string;
  /** Declared ties to org units. */
  relationships: ParticipantRelationship[];
}

/** Appraisee fields used for relevance. */
export interface RelevanceAppraisee {
  /** The appraised org unit (for a cadre: the unit they lead). */
  orgUnitId: string;
  /** Districts the unit serves; empty/absent = no district bonus. */
  districtsServed?: string[];
  /** Appraisee-specific base per participant category, overriding the rules' categoryBase. */
  categoryWeights?: Record<string, number>;
}

/** Points that make up a relevance score; see {@link DEFAULT_RELEVANCE_RULES}. */
export interface RelevanceRules {
  /** Base points by participant category. */
  categoryBase: Record<string, number>;
  /** Base for categories not listed. */
  defaultBase: number;
  /** Added when the participant's district is among the districts the appraisee serves. */
  districtServed: number;
  /** Points for a declared tie to the appraisee's unit, by kind. */
  relationshipKinds: Record<string, number>;
  /** Points for a declared tie of an unlisted kind. */
  defaultRelationship: number;
  /** Added on top when that tie is verified. */
  verifiedBonus: number;
}

/**
 * Default relevance rules 相关度规则. A participant who has used the unit's services (verified)
 * and lives in a district it serves reaches 0.4 + 0.15 + 0.25 + 0.2 = 1.0; an anonymous member
 * of the public elsewhere gets 0.2. Only the strongest tie to the appraisee counts, so declaring
 * many ties does not stack. The score is capped at 1.
 */
export const DEFAULT_RELEVANCE_RULES: RelevanceRules = {
  categoryBase: {
    service_recipient: 0.4,
    enterprise: 0.35,
    deputy: 0.35,
    expert: 0.3,
    public: 0.2,
    third_party: 0.2,
  },
  defaultBase: 0.1,
  districtServed: 0.15,
  relationshipKinds: {
    service_recipient: 0.25,
    applicant: 0.25,
    complainant: 0.2,
    resident_served: 0.15,
  },
  defaultRelationship: 0.1,
  verifiedBonus: 0.2,
};

/** A relevance score with its explanation. */
export interface RelevanceScore {
  /** 0..1. */
  score: number;
  /** Each contribution; sums to the score before the cap (a negative 'cap' part records any excess removed). */
  parts: { reason: string; points: number }[];
}

/**
 * Stakeholder relevance 绩效相关度 of a participant to an appraisee, explained part by part:
 * category base (appraisee's categoryWeights first, then the rules), + district served,
 * + the strongest declared tie to the appraisee's unit, + a bonus when that tie is verified; capped at 1.
 */
export function relevanceScore(
  participant: RelevanceParticipant,
  appraisee: RelevanceAppraisee,
  rules: RelevanceRules = DEFAULT_RELEVANCE_RULES,
): RelevanceScore {
  const parts: { reason: string; points: number }[] = [];
  const cat = participant.category;
  const base =
    appraisee.categoryWeights?.[cat] ??
    (Object.hasOwn(rules.categoryBase, cat) ? rules.categoryBase[cat] : rules.defaultBase);
  parts.push({ reason: `category ${cat}`, points: base });
  if (participant.district !== undefined && appraisee.districtsServed?.includes(participant.district))
    parts.push({
      reason: `lives or works in served district ${participant.district}`,
      points: rules.districtServed,
    });
  let best: { rel: ParticipantRelationship; points: number } | null = null;
  for (const rel of participant.relationships) {
    if (rel.orgUnitId !== appraisee.orgUnitId) continue;
    const declared = Object.hasOwn(rules.relationshipKinds, rel.kind)
      ? rules.relationshipKinds[rel.kind]
      : rules.defaultRelationship;
    const points = declared + (rel.verified ? rules.verifiedBonus : 0);
    if (!best || points > best.points) best = { rel, points };
  }
  if (best) {
    const declared = best.points - (best.rel.verified ? rules.verifiedBonus : 0);
    parts.push({ reason: `declared relationship ${best.rel.kind}`, points: declared });
    if (best.rel.verified)
      parts.push({ reason: `relationship ${best.rel.kind} verified`, points: rules.verifiedBonus });
  }
  const raw = parts.reduce((a, p) => a + p.points, 0);
  const score = Math.min(1, Math.max(0, raw));
  if (score !== raw) parts.push({ reason: raw > 1 ? 'capped at 1' : 'floored at 0', points: score - raw });
  return { score, parts };
}

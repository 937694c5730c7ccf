import { and, eq, inArray } from 'drizzle-orm';
import {
  DEFAULT_RELEVANCE_RULES,
  relevanceScore,
  type RelevanceAppraisee,
  type RelevanceParticipant,
  type RelevanceRules,
  type RelevanceScore,
} from '@perfcommons/domain';
import type { DbOrTx } from '../../db/client';
import {
  orgUnits,
  participantProfiles,
  participantRelationships,
  serviceRecords,
  users,
} from '../../db/schema';
import { keyedDigest } from '../../lib/crypto';
import { sha256 } from '../../lib/hash';

/**
 * Relevance rules of PerfCommons: the domain defaults plus the profile categories and tie kinds
 * used here (residents weigh like the general public, businesses close to enterprises).
 */
export const PARTICIPATION_RULES: RelevanceRules = {
  ...DEFAULT_RELEVANCE_RULES,
  categoryBase: {
    ...DEFAULT_RELEVANCE_RULES.categoryBase,
    urban_resident: 0.2,
    rural_resident: 0.2,
    individual_business: 0.3,
    social_org: 0.2,
  },
  relationshipKinds: { ...DEFAULT_RELEVANCE_RULES.relationshipKinds, supervised: 0.25 },
};

/** Relevance counted as "high" in reports and interview seats. */
export const HIGH_RELEVANCE = 0.6;

/**
 * Digest of a contact as units import it and profiles keep it: never the contact itself. Keyed
 * (HMAC under a subkey of the PII master key), because a plain hash of an 11-digit phone number is
 * found by trying them all; with the key kept apart from the database it cannot be.
 */
export function contactHash(kind: 'email' | 'phone', value: string): string {
  const v =
    kind === 'email' ? value.trim().toLowerCase() : value.replace(/\D/g, '').replace(/^86(?=\d{11}$)/, '');
  return keyedDigest('contact-match', `${kind}:${v}`);
}

/** The hash a unit's invitation records for the account it invited (a service record by invitation). */
export const accountHash = (userId: string) => sha256(`account:${userId}`);

export interface Participant extends RelevanceParticipant {
  userId: string;
  displayName: string;
  hasProfile: boolean;
}

/** Profiles, ties and verification of the given users (all profiled users when `userIds` is undefined). */
export async function loadParticipants(db: DbOrTx, userIds?: string[]): Promise<Map<string, Participant>> {
  const out = new Map<string, Participant>();
  if (userIds && userIds.length === 0) return out;
  const ids = userIds ? [...new Set(userIds)] : undefined;
  const profileRows = await db
    .select({ p: participantProfiles, displayName: users.displayName })
    .from(participantProfiles)
    .innerJoin(users, eq(users.id, participantProfiles.userId))
    .where(ids ? inArray(participantProfiles.userId, ids) : undefined);
  const hashes = new Map<string, string[]>();
  for (const { p, displayName } of profileRows) {
    out.set(p.userId, {
      userId: p.userId,
      displayName,
      category: p.category,
      district: p.district ?? undefined,
      relationships: [],
      hasProfile: true,
    });
    hashes.set(
      p.userId,
      [p.emailHash, p.phoneHash, accountHash(p.userId)].filter((h): h is string => !!h),
    );
  }
  const missing = (ids ?? []).filter((id) => !out.has(id));
  if (missing.length) {
    const rows = await db
      .select({ id: users.id, displayName: users.displayName })
      .from(users)
      .where(inArray(users.id, missing));
    for (const u of rows) {
      out.set(u.id, {
        userId: u.id,
        displayName: u.displayName,
        category: 'urban_resident',
        relationships: [],
        hasProfile: false,
      });
      hashes.set(u.id, [accountHash(u.id)]);
    }
  }
  const rels = await db
    .select()
    .from(participantRelationships)
    .where(ids ? inArray(participantRelationships.userId, ids) : undefined);
  if (rels.length) {
    const allHashes = [...new Set(rels.flatMap((r) => hashes.get(r.userId) ?? []))];
    const records = allHashes.length
      ? await db
          .select({ orgUnitId: serviceRecords.orgUnitId, contactHash: serviceRecords.contactHash })
          .from(serviceRecords)
          .where(
            and(
              inArray(serviceRecords.contactHash, allHashes),
              inArray(serviceRecords.orgUnitId, [...new Set(rels.map((r) => r.orgUnitId))]),
            ),
          )
      : [];
    const known = new Set(records.map((r) => `${r.orgUnitId}|${r.contactHash}`));
    for (const r of rels) {
      const p = out.get(r.userId);
      if (!p) continue;
      const verified = (hashes.get(r.userId) ?? []).some((h) => known.has(`${r.orgUnitId}|${h}`));
      p.relationships.push({ orgUnitId: r.orgUnitId, kind: r.kind, verified });
    }
  }
  return out;
}

/** Districts an org unit serves: a district itself, a city department every district. */
export async function appraiseeResolver(db: DbOrTx) {
  const units = await db.select({ id: orgUnits.id, code: orgUnits.code, kind: orgUnits.kind }).from(orgUnits);
  const districts = units.filter((u) => u.kind === 'district').map((u) => u.code);
  const byId = new Map(units.map((u) => [u.id, u]));
  return (orgUnitId: string): RelevanceAppraisee => {
    const u = byId.get(orgUnitId);
    return {
      orgUnitId,
      districtsServed: u?.kind === 'district' ? [u.code] : districts,
    };
  };
}

/** Relevance of each participant to the appraisee unit, explained part by part. */
export function relevanceOf(p: RelevanceParticipant, appraisee: RelevanceAppraisee): RelevanceScore {
  const r = relevanceScore(p, appraisee, PARTICIPATION_RULES);
  return { score: Math.round(r.score * 1000) / 1000, parts: r.parts };
}

import { randomBytes } from 'node:crypto';
import { PRIVACY_NOTICE_VERSION } from '@perfcommons/contracts';
import { and, eq, gt, isNull, or } from 'drizzle-orm';
import type { Db } from '../../db/client';
import {
  orgUnits,
  participantProfiles,
  participantRelationships,
  participationInvitations,
  privacyConsents,
  roleAssignments,
  serviceRecords,
  users,
} from '../../db/schema';
import { isOffice, requireActor, type Actor } from '../../lib/actor';
import {
  badRequest,
  conflict,
  forbidden,
  isUniqueViolation,
  notFound,
  type ErrorDetail,
} from '../../lib/errors';
import { sha256 } from '../../lib/hash';
import { appendAudit } from '../audit/service';
import { hashPassword, passwordPolicyProblems } from '../auth/password';
import { weakPassword } from '../auth/service';
import { contactLookup, encryptOptional, normalizeContact } from '../../lib/crypto';
import { assertUnitOfficial, loadUnit, requireParticipant } from './access';
import { accountHash, appraiseeResolver, contactHash, loadParticipants, relevanceOf } from './relevance';

export interface RegisterInput {
  email?: string;
  phone?: string;
  password: string;
  displayName: string;
  category?: string;
  district?: string;
  invitationToken?: string;
  /** Version of the privacy notice the person agreed to; must be the current one. */
  privacyNotice: string;
}

/** The privacy notice in force (its text is in the portal); registration records consent to this version. */
export { PRIVACY_NOTICE_VERSION };

/**
 * Registers a public participant (role `public`) with e-mail or phone and password, or through an
 * invitation token. A unit's invitation records the tie it names as verified (the unit invited
 * this person), so the participant starts with that relevance.
 *
 * Personal information (PIPL): the e-mail and phone are stored encrypted (`lib/crypto`) with a keyed blind
 * index for login; the login name is a random `p-…` handle, never the contact; consent to the privacy
 * notice's version is recorded. The answer never reveals whether the e-mail or phone had an account:
 * a known contact gets the same answer, and nothing is created (the person logs in with what they have).
 * Registration does not log in; the client logs in with `login` and the password.
 */
export async function registerParticipant(db: Db, input: RegisterInput) {
  const email = input.email ? normalizeContact('email', input.email) : undefined;
  const phone = input.phone ? normalizeContact('phone', input.phone) : undefined;
  if (!email && !phone && !input.invitationToken)
    throw badRequest('Give an e-mail, a phone number or an invitation token', [
      { path: 'email', message: 'email, phone or invitationToken required' },
    ]);
  if (input.privacyNotice !== PRIVACY_NOTICE_VERSION)
    throw badRequest('Agree to the current privacy notice', [
      { path: 'privacyNotice', message: `must be ${PRIVACY_NOTICE_VERSION}` },
    ]);
  const problems = passwordPolicyProblems(email ?? phone ?? '', input.password, [
    ...(email ? [email.split('@')[0]] : []),
    input.displayName,
  ]);
  if (problems.length) throw weakPassword(problems, 'password');
  const username = `p-${randomBytes(6).toString('hex')}`;
  const login = email ?? phone ?? username;
  // The same answer whether or not the contact had an account; the account (if made) for the caller.
  const answer = (userId: string | null) => ({ registered: true as const, login, userId });
  const passwordHash = await hashPassword(input.password);
  const emailLookup = email ? contactLookup('email', email) : null;
  const phoneLookup = phone ? contactLookup('phone', phone) : null;
  const known =
    (emailLookup || phoneLookup) &&
    (
      await db
        .select({ id: users.id })
        .from(users)
        .where(
          or(
            emailLookup ? eq(users.emailLookup, emailLookup) : undefined,
            phoneLookup ? eq(users.phoneLookup, phoneLookup) : undefined,
          ),
        )
        .limit(1)
    ).length;
  if (known) return answer(null);
  try {
    return await db.transaction(async (tx) => {
      let invitation: typeof participationInvitations.$inferSelect | undefined;
      if (input.invitationToken) {
        [invitation] = await tx
          .update(participationInvitations)
          .set({ usedAt: new Date() })
          .where(
            and(
              eq(participationInvitations.tokenHash, sha256(input.invitationToken)),
              isNull(participationInvitations.usedAt),
              gt(participationInvitations.expiresAt, new Date()),
            ),
          )
          .returning();
        if (!invitation)
          throw badRequest('The invitation is unknown, used or expired', [
            { path: 'invitationToken', message: 'invalid' },
          ]);
      }
      const [user] = await tx
        .insert(users)
        .values({
          username,
          email: encryptOptional(email),
          phone: encryptOptional(phone),
          emailLookup,
          phoneLookup,
          passwordHash,
          passwordSetAt: new Date(),
          displayName: input.displayName,
        })
        .returning();
      await tx.insert(roleAssignments).values({ userId: user.id, role: 'public', orgUnitId: null });
      await tx.insert(privacyConsents).values({ userId: user.id, noticeVersion: PRIVACY_NOTICE_VERSION });
      await tx.insert(participantProfiles).values({
        userId: user.id,
        category: input.category ?? invitation?.category ?? 'urban_resident',
        district: input.district ?? null,
        emailHash: email ? contactHash('email', email) : null,
        phoneHash: phone ? contactHash('phone', phone) : null,
      });
      if (invitation) {
        await tx
          .update(participationInvitations)
          .set({ usedBy: user.id })
          .where(eq(participationInvitations.id, invitation.id));
        if (invitation.orgUnitId && invitation.relationshipKind) {
          await tx.insert(participantRelationships).values({
            userId: user.id,
            orgUnitId: invitation.orgUnitId,
            kind: invitation.relationshipKind,
            note: 'invitation',
          });
          await tx.insert(serviceRecords).values({
            orgUnitId: invitation.orgUnitId,
            contactHash: accountHash(user.id),
            kind: invitation.relationshipKind,
            importedBy: invitation.createdBy,
          });
        }
      }
      await appendAudit(tx, [
        {
          actorId: user.id,
          action: 'participant.register' as const,
          entityType: 'user',
          entityId: user.id,
          data: { invitation: invitation?.id ?? null, privacyNotice: PRIVACY_NOTICE_VERSION },
        },
        // The invitation's service record verifies the tie: the unit's records are audited with it.
        ...(invitation?.orgUnitId && invitation.relationshipKind
          ? [
              {
                actorId: user.id,
                action: 'participant.register.tie' as const,
                entityType: 'org_unit',
                entityId: invitation.orgUnitId,
                data: { invitation: invitation.id },
              },
            ]
          : []),
      ]);
      return answer(user.id);
    });
  } catch (err) {
    // Registered a moment ago by someone else: the same answer as for any known contact.
    if (isUniqueViolation(err)) return answer(null);
    throw err;
  }
}

/** Invitation tokens for a unit's service recipients (or general ones from the office); tokens are shown once. */
export async function createInvitations(
  db: Db,
  actor: Actor | null,
  input: {
    orgUnitId?: string;
    category?: string;
    relationshipKind?: string;
    count: number;
    expiresInDays: number;
  },
) {
  const a = requireActor(actor);
  return db.transaction(async (tx) => {
    if (input.orgUnitId)
      assertUnitOfficial(a, (await loadUnit(tx, input.orgUnitId)).path, 'Inviting participants');
    else if (!isOffice(a)) throw forbidden('General invitations are for the performance office');
    const expiresAt = new Date(Date.now() + input.expiresInDays * 86_400_000);
    const tokens = Array.from({ length: input.count }, () => randomBytes(18).toString('base64url'));
    const rows = await tx
      .insert(participationInvitations)
      .values(
        tokens.map((t) => ({
          tokenHash: sha256(t),
          orgUnitId: input.orgUnitId ?? null,
          category: input.category ?? null,
          relationshipKind: input.orgUnitId ? (input.relationshipKind ?? 'service_recipient') : null,
          createdBy: a.id,
          expiresAt,
        })),
      )
      .returning({ id: participationInvitations.id });
    await appendAudit(tx, [
      {
        actorId: a.id,
        action: 'participation.invite',
        entityType: 'org_unit',
        entityId: input.orgUnitId ?? 'all',
        data: { count: input.count },
      },
    ]);
    return rows.map((r, i) => ({ id: r.id, token: tokens[i], expiresAt }));
  });
}

/** The participant's own profile, ties (with verification) and relevance to each unit they declared. */
export async function getProfile(db: Db, actor: Actor | null) {
  const a = requireParticipant(actor);
  const p = (await loadParticipants(db, [a.id])).get(a.id)!;
  const rels = await db
    .select({ r: participantRelationships, name: orgUnits.name, nameEn: orgUnits.nameEn })
    .from(participantRelationships)
    .innerJoin(orgUnits, eq(orgUnits.id, participantRelationships.orgUnitId))
    .where(eq(participantRelationships.userId, a.id));
  const resolve = await appraiseeResolver(db);
  return {
    profile: {
      userId: a.id,
      displayName: a.displayName,
      category: p.category,
      district: p.district ?? null,
      complete: p.hasProfile,
    },
    relationships: rels.map(({ r, name, nameEn }) => ({
      id: r.id,
      orgUnitId: r.orgUnitId,
      orgName: name,
      orgNameEn: nameEn,
      kind: r.kind,
      note: r.note,
      verified: p.relationships.some((x) => x.orgUnitId === r.orgUnitId && x.kind === r.kind && x.verified),
      relevance: relevanceOf(p, resolve(r.orgUnitId)),
    })),
  };
}

export async function updateProfile(
  db: Db,
  actor: Actor | null,
  input: { category: string; district?: string | null; displayName?: string },
) {
  const a = requireParticipant(actor);
  await db.transaction(async (tx) => {
    if (input.district) {
      const [d] = await tx
        .select()
        .from(orgUnits)
        .where(and(eq(orgUnits.code, input.district), eq(orgUnits.kind, 'district')));
      if (!d)
        throw badRequest(`No district ${input.district}`, [
          { path: 'district', message: 'unknown district code' },
        ]);
    }
    await tx
      .insert(participantProfiles)
      .values({ userId: a.id, category: input.category, district: input.district ?? null })
      .onConflictDoUpdate({
        target: participantProfiles.userId,
        set: { category: input.category, district: input.district ?? null, updatedAt: new Date() },
      });
    if (input.displayName)
      await tx.update(users).set({ displayName: input.displayName }).where(eq(users.id, a.id));
    await appendAudit(tx, [
      { actorId: a.id, action: 'participant.profile', entityType: 'user', entityId: a.id, data: input },
    ]);
  });
  return getProfile(db, { ...a, displayName: input.displayName ?? a.displayName });
}

export async function declareRelationship(
  db: Db,
  actor: Actor | null,
  input: { orgUnitId: string; kind: string; note?: string },
) {
  const a = requireParticipant(actor);
  await loadUnit(db, input.orgUnitId);
  try {
    return await db.transaction(async (tx) => {
      const [row] = await tx
        .insert(participantRelationships)
        .values({ userId: a.id, orgUnitId: input.orgUnitId, kind: input.kind, note: input.note ?? null })
        .returning();
      // Ties decide relevance: audited with the participant (user entry, participant snapshot).
      await appendAudit(tx, [
        { actorId: a.id, action: 'participant.tie.declare', entityType: 'user', entityId: a.id, data: input },
      ]);
      return row;
    });
  } catch (err) {
    if (isUniqueViolation(err))
      throw conflict('You declared this tie already', [{ path: 'kind', message: 'duplicate' }], 'duplicate');
    throw err;
  }
}

export async function removeRelationship(db: Db, actor: Actor | null, id: string) {
  const a = requireParticipant(actor);
  await db.transaction(async (tx) => {
    const gone = await tx
      .delete(participantRelationships)
      .where(and(eq(participantRelationships.id, id), eq(participantRelationships.userId, a.id)))
      .returning();
    if (!gone.length) throw notFound('Relationship');
    await appendAudit(tx, [
      { actorId: a.id, action: 'participant.tie.remove', entityType: 'user', entityId: a.id, data: { id } },
    ]);
  });
  return { ok: true as const };
}

const isIsoDate = (d: string) =>
  /^\d{4}-\d{2}-\d{2}$/.test(d) && !Number.isNaN(Date.parse(d)) && new Date(d).toISOString().startsWith(d);

/** Parses `contact,kind,servedOn` CSV (header row first); contacts are e-mails or phone numbers. */
export function parseServiceRecords(csv: string) {
  const lines = csv
    .replace(/^\uFEFF/, '')
    .split(/\r?\n/)
    .filter((l) => l.trim() !== '');
  const header = (lines.shift() ?? '').split(',').map((h) => h.trim().replace(/^"|"$/g, ''));
  const col = (name: string) => header.indexOf(name);
  if (col('contact') < 0)
    throw badRequest('Missing column contact', [{ path: 'csv.columns.contact', message: 'missing header' }]);
  const details: ErrorDetail[] = [];
  const rows = lines.map((line, i) => {
    const cells = line.split(',').map((c) => c.trim().replace(/^"|"$/g, ''));
    const contact = cells[col('contact')] ?? '';
    const kind = (col('kind') >= 0 ? cells[col('kind')] : '') || 'service_recipient';
    const servedOn = (col('servedOn') >= 0 ? cells[col('servedOn')] : '') || null;
    const isEmail = contact.includes('@');
    if (!isEmail && contact.replace(/\D/g, '').length < 7)
      details.push({ path: `rows.${i}.contact`, message: `row ${i + 2}: not an e-mail or phone number` });
    if (servedOn && !isIsoDate(servedOn))
      details.push({ path: `rows.${i}.servedOn`, message: `row ${i + 2}: '${servedOn}' is not YYYY-MM-DD` });
    return { hash: contactHash(isEmail ? 'email' : 'phone', contact), kind, servedOn };
  });
  if (details.length)
    throw badRequest(`${details.length} problem(s) in the file; nothing was stored`, details);
  return rows;
}

/**
 * A unit imports its service records; only contact hashes are stored. Declared ties of participants
 * whose e-mail or phone hash matches become verified. All or nothing.
 */
export async function importServiceRecords(db: Db, actor: Actor | null, orgUnitId: string, csv: string) {
  const rows = parseServiceRecords(csv);
  return db.transaction(async (tx) => {
    const unit = await loadUnit(tx, orgUnitId);
    const a = assertUnitOfficial(actor, unit.path, 'Importing service records');
    let imported = 0;
    for (let i = 0; i < rows.length; i += 1000) {
      const stored = await tx
        .insert(serviceRecords)
        .values(
          rows.slice(i, i + 1000).map((r) => ({
            orgUnitId,
            contactHash: r.hash,
            kind: r.kind,
            servedOn: r.servedOn,
            importedBy: a.id,
          })),
        )
        .onConflictDoNothing()
        .returning({ id: serviceRecords.id });
      imported += stored.length;
    }
    const declared = await tx
      .select({ userId: participantRelationships.userId })
      .from(participantRelationships)
      .where(eq(participantRelationships.orgUnitId, orgUnitId));
    const people = await loadParticipants(
      tx,
      declared.map((d) => d.userId),
    );
    const verified = [...people.values()].filter((p) =>
      p.relationships.some((r) => r.orgUnitId === orgUnitId && r.verified),
    ).length;
    await appendAudit(tx, [
      {
        actorId: a.id,
        action: 'participation.service_records.import',
        entityType: 'org_unit',
        entityId: orgUnitId,
        data: { rows: rows.length, imported },
      },
    ]);
    return { rows: rows.length, imported, verifiedParticipants: verified };
  });
}

/**
 * PIPL rights of a participant over their own account (arts. 45, 47): download every personal datum the
 * platform holds about them, and delete the account. Deletion erases contacts, profile and declared ties
 * and disables the login; ratings, comments and needs stay (they fed published results) but point to an
 * account with no name or contact left. Both are audited (`user.data_download` as a security event,
 * `user.delete` as the account's `user` entry, so verify-audit covers the erased row).
 */
import { randomBytes } from 'node:crypto';
import { eq } from 'drizzle-orm';
import type { Db, DbOrTx } from '../../db/client';
import {
  needs,
  needSupports,
  participantProfiles,
  participantRelationships,
  planComments,
  privacyConsents,
  publicRatings,
  ratings,
  roleAssignments,
  sessions,
  threadPosts,
  threads,
  users,
} from '../../db/schema';
import { requireActor, type Actor } from '../../lib/actor';
import { decryptField } from '../../lib/crypto';
import { badRequest, forbidden, notFound } from '../../lib/errors';
import { appendAudit } from '../audit/service';
import { hashPassword, verifyPassword } from '../auth/password';

const plain = (v: string | null) => (v ? decryptField(v) : null);

/**
 * Everything held about the signed-in account, contacts decrypted (the JSON file of the
 * `participation.personal-data` job, personal-data-job.ts). Audited in the caller's transaction, so the
 * job's file and its audit entry are committed together or not at all.
 */
export async function personalData(tx: DbOrTx, actor: Actor | null, ip: string | null) {
  const a = requireActor(actor);
  const [u] = await tx.select().from(users).where(eq(users.id, a.id));
  if (!u) throw notFound('User');
  const data = {
    format: 'perfcommons-personal-data',
    exportedAt: new Date().toISOString(),
    account: {
      id: u.id,
      username: u.username,
      displayName: u.displayName,
      displayNameEn: u.displayNameEn,
      email: plain(u.email),
      phone: plain(u.phone),
      createdAt: u.createdAt,
      lastLoginAt: u.lastLoginAt,
      lastLoginIp: u.lastLoginIp,
      secondFactor: u.totpEnabledAt !== null,
    },
    roles: await tx
      .select({ role: roleAssignments.role, orgUnitId: roleAssignments.orgUnitId })
      .from(roleAssignments)
      .where(eq(roleAssignments.userId, u.id)),
    profile:
      (await tx.select().from(participantProfiles).where(eq(participantProfiles.userId, u.id))).map(
        ({ emailHash: _e, phoneHash: _p, ...p }) => p,
      )[0] ?? null,
    relationships: await tx
      .select()
      .from(participantRelationships)
      .where(eq(participantRelationships.userId, u.id)),
    consents: await tx.select().from(privacyConsents).where(eq(privacyConsents.userId, u.id)),
    publicRatings: await tx.select().from(publicRatings).where(eq(publicRatings.userId, u.id)),
    ratings: await tx.select().from(ratings).where(eq(ratings.raterId, u.id)),
    comments: await tx.select().from(planComments).where(eq(planComments.authorId, u.id)),
    needs: await tx.select().from(needs).where(eq(needs.authorId, u.id)),
    needSupports: await tx.select().from(needSupports).where(eq(needSupports.userId, u.id)),
    threads: await tx.select().from(threads).where(eq(threads.authorId, u.id)),
    threadPosts: await tx.select().from(threadPosts).where(eq(threadPosts.authorId, u.id)),
  };
  await appendAudit(tx, [
    {
      actorId: u.id,
      action: 'user.data_download',
      entityType: 'user',
      entityId: u.id,
      data: { ip },
    },
  ]);
  return data;
}

/**
 * Deletes the signed-in participant's account (public participants only; officials' accounts are
 * ended by the administrator). Confirmed by the current password.
 */
export async function deleteOwnAccount(db: Db, actor: Actor | null, currentPassword: string) {
  const a = requireActor(actor);
  if (!a.roles.every((r) => r.role === 'public'))
    throw forbidden("Officials' accounts are closed by the system administrator");
  const [u] = await db.select().from(users).where(eq(users.id, a.id));
  if (!u || u.deletedAt) throw notFound('User');
  if (!(await verifyPassword(currentPassword, u.passwordHash)))
    throw badRequest(
      'Wrong password',
      [{ path: 'currentPassword', message: 'does not match' }],
      'wrong_password',
    );
  // A password nobody knows: the account cannot be logged into again.
  const unusable = await hashPassword(randomBytes(32).toString('base64url'));
  return db.transaction(async (tx) => {
    await tx.delete(participantRelationships).where(eq(participantRelationships.userId, u.id));
    await tx.delete(participantProfiles).where(eq(participantProfiles.userId, u.id));
    await tx.delete(sessions).where(eq(sessions.userId, u.id));
    const handle = `deleted-${randomBytes(6).toString('hex')}`;
    await tx
      .update(users)
      .set({
        username: handle,
        displayName: '—',
        displayNameEn: null,
        email: null,
        phone: null,
        emailLookup: null,
        phoneLookup: null,
        passwordHash: unusable,
        disabled: true,
        mustChangePassword: false,
        totpSecret: null,
        totpEnabledAt: null,
        lastLoginIp: null,
        deletedAt: new Date(),
      })
      .where(eq(users.id, u.id));
    // Contributions stay (anonymous now): their counts in the entry, nothing personal.
    const kept = {
      publicRatings: (
        await tx.select({ id: publicRatings.id }).from(publicRatings).where(eq(publicRatings.userId, u.id))
      ).length,
      ratings: (await tx.select({ id: ratings.id }).from(ratings).where(eq(ratings.raterId, u.id))).length,
      comments: (
        await tx.select({ id: planComments.id }).from(planComments).where(eq(planComments.authorId, u.id))
      ).length,
    };
    await appendAudit(tx, [
      { actorId: u.id, action: 'user.delete', entityType: 'user', entityId: u.id, data: { handle, kept } },
    ]);
    return { deleted: true as const, kept };
  });
}

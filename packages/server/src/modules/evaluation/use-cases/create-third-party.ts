import { randomBytes } from 'node:crypto';
import type { Db } from '../../../db/client';
import { roleAssignments, users } from '../../../db/schema';
import { requireOffice, type Actor } from '../../../lib/actor';
import { conflict, isUniqueViolation } from '../../../lib/errors';
import { appendAudit } from '../../audit/service';
import { hashPassword } from '../../auth/password';

/** Creates a scoped account for a third-party evaluation organisation; the password is shown once. */
export async function createThirdParty(
  db: Db,
  actor: Actor | null,
  input: { username: string; displayName: string; displayNameEn?: string },
) {
  const a = requireOffice(actor, 'Creating third-party accounts');
  const password = randomBytes(12).toString('base64url');
  const passwordHash = await hashPassword(password);
  try {
    return await db.transaction(async (tx) => {
      const [u] = await tx
        .insert(users)
        .values({
          username: input.username,
          displayName: input.displayName,
          displayNameEn: input.displayNameEn,
          passwordHash,
        })
        .returning();
      await tx.insert(roleAssignments).values({ userId: u.id, role: 'evaluator', orgUnitId: null });
      await appendAudit(tx, [
        { actorId: a.id, action: 'user.create.third_party', entityType: 'user', entityId: u.id, data: input },
      ]);
      return { user: { id: u.id, username: u.username, displayName: u.displayName }, password };
    });
  } catch (err) {
    if (isUniqueViolation(err))
      throw conflict('This username is taken', [{ path: 'username', message: 'taken' }]);
    throw err;
  }
}

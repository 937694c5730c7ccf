/**
 * PIPL rights of a participant over their own account (arts. 45, 47): download every personal datum the
 * platform holds about them, and delete the account. Deletion erases contacts, profile, declared ties and
 * the account's data downloads, and disables the login; ratings, comments and needs stay (they fed published results) but point to an
 * account with no name or contact left. Both are audited (`user.data_download` as a security event,
 * `user.delete` as the account's `user` entry, so verify-audit covers the erased row).
 */
import { randomBytes } from 'node:crypto';
import { and, eq, gt, inArray } from 'drizzle-orm';
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core';
import type { Db, DbOrTx } from '../../db/client';
import {
  jobOutputs,
  jobs,
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

/** Rows of one list of the file read at a time (memory holds one page, whatever the account holds). */
export const PERSONAL_DATA_PAGE_ROWS = 500;

/** A list of the file, read a page at a time: the rows after `after` (a key), in key order. */
interface Paged<T> {
  page(after: string | null, limit: number): Promise<T[]>;
  key(row: T): string;
}

/** The key of a row whose id is not a field of the file (JSON.stringify leaves symbol keys out). */
const ROW_KEY = Symbol('key');

/** The rows of `table` whose `owner` column is the account, by id. */
function byId(tx: DbOrTx, table: PgTable & { id: PgColumn }, owner: PgColumn, userId: string) {
  return paged(
    (key, limit) =>
      tx
        .select()
        .from(table)
        .where(and(eq(owner, userId), key === null ? undefined : gt(table.id, key)))
        .orderBy(table.id)
        .limit(limit),
    (row) => String(row.id),
  );
}

const paged = <T>(page: Paged<T>['page'], key: Paged<T>['key']): Paged<T> => ({ page, key });
const isPaged = (v: unknown): v is Paged<unknown> =>
  typeof v === 'object' && v !== null && 'page' in v && 'key' in v;

/** `json` (a value's JSON.stringify(…, null, 2)) placed `pad` deeper. */
const indented = (json: string, pad: string) => json.replaceAll('\n', `\n${pad}`);

/**
 * Writes an object as `JSON.stringify(object, null, 2)` would, each paged field's rows read a page at
 * a time and written one by one: the same text, built in bounded memory.
 */
async function writeJson(
  fields: Record<string, unknown>,
  write: (text: string) => Promise<void>,
  pageRows: number,
) {
  let first = true;
  await write('{');
  for (const [name, value] of Object.entries(fields)) {
    await write(`${first ? '' : ','}\n  ${JSON.stringify(name)}: `);
    first = false;
    if (!isPaged(value)) {
      await write(indented(JSON.stringify(value, null, 2), '  '));
      continue;
    }
    let n = 0;
    for (let after: string | null = null; ;) {
      const rows = await value.page(after, pageRows);
      for (const row of rows)
        await write(`${n++ ? ',' : '['}\n    ${indented(JSON.stringify(row, null, 2), '    ')}`);
      if (rows.length < pageRows) break;
      after = value.key(rows[rows.length - 1]);
    }
    await write(n ? '\n  ]' : '[]');
  }
  await write(first ? '}' : '\n}');
}

/**
 * Writes everything held about the signed-in account as the JSON file of the
 * `participation.personal-data` job (personal-data-job.ts), contacts decrypted, to `write` piece by
 * piece: the account's lists are read a page at a time (ordered by id), so neither the rows nor the
 * file are ever whole in memory. Audited in the caller's transaction, so the job's file and its audit
 * entry are committed together or not at all.
 */
export async function writePersonalData(
  tx: DbOrTx,
  actor: Actor | null,
  ip: string | null,
  write: (text: string) => Promise<void>,
  opts: { pageRows?: number; now?: Date } = {},
) {
  const a = requireActor(actor);
  const [u] = await tx.select().from(users).where(eq(users.id, a.id));
  if (!u) throw notFound('User');
  const after = (column: PgColumn, key: string | null) => (key === null ? undefined : gt(column, key));
  const fields = {
    format: 'perfcommons-personal-data',
    exportedAt: (opts.now ?? new Date()).toISOString(),
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
    roles: paged(
      (key, limit) =>
        tx
          .select({
            id: roleAssignments.id,
            role: roleAssignments.role,
            orgUnitId: roleAssignments.orgUnitId,
          })
          .from(roleAssignments)
          .where(and(eq(roleAssignments.userId, u.id), after(roleAssignments.id, key)))
          .orderBy(roleAssignments.id)
          .limit(limit)
          .then((rows) => rows.map(({ id, ...r }) => Object.assign(r, { [ROW_KEY]: id }))),
      (r) => r[ROW_KEY],
    ),
    profile:
      (await tx.select().from(participantProfiles).where(eq(participantProfiles.userId, u.id))).map(
        ({ emailHash: _e, phoneHash: _p, ...p }) => p,
      )[0] ?? null,
    relationships: byId(tx, participantRelationships, participantRelationships.userId, u.id),
    consents: byId(tx, privacyConsents, privacyConsents.userId, u.id),
    publicRatings: byId(tx, publicRatings, publicRatings.userId, u.id),
    ratings: byId(tx, ratings, ratings.raterId, u.id),
    comments: byId(tx, planComments, planComments.authorId, u.id),
    needs: byId(tx, needs, needs.authorId, u.id),
    needSupports: paged(
      (key, limit) =>
        tx
          .select()
          .from(needSupports)
          .where(and(eq(needSupports.userId, u.id), after(needSupports.needId, key)))
          .orderBy(needSupports.needId)
          .limit(limit),
      (r) => r.needId,
    ),
    threads: byId(tx, threads, threads.authorId, u.id),
    threadPosts: byId(tx, threadPosts, threadPosts.authorId, u.id),
  };
  await writeJson(fields, write, opts.pageRows ?? PERSONAL_DATA_PAGE_ROWS);
  await appendAudit(tx, [
    {
      actorId: u.id,
      action: 'user.data_download',
      entityType: 'user',
      entityId: u.id,
      data: { ip },
    },
  ]);
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
    // Its data downloads (encrypted, kept a day for it alone) go with the contacts they hold.
    await tx.delete(jobOutputs).where(
      inArray(
        jobOutputs.jobId,
        tx
          .select({ id: jobs.id })
          .from(jobs)
          .where(and(eq(jobs.createdBy, u.id), eq(jobs.kind, 'participation.personal-data'))),
      ),
    );
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

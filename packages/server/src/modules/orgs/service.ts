import type {
  CreateOrgUnitInput,
  CreatePersonInput,
  UpdateOrgUnitInput,
  UpdatePersonInput,
} from '@perfcommons/contracts';
import { asc, eq, isNull, sql } from 'drizzle-orm';
import type { Db, DbOrTx } from '../../db/client';
import { orgUnits, people, users } from '../../db/schema';
import { isOffice, requireOffice, type Actor } from '../../lib/actor';
import { badRequest, conflict, isUniqueViolation, notFound, type ErrorDetail } from '../../lib/errors';
import type { AuditAction } from '../audit/actions';
import { appendAudit } from '../audit/service';

/** Serialises writes to the org tree: a create reads its parent's path while a move rewrites paths. */
const ORG_TREE_LOCK = 727_101;

type OrgRow = typeof orgUnits.$inferSelect;
type PersonRow = typeof people.$inferSelect;

export const presentOrg = (o: OrgRow) => ({
  id: o.id,
  code: o.code,
  name: o.name,
  nameEn: o.nameEn,
  kind: o.kind,
  parentId: o.parentId,
  peerGroup: o.peerGroup,
});

export const presentPerson = (p: PersonRow) => ({
  id: p.id,
  code: p.code,
  name: p.name,
  nameEn: p.nameEn,
  position: p.position,
  positionEn: p.positionEn,
  orgUnitId: p.orgUnitId,
  userId: p.userId,
  termStart: p.termStart,
  termEnd: p.termEnd,
});

/** Optional text as stored: trimmed, empty means none. */
const orNull = (v: string | null | undefined) => (v ? v : null);

/** The columns an update set, each with its value before and after (for the audit entry). */
function changedColumns(set: object, before: object, after: object) {
  const was = new Map(Object.entries(before));
  const now = new Map(Object.entries(after));
  return Object.fromEntries(
    Object.keys(set).map((k) => [k, { from: was.get(k) ?? null, to: now.get(k) ?? null }]),
  );
}

/** Org units in tree order (by materialised path). Structure and names are public information. */
export async function listOrgUnits(db: Db) {
  const rows = await db.select().from(orgUnits).orderBy(asc(orgUnits.path));
  return rows.map(presentOrg);
}

/**
 * Leading cadres, optionally of one unit; positions and terms are public. The linked login account
 * is shown to the office only (it edits the link).
 */
export async function listPeople(db: Db, opts: { orgUnitId?: string }, actor: Actor | null = null) {
  const q = db.select().from(people);
  const rows = await (opts.orgUnitId ? q.where(eq(people.orgUnitId, opts.orgUnitId)) : q).orderBy(
    asc(people.code),
  );
  const withAccount = isOffice(actor);
  return rows.map((r) => {
    const { userId, ...p } = presentPerson(r);
    return withAccount ? { ...p, userId } : p;
  });
}

/** Takes the org tree's write lock for the rest of the transaction (also taken by the org import). */
export async function lockTree(tx: DbOrTx) {
  await tx.execute(sql`select pg_advisory_xact_lock(${ORG_TREE_LOCK})`);
}

async function findOrg(tx: DbOrTx, id: string) {
  const [o] = await tx.select().from(orgUnits).where(eq(orgUnits.id, id));
  return o;
}

/** Creates an org unit under `parentId` (or the root of an empty tree). Office only. */
export async function createOrgUnit(db: Db, actor: Actor | null, input: CreateOrgUnitInput) {
  const a = requireOffice(actor, 'Changing the organisation tree');
  try {
    return await db.transaction(async (tx) => {
      await lockTree(tx);
      let parentPath = '/';
      if (input.parentId) {
        const parent = await findOrg(tx, input.parentId);
        if (!parent)
          throw badRequest('The parent unit does not exist', [{ path: 'parentId', message: 'no such unit' }]);
        parentPath = parent.path;
      } else {
        const [root] = await tx.select({ id: orgUnits.id }).from(orgUnits).where(isNull(orgUnits.parentId));
        if (root)
          throw conflict('The organisation tree already has its root; name the parent unit', [
            { path: 'parentId', message: 'required: the tree already has a root' },
          ]);
      }
      const [o] = await tx
        .insert(orgUnits)
        .values({
          code: input.code,
          name: input.name,
          nameEn: orNull(input.nameEn),
          kind: input.kind,
          parentId: input.parentId,
          path: `${parentPath}${input.code}/`,
          peerGroup: orNull(input.peerGroup),
        })
        .returning();
      const unit = presentOrg(o);
      await appendAudit(tx, [
        { actorId: a.id, action: 'org_unit.create', entityType: 'org_unit', entityId: o.id, data: unit },
      ]);
      return unit;
    });
  } catch (err) {
    if (isUniqueViolation(err))
      throw conflict('An org unit with this code exists', [{ path: 'code', message: 'taken' }]);
    throw err;
  }
}

/**
 * Renames, reclassifies or moves an org unit. A move takes the whole subtree along (paths are
 * rewritten in the same transaction) and is refused when the new parent lies inside the subtree.
 */
export async function updateOrgUnit(db: Db, actor: Actor | null, id: string, input: UpdateOrgUnitInput) {
  const a = requireOffice(actor, 'Changing the organisation tree');
  if (Object.values(input).every((v) => v === undefined))
    throw badRequest('Nothing to change', [{ path: 'body', message: 'name at least one field' }]);
  return db.transaction(async (tx) => {
    await lockTree(tx);
    const before = await findOrg(tx, id);
    if (!before) throw notFound('Org unit');
    const set: Partial<OrgRow> = {};
    if (input.name !== undefined) set.name = input.name;
    if (input.nameEn !== undefined) set.nameEn = orNull(input.nameEn);
    if (input.kind !== undefined) set.kind = input.kind;
    if (input.peerGroup !== undefined) set.peerGroup = orNull(input.peerGroup);
    let moved = 0;
    if (input.parentId !== undefined && input.parentId !== before.parentId) {
      const parent = await findOrg(tx, input.parentId);
      if (!parent)
        throw badRequest('The new parent unit does not exist', [
          { path: 'parentId', message: 'no such unit' },
        ]);
      if (parent.path.startsWith(before.path))
        throw badRequest('A unit cannot move under itself or under one of its own sub-units', [
          {
            path: 'parentId',
            message:
              parent.id === before.id
                ? 'is the unit itself'
                : `${parent.code} is inside the subtree of ${before.code}: the move would create a cycle`,
          },
        ]);
      const newPath = `${parent.path}${before.code}/`;
      set.parentId = parent.id;
      // The unit and everything under it: the old path prefix becomes the new one.
      const rows = await tx
        .update(orgUnits)
        .set({ path: sql`${newPath} || substr(${orgUnits.path}, ${before.path.length + 1})` })
        .where(sql`left(${orgUnits.path}, ${before.path.length}) = ${before.path}`)
        .returning({ id: orgUnits.id });
      moved = rows.length;
    }
    if (Object.keys(set).length === 0) return presentOrg(before);
    const [o] = await tx.update(orgUnits).set(set).where(eq(orgUnits.id, id)).returning();
    const unit = presentOrg(o);
    const changes = changedColumns(set, before, o);
    await appendAudit(tx, [
      {
        actorId: a.id,
        action: set.parentId ? 'org_unit.move' : 'org_unit.update',
        entityType: 'org_unit',
        entityId: id,
        data: { code: o.code, changes, ...(set.parentId ? { subtreeSize: moved } : {}) },
      },
    ]);
    return unit;
  });
}

/** Field errors for a cadre's unit, account and term; all found at once. */
async function checkPerson(
  tx: DbOrTx,
  p: { orgUnitId: string; userId: string | null; termStart: string | null; termEnd: string | null },
) {
  const details: ErrorDetail[] = [];
  if (!(await findOrg(tx, p.orgUnitId))) details.push({ path: 'orgUnitId', message: 'no such unit' });
  if (p.userId) {
    const [u] = await tx.select({ id: users.id }).from(users).where(eq(users.id, p.userId));
    if (!u) details.push({ path: 'userId', message: 'no such account' });
  }
  details.push(...termProblems(p));
  if (details.length) throw badRequest('Invalid cadre', details);
}

/** The rules of a cadre's term (pure; also checked by the org import). */
export function termProblems(p: { termStart: string | null; termEnd: string | null }): ErrorDetail[] {
  const details: ErrorDetail[] = [];
  if (p.termStart && p.termEnd && p.termEnd < p.termStart)
    details.push({ path: 'termEnd', message: 'must not be before termStart' });
  if (!p.termStart && p.termEnd)
    details.push({ path: 'termStart', message: 'required when the term has an end' });
  return details;
}

async function findPerson(tx: DbOrTx, id: string, forUpdate = false) {
  const q = tx.select().from(people).where(eq(people.id, id));
  const [p] = await (forUpdate ? q.for('update') : q);
  if (!p) throw notFound('Cadre');
  return p;
}

/** Records a new leading cadre with position and term. Office only. */
export async function createPerson(db: Db, actor: Actor | null, input: CreatePersonInput) {
  const a = requireOffice(actor, 'Recording cadres');
  const row = {
    code: input.code,
    name: input.name,
    nameEn: orNull(input.nameEn),
    position: input.position,
    positionEn: orNull(input.positionEn),
    orgUnitId: input.orgUnitId,
    userId: input.userId ?? null,
    termStart: input.termStart ?? null,
    termEnd: input.termEnd ?? null,
  };
  try {
    return await db.transaction(async (tx) => {
      await checkPerson(tx, row);
      const [p] = await tx.insert(people).values(row).returning();
      const person = presentPerson(p);
      await appendAudit(tx, [
        { actorId: a.id, action: 'person.create', entityType: 'person', entityId: p.id, data: person },
      ]);
      return person;
    });
  } catch (err) {
    if (isUniqueViolation(err))
      throw conflict('A cadre with this code exists', [{ path: 'code', message: 'taken' }]);
    throw err;
  }
}

async function changePerson(
  db: Db,
  a: Actor,
  id: string,
  action: AuditAction,
  change: (before: PersonRow) => Partial<PersonRow>,
) {
  return db.transaction(async (tx) => {
    const before = await findPerson(tx, id, true);
    const set = change(before);
    await checkPerson(tx, { ...before, ...set });
    const [p] = await tx.update(people).set(set).where(eq(people.id, id)).returning();
    const changes = changedColumns(set, before, p);
    await appendAudit(tx, [
      { actorId: a.id, action, entityType: 'person', entityId: id, data: { code: p.code, changes } },
    ]);
    return presentPerson(p);
  });
}

/** Corrects a cadre or records a new position, unit or term. Office only. */
export async function updatePerson(db: Db, actor: Actor | null, id: string, input: UpdatePersonInput) {
  const a = requireOffice(actor, 'Recording cadres');
  if (Object.values(input).every((v) => v === undefined))
    throw badRequest('Nothing to change', [{ path: 'body', message: 'name at least one field' }]);
  return changePerson(db, a, id, 'person.update', () => {
    const set: Partial<PersonRow> = {};
    if (input.name !== undefined) set.name = input.name;
    if (input.nameEn !== undefined) set.nameEn = orNull(input.nameEn);
    if (input.position !== undefined) set.position = input.position;
    if (input.positionEn !== undefined) set.positionEn = orNull(input.positionEn);
    if (input.orgUnitId !== undefined) set.orgUnitId = input.orgUnitId;
    if (input.userId !== undefined) set.userId = input.userId;
    if (input.termStart !== undefined) set.termStart = input.termStart;
    if (input.termEnd !== undefined) set.termEnd = input.termEnd;
    return set;
  });
}

/** Ends a cadre's term on `termEnd`; a term that already ended is not ended again. Office only. */
export async function endTerm(db: Db, actor: Actor | null, id: string, input: { termEnd: string }) {
  const a = requireOffice(actor, 'Recording cadres');
  return changePerson(db, a, id, 'person.end_term', (before) => {
    // Ending early shortens a scheduled end; extending a term is an update, not an ending.
    if (before.termEnd && before.termEnd <= input.termEnd)
      throw conflict(`The term already ends on ${before.termEnd}`, [
        { path: 'termEnd', message: `the term already ends on ${before.termEnd}` },
      ]);
    if (!before.termStart)
      throw badRequest('The cadre has no recorded term start', [
        { path: 'termEnd', message: 'record termStart first' },
      ]);
    return { termEnd: input.termEnd };
  });
}

/** The people sheet: cadres matched by code, with their unit, post and term. */
import { CreatePersonBody } from '@perfcommons/contracts';
import { eq, inArray } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client';
import { orgUnits, people, users } from '../../db/schema';
import type { ErrorDetail } from '../../lib/errors';
import type { AuditEntryInput } from '../audit/service';
import { presentPerson, termProblems } from '../orgs/service';
import type { ParsedSheet } from './sheet';
import {
  RowCheck,
  firstRows,
  diff,
  changesOf,
  type Planned,
  type RowOutcome,
  normalizeUsernames,
} from './rows';

type PersonRow = typeof people.$inferSelect;
type PersonFields = Pick<
  PersonRow,
  'name' | 'nameEn' | 'position' | 'positionEn' | 'orgUnitId' | 'userId' | 'termStart' | 'termEnd'
>;

/** Dates as typed in Chinese offices (2021/6/1, 2021.6.1) become ISO dates. */
const isoDate = (s: string) => {
  const m = /^(\d{4})[/.年-](\d{1,2})[/.月-](\d{1,2})日?$/.exec(s);
  return m ? `${m[1]}-${m[2].padStart(2, '0')}-${m[3].padStart(2, '0')}` : s;
};

/**
 * Cadres: code, name, nameEn, position, positionEn, orgUnit (unit code), termStart, termEnd, username
 * (an existing account to link). The term follows the console's rules (`termProblems`).
 */
export async function planPeople(db: DbOrTx, sheet: ParsedSheet): Promise<Planned> {
  normalizeUsernames(sheet);
  const shape = CreatePersonBody.shape;
  const errors: ErrorDetail[] = [];
  const dup = firstRows(sheet.rows, (r) => r.cells.code, 'code', errors);
  const has = (c: string) => sheet.columns.has(c);
  const unitCodes = [...new Set(sheet.rows.map((r) => r.cells.orgUnit).filter(Boolean))];
  const usernames = [...new Set(sheet.rows.map((r) => r.cells.username ?? '').filter(Boolean))];
  const codes = [...new Set(sheet.rows.map((r) => r.cells.code).filter(Boolean))];
  const unitId = new Map(
    unitCodes.length
      ? (
          await db
            .select({ code: orgUnits.code, id: orgUnits.id })
            .from(orgUnits)
            .where(inArray(orgUnits.code, unitCodes))
        ).map((o) => [o.code, o.id])
      : [],
  );
  const userId = new Map(
    usernames.length
      ? (
          await db
            .select({ username: users.username, id: users.id })
            .from(users)
            .where(inArray(users.username, usernames))
        ).map((u) => [u.username, u.id])
      : [],
  );
  const storedByCode = new Map(
    codes.length
      ? (await db.select().from(people).where(inArray(people.code, codes))).map((p) => [p.code, p])
      : [],
  );

  const outcomes: RowOutcome[] = [];
  const creates: (PersonFields & { code: string })[] = [];
  const updates: { before: PersonRow; set: Partial<PersonFields>; changes: string[] }[] = [];
  for (const r of sheet.rows) {
    const check = new RowCheck(r, errors);
    const code = check.parse('code', shape.code);
    const name = check.parse('name', shape.name);
    const nameEn = has('nameEn') ? check.parse('nameEn', shape.nameEn, true) : undefined;
    const position = check.parse('position', shape.position);
    const positionEn = has('positionEn') ? check.parse('positionEn', shape.positionEn, true) : undefined;
    const unit = r.cells.orgUnit ?? '';
    if (!unit) check.add('orgUnit', 'required');
    else if (!unitId.has(unit)) check.add('orgUnit', `no unit ${unit} (import the units first)`);
    const date = (f: 'termStart' | 'termEnd') =>
      has(f) ? check.parse(f, shape[f], true, isoDate(r.cells[f] ?? '')) : undefined;
    const termStart = date('termStart');
    const termEnd = date('termEnd');
    const username = r.cells.username ?? '';
    if (username && !userId.has(username))
      check.add('username', `no account ${username} (import the accounts first)`);
    const before = code ? storedByCode.get(code) : undefined;
    if (check.ok)
      for (const d of termProblems({
        termStart: termStart === undefined ? (before?.termStart ?? null) : termStart,
        termEnd: termEnd === undefined ? (before?.termEnd ?? null) : termEnd,
      }))
        check.add(d.path, d.message);
    if (!check.ok || dup.has(r.row) || !code) {
      outcomes.push({ row: r.row, key: r.cells.code ?? '', action: 'error', changes: [] });
      continue;
    }
    const fields: Partial<PersonFields> = { name: name!, position: position!, orgUnitId: unitId.get(unit)! };
    if (nameEn !== undefined) fields.nameEn = nameEn ?? null;
    if (positionEn !== undefined) fields.positionEn = positionEn ?? null;
    if (termStart !== undefined) fields.termStart = termStart ?? null;
    if (termEnd !== undefined) fields.termEnd = termEnd ?? null;
    if (has('username')) fields.userId = username ? userId.get(username)! : null;
    if (!before) {
      creates.push({
        code,
        name: name!,
        nameEn: null,
        position: position!,
        positionEn: null,
        userId: null,
        termStart: null,
        termEnd: null,
        orgUnitId: fields.orgUnitId!,
        ...fields,
      });
      outcomes.push({ row: r.row, key: code, action: 'create', changes: [] });
      continue;
    }
    const changes = diff(before, fields);
    if (changes.length) updates.push({ before, set: fields, changes });
    outcomes.push({
      row: r.row,
      key: code,
      action: changes.length ? 'update' : 'unchanged',
      changes: changes.map((c) => (c === 'orgUnitId' ? 'orgUnit' : c === 'userId' ? 'username' : c)),
    });
  }

  return {
    outcomes,
    errors,
    async apply(tx, actor) {
      const audit: AuditEntryInput[] = [];
      for (let i = 0; i < creates.length; i += 500) {
        const inserted = await tx
          .insert(people)
          .values(creates.slice(i, i + 500))
          .returning();
        for (const p of inserted)
          audit.push({
            actorId: actor.id,
            action: 'person.create',
            entityType: 'person',
            entityId: p.id,
            data: { ...presentPerson(p), source: 'import' },
          });
      }
      for (const u of updates) {
        const [after] = await tx.update(people).set(u.set).where(eq(people.id, u.before.id)).returning();
        audit.push({
          actorId: actor.id,
          action: 'person.update',
          entityType: 'person',
          entityId: u.before.id,
          data: { code: after.code, changes: changesOf(u.before, after, u.changes), source: 'import' },
        });
      }
      return { audit, credentials: [] };
    },
  };
}

import { createHash, randomUUID } from 'node:crypto';
import { CreateOrgUnitBody, CreatePersonBody } from '@perfcommons/contracts';
import { and, eq, inArray, isNull } from 'drizzle-orm';
import { z } from 'zod';
import type { Db, DbOrTx } from '../../db/client';
import { orgUnits, people, roleAssignments, users } from '../../db/schema';
import { assertSeparateDuties } from '../../lib/duties';
import { hasRole, requireOffice, ROLES, type Actor, type Role } from '../../lib/actor';
import { badRequest, conflict, isUniqueViolation, type ErrorDetail } from '../../lib/errors';
import { appendAudit, type AuditEntryInput } from '../audit/service';
import { generatePassword, hashPassword, normalizeUsername } from '../auth/password';
import { lockTree, presentOrg, presentPerson, termProblems } from '../orgs/service';
import { contactLookup, decryptField, decryptOptional, encryptOptional } from '../../lib/crypto';
import { USERNAME } from '../users/service';
import { parseImportSheet, type ImportKind, type ParsedSheet, type SheetRow } from './sheet';

/** What the import does with one row. */
export type RowAction = 'create' | 'update' | 'unchanged' | 'error';

export interface RowOutcome {
  /** Row number in the sheet (the header is row 1). */
  row: number;
  /** Code or username of the row. */
  key: string;
  action: RowAction;
  /** Fields that change (update). */
  changes: string[];
}

/** A one-time password of an account the import created (in the commit answer only). */
export interface Credential {
  username: string;
  displayName: string;
  password: string;
}

/** One row's planned write, applied only when the whole file is valid. */
interface Planned {
  outcomes: RowOutcome[];
  errors: ErrorDetail[];
  apply(tx: DbOrTx, actor: Actor): Promise<{ audit: AuditEntryInput[]; credentials: Credential[] }>;
}

export interface ImportFile {
  buffer: Buffer;
  filename: string;
}

/**
 * What importing the file would do, row by row, with every problem as `rows.<sheet row>.<field>`.
 * Writes nothing. The office or an administrator.
 */
export async function previewImport(db: Db, actor: Actor | null, kind: ImportKind, file: ImportFile) {
  const a = requireOffice(actor, 'Importing the organisation');
  const sheet = await parseImportSheet(kind, file.buffer, file.filename);
  const plan = await planImport(db, a, kind, sheet);
  return present(kind, sheet, plan);
}

/**
 * Imports the file: the same checks as the preview, then every row or none, in one transaction with
 * its audit entries. Rows are matched by code (units, people) or username (accounts): importing the
 * same file again changes nothing. New accounts get a random password, returned here once, that
 * they must change at first login.
 */
export async function commitImport(db: Db, actor: Actor | null, kind: ImportKind, file: ImportFile) {
  const a = requireOffice(actor, 'Importing the organisation');
  const sheet = await parseImportSheet(kind, file.buffer, file.filename);
  try {
    return await db.transaction(async (tx) => {
      // Units, cadres and role scopes all read the tree: no move or new unit in between.
      await lockTree(tx);
      const plan = await planImport(tx, a, kind, sheet);
      if (plan.errors.length)
        throw badRequest(
          `${plan.errors.length} problem(s) in the file; nothing was stored`,
          plan.errors,
          'import_invalid',
        );
      const { audit, credentials } = await plan.apply(tx, a);
      const result = present(kind, sheet, plan);
      // The same file again changes nothing and writes nothing, not even a log entry.
      if (audit.length === 0) return { ...result, credentials };
      await appendAudit(tx, [
        ...audit,
        {
          actorId: a.id,
          action: 'org.import',
          entityType: 'org_import',
          entityId: randomUUID(),
          data: {
            kind,
            filename: file.filename,
            sha256: createHash('sha256').update(file.buffer).digest('hex'),
            ...result.summary,
          },
        },
      ]);
      return { ...result, credentials };
    });
  } catch (err) {
    if (isUniqueViolation(err))
      throw conflict('Someone changed the same records meanwhile; preview the file again', [
        { path: 'file', message: 'conflicting change' },
      ]);
    throw err;
  }
}

function present(kind: ImportKind, sheet: ParsedSheet, plan: Planned) {
  const summary = { create: 0, update: 0, unchanged: 0, error: 0 };
  for (const o of plan.outcomes) summary[o.action] += 1;
  // In sheet order (rows found as duplicates or cycles late come out in their place).
  const rowOf = (d: ErrorDetail) => Number(/^rows\.(\d+)\./.exec(d.path)?.[1] ?? 0);
  plan.errors.sort((x, y) => rowOf(x) - rowOf(y));
  return {
    kind,
    ok: plan.errors.length === 0,
    summary,
    rows: plan.outcomes,
    errors: plan.errors,
    ignoredColumns: sheet.ignored,
  };
}

function planImport(db: DbOrTx, actor: Actor, kind: ImportKind, sheet: ParsedSheet): Promise<Planned> {
  if (kind === 'units') return planUnits(db, sheet);
  if (kind === 'people') return planPeople(db, sheet);
  return planAccounts(db, actor, sheet);
}

/** Collects field errors of one row; each cell is checked by the same zod schema as the API's. */
class RowCheck {
  readonly errors: ErrorDetail[] = [];
  constructor(
    private readonly r: SheetRow,
    private readonly all: ErrorDetail[],
  ) {}
  add(field: string, message: string) {
    const d = { path: `rows.${this.r.row}.${field}`, message };
    this.errors.push(d);
    this.all.push(d);
  }
  /**
   * The cell parsed by `schema` (empty cells as null for optional ones), or undefined after an error;
   * `raw` replaces the cell's text (an alias already mapped).
   */
  parse<T>(
    field: string,
    schema: z.ZodType<T>,
    optional = false,
    raw = this.r.cells[field] ?? '',
  ): T | null | undefined {
    if (raw === '') {
      if (optional) return null;
      this.add(field, 'required');
      return undefined;
    }
    const res = schema.safeParse(raw);
    if (res.success) return res.data;
    this.add(field, res.error.issues.map((i) => i.message).join('; '));
    return undefined;
  }
  get ok() {
    return this.errors.length === 0;
  }
}

/** Flags the later of two rows with the same key. */
function firstRows(rows: SheetRow[], keyOf: (r: SheetRow) => string, field: string, errors: ErrorDetail[]) {
  const first = new Map<string, number>();
  const dup = new Set<number>();
  for (const r of rows) {
    const k = keyOf(r);
    if (!k) continue;
    const at = first.get(k);
    if (at === undefined) first.set(k, r.row);
    else {
      errors.push({ path: `rows.${r.row}.${field}`, message: `${k} is also in row ${at}` });
      dup.add(r.row);
    }
  }
  return dup;
}

/** Field names whose value differs between before and after, for the fields the sheet gives. */
function diff<T extends Record<string, unknown>>(before: T, after: Partial<T>): string[] {
  return Object.keys(after).filter((k) => (before[k] ?? null) !== (after[k] ?? null));
}

const changesOf = <T extends Record<string, unknown>>(before: T, after: T, fields: string[]) =>
  Object.fromEntries(fields.map((k) => [k, { from: before[k] ?? null, to: after[k] ?? null }]));

const KIND_ALIASES: Record<string, string> = {
  政府: 'government',
  市政府: 'government',
  部门: 'department',
  区县: 'district',
  区: 'district',
  县: 'district',
};

// ---------------------------------------------------------------- units

type OrgRow = typeof orgUnits.$inferSelect;

interface UnitRow {
  r: SheetRow;
  code: string;
  /** The row's values (undefined when a cell is invalid). */
  fields?: { name: string; nameEn?: string | null; kind: string; peerGroup?: string | null };
  /** Null for a root; undefined when the cell is invalid. */
  parentCode: string | null | undefined;
}

/**
 * Units: code, name, nameEn, kind, parentCode, peerGroup. Parents may come later in the file or already
 * be in the tree; the resulting tree (stored units with the file's rows laid over them) must have one
 * root and no cycle. Moving a stored unit takes its subtree along (paths rewritten), as in the console.
 */
async function planUnits(db: DbOrTx, sheet: ParsedSheet): Promise<Planned> {
  const shape = CreateOrgUnitBody.shape;
  const stored = await db.select().from(orgUnits);
  const byCode = new Map(stored.map((o) => [o.code, o]));
  const codeOfId = new Map(stored.map((o) => [o.id, o.code]));
  const errors: ErrorDetail[] = [];
  const dup = firstRows(sheet.rows, (r) => r.cells.code, 'code', errors);
  const has = (c: string) => sheet.columns.has(c);

  const rows: UnitRow[] = [];
  const bad = new Set<number>();
  for (const r of sheet.rows) {
    const check = new RowCheck(r, errors);
    const code = check.parse('code', shape.code);
    const name = check.parse('name', shape.name);
    const nameEn = has('nameEn') ? check.parse('nameEn', shape.nameEn, true) : undefined;
    const kindCell = r.cells.kind ?? '';
    const kind = check.parse('kind', shape.kind, false, KIND_ALIASES[kindCell] ?? kindCell);
    const peerGroup = has('peerGroup') ? check.parse('peerGroup', shape.peerGroup, true) : undefined;
    const parentCode = check.parse('parentCode', shape.code, true);
    if (!code || dup.has(r.row)) {
      bad.add(r.row);
      continue;
    }
    if (!check.ok) {
      bad.add(r.row);
      rows.push({ r, code, parentCode });
      continue;
    }
    const fields: NonNullable<UnitRow['fields']> = { name: name!, kind: kind! };
    if (nameEn !== undefined) fields.nameEn = nameEn ?? null;
    if (peerGroup !== undefined) fields.peerGroup = peerGroup ?? null;
    rows.push({ r, code, fields, parentCode });
  }

  // The tree after the import: every stored unit's parent, overlaid with the file's rows.
  const parentOf = new Map<string, string | null>(
    stored.map((o) => [o.code, o.parentId ? (codeOfId.get(o.parentId) ?? null) : null]),
  );
  const inFile = new Map(rows.map((u) => [u.code, u]));
  for (const u of rows) if (u.parentCode !== undefined) parentOf.set(u.code, u.parentCode);
  for (const u of rows) {
    if (u.parentCode && !parentOf.has(u.parentCode))
      addError(u, 'parentCode', `no unit ${u.parentCode} in the tree or in this file`);
    if (u.parentCode === u.code) addError(u, 'parentCode', 'is the unit itself');
  }
  // One root: the stored one while the file leaves it the root, else the file's first row without a parent.
  const fileRoots = rows.filter((u) => u.parentCode === null);
  const root =
    stored.find((o) => o.parentId === null && parentOf.get(o.code) === null)?.code ?? fileRoots[0]?.code;
  for (const u of fileRoots)
    if (u.code !== root) addError(u, 'parentCode', `required: the tree already has its root ${root}`);
  // Cycles: follow each file row's parents; coming back to the row is a cycle (reported on each member).
  const inCycle = new Set<string>();
  for (const u of rows) {
    if (inCycle.has(u.code)) continue;
    const chain = [u.code];
    for (let p = parentOf.get(u.code); p; p = parentOf.get(p)) {
      if (p === u.code) {
        for (const c of chain) inCycle.add(c);
        const text = [...chain, u.code].join(' → ');
        for (const c of chain) {
          const m = inFile.get(c);
          if (m) addError(m, 'parentCode', `cycle: ${text}`);
        }
        break;
      }
      if (chain.length > parentOf.size) break; // a cycle above this row, reported on its own members
      chain.push(p);
    }
  }
  function addError(u: UnitRow, field: string, message: string) {
    errors.push({ path: `rows.${u.r.row}.${field}`, message });
    bad.add(u.r.row);
  }

  // Paths of the tree after the import (a move rewrites the whole subtree below it).
  const pathOf = new Map<string, string>();
  const pathFor = (code: string, depth = 0): string => {
    const known = pathOf.get(code);
    if (known) return known;
    const p = parentOf.get(code);
    const path = p && depth <= parentOf.size ? `${pathFor(p, depth + 1)}${code}/` : `/${code}/`;
    pathOf.set(code, path);
    return path;
  };

  const outcomes: RowOutcome[] = [];
  type ValidUnit = Required<UnitRow> & { parentCode: string | null };
  const creates: ValidUnit[] = [];
  const updates: { u: ValidUnit; before: OrgRow; changes: string[] }[] = [];
  for (const r of sheet.rows) {
    const found = inFile.get(r.cells.code);
    const key = r.cells.code ?? '';
    if (bad.has(r.row) || !found || found.r !== r) {
      outcomes.push({ row: r.row, key, action: 'error', changes: [] });
      continue;
    }
    // A row without errors has all its values.
    const u = found as ValidUnit;
    const before = byCode.get(u.code);
    if (!before) {
      creates.push(u);
      outcomes.push({ row: r.row, key, action: 'create', changes: [] });
      continue;
    }
    const changes = diff(before, u.fields);
    if ((before.parentId ? codeOfId.get(before.parentId) : null) !== u.parentCode) changes.push('parentCode');
    updates.push({ u, before, changes });
    outcomes.push({ row: r.row, key, action: changes.length ? 'update' : 'unchanged', changes });
  }

  return {
    outcomes,
    errors,
    async apply(tx, actor) {
      const audit: AuditEntryInput[] = [];
      const idOf = new Map(stored.map((o) => [o.code, o.id]));
      for (const u of creates) idOf.set(u.code, randomUUID());
      const parentId = (code: string | null) => (code ? idOf.get(code)! : null);
      if (creates.length) {
        const inserted = await tx
          .insert(orgUnits)
          .values(
            creates.map((u) => ({
              id: idOf.get(u.code)!,
              code: u.code,
              name: u.fields.name,
              nameEn: u.fields.nameEn ?? null,
              kind: u.fields.kind,
              parentId: parentId(u.parentCode),
              path: pathFor(u.code),
              peerGroup: u.fields.peerGroup ?? null,
            })),
          )
          .returning();
        for (const o of inserted)
          audit.push({
            actorId: actor.id,
            action: 'org_unit.create',
            entityType: 'org_unit',
            entityId: o.id,
            data: { ...presentOrg(o), source: 'import' },
          });
      }
      // Stored units whose row changed, and those whose path changes because an ancestor moved.
      const changed = new Map(updates.filter((x) => x.changes.length).map((x) => [x.before.code, x]));
      for (const o of stored) {
        const x = changed.get(o.code);
        const path = pathFor(o.code);
        if (!x && path === o.path) continue;
        const set: Partial<OrgRow> = { ...x?.u.fields, path };
        if (x) set.parentId = parentId(x.u.parentCode);
        const [after] = await tx.update(orgUnits).set(set).where(eq(orgUnits.id, o.id)).returning();
        if (!x) continue; // moved along with its ancestor: the ancestor's entry records the move
        const fields = x.changes.map((c) => (c === 'parentCode' ? 'parentId' : c));
        audit.push({
          actorId: actor.id,
          action: x.changes.includes('parentCode') ? 'org_unit.move' : 'org_unit.update',
          entityType: 'org_unit',
          entityId: o.id,
          data: { code: o.code, changes: changesOf(o, after, fields), source: 'import' },
        });
      }
      return { audit, credentials: [] };
    },
  };
}

// ---------------------------------------------------------------- people

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
async function planPeople(db: DbOrTx, sheet: ParsedSheet): Promise<Planned> {
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

// ---------------------------------------------------------------- accounts

const ROLE_ALIASES: Record<string, Role> = {
  系统管理员: 'admin',
  管理员: 'admin',
  绩效办: 'office',
  单位管理员: 'unit_manager',
  考核对象: 'appraisee',
  评价人: 'evaluator',
  核验员: 'verifier',
  公众: 'public',
};
/** Roles that act for one unit and need its code. */
const SCOPED: Role[] = ['unit_manager', 'appraisee'];

interface Grant {
  role: Role;
  orgUnitId: string | null;
}
/** Usernames in their one stored form (trim, NFKC, lower case), before any matching or checking. */
function normalizeUsernames(sheet: ParsedSheet) {
  for (const r of sheet.rows) if (r.cells.username) r.cells.username = normalizeUsername(r.cells.username);
}

const grantKey = (g: Grant) => `${g.role}@${g.orgUnitId ?? ''}`;

/**
 * Accounts: username, displayName, displayNameEn, email, roles (`role@unitCode; role`). The roles of
 * an existing account become exactly those of the row. Only an administrator grants or takes away the
 * admin role, and nobody takes their own admin or office role away by import.
 */
async function planAccounts(db: DbOrTx, actor: Actor, sheet: ParsedSheet): Promise<Planned> {
  normalizeUsernames(sheet);
  const errors: ErrorDetail[] = [];
  const dup = firstRows(sheet.rows, (r) => r.cells.username, 'username', errors);
  const emailDup = firstRows(sheet.rows, (r) => (r.cells.email ?? '').toLowerCase(), 'email', errors);
  const has = (c: string) => sheet.columns.has(c);
  const units = await db.select({ id: orgUnits.id, code: orgUnits.code }).from(orgUnits);
  const unitId = new Map(units.map((u) => [u.code, u.id]));
  const unitCode = new Map(units.map((u) => [u.id, u.code]));
  const usernames = [...new Set(sheet.rows.map((r) => r.cells.username).filter(Boolean))];
  const emails = [...new Set(sheet.rows.map((r) => (r.cells.email ?? '').toLowerCase()).filter(Boolean))];
  // E-mails are stored encrypted (lib/crypto): compared in plaintext here, matched by their blind index.
  const stored = (
    usernames.length ? await db.select().from(users).where(inArray(users.username, usernames)) : []
  ).map((u) => ({ ...u, email: decryptOptional(u.email) }));
  const byName = new Map(stored.map((u) => [u.username, u]));
  const emailOwner = new Map(
    emails.length
      ? (
          await db
            .select({ email: users.email, username: users.username })
            .from(users)
            .where(
              inArray(
                users.emailLookup,
                emails.map((e) => contactLookup('email', e)),
              ),
            )
        ).map((u) => [decryptField(u.email!), u.username])
      : [],
  );
  const grantsOf = new Map<string, Grant[]>();
  if (stored.length)
    for (const g of await db
      .select({
        userId: roleAssignments.userId,
        role: roleAssignments.role,
        orgUnitId: roleAssignments.orgUnitId,
      })
      .from(roleAssignments)
      .where(
        inArray(
          roleAssignments.userId,
          stored.map((u) => u.id),
        ),
      ))
      grantsOf.set(g.userId, [...(grantsOf.get(g.userId) ?? []), { role: g.role, orgUnitId: g.orgUnitId }]);
  const isAdmin = hasRole(actor, 'admin');
  // Names as the console's cadre names: trimmed, 1 to 100 characters, no control characters.
  const { name: nameSchema, nameEn: nameEnSchema } = CreatePersonBody.shape;

  const outcomes: RowOutcome[] = [];
  const creates: {
    username: string;
    displayName: string;
    displayNameEn: string | null;
    email: string | null;
    grants: Grant[];
  }[] = [];
  const updates: {
    before: typeof users.$inferSelect;
    set: Record<string, string | null>;
    changes: string[];
    add: Grant[];
    remove: Grant[];
    from: Grant[];
    to: Grant[];
  }[] = [];
  for (const r of sheet.rows) {
    const check = new RowCheck(r, errors);
    const username = r.cells.username ?? '';
    if (!username) check.add('username', 'required');
    else if (!USERNAME.test(username))
      check.add('username', 'letters, digits, . _ - only; 2 to 64 characters');
    const displayName = check.parse('displayName', nameSchema);
    const displayNameEn = has('displayNameEn') ? check.parse('displayNameEn', nameEnSchema, true) : undefined;
    const emailCell = (r.cells.email ?? '').toLowerCase();
    let email: string | null | undefined;
    if (has('email')) {
      email = emailCell || null;
      if (emailCell && !z.email().safeParse(emailCell).success) check.add('email', 'not an e-mail address');
      else if (emailCell && emailOwner.has(emailCell) && emailOwner.get(emailCell) !== username)
        check.add('email', `already used by ${emailOwner.get(emailCell)}`);
    }
    const grants = parseRoles(r.cells.roles ?? '', unitId, (m) => check.add('roles', m));
    const before = byName.get(username);
    const current = before ? (grantsOf.get(before.id) ?? []) : [];
    const want = new Set(grants.map(grantKey));
    const have = new Set(current.map(grantKey));
    const add = grants.filter((g) => !have.has(grantKey(g)));
    const remove = current.filter((g) => !want.has(grantKey(g)));
    if (!isAdmin && [...add, ...remove].some((g) => g.role === 'admin'))
      check.add('roles', 'only an administrator grants or removes the admin role');
    if (before?.id === actor.id && remove.some((g) => g.role === 'admin' || g.role === 'office'))
      check.add('roles', 'would take away your own admin or office role');
    // Separation of duties (三员分立, production): refused outright, naming the roles (409).
    assertSeparateDuties(
      grants.map((g) => g.role),
      `rows.${r.row}.roles`,
      `Account ${username}`,
    );
    if (!check.ok || dup.has(r.row) || emailDup.has(r.row)) {
      outcomes.push({ row: r.row, key: username, action: 'error', changes: [] });
      continue;
    }
    const set: Record<string, string | null> = { displayName: displayName! };
    if (displayNameEn !== undefined) set.displayNameEn = displayNameEn ?? null;
    if (email !== undefined) set.email = email;
    if (!before) {
      creates.push({
        username,
        displayName: displayName!,
        displayNameEn: displayNameEn ?? null,
        email: email ?? null,
        grants,
      });
      outcomes.push({ row: r.row, key: username, action: 'create', changes: [] });
      continue;
    }
    const changes = diff(before, set);
    if (add.length || remove.length) changes.push('roles');
    if (changes.length) updates.push({ before, set, changes, add, remove, from: current, to: grants });
    outcomes.push({ row: r.row, key: username, action: changes.length ? 'update' : 'unchanged', changes });
  }

  const roleText = (gs: Grant[]) =>
    gs.map((g) => (g.orgUnitId ? `${g.role}@${unitCode.get(g.orgUnitId)}` : g.role)).sort();
  return {
    outcomes,
    errors,
    async apply(tx, a) {
      const audit: AuditEntryInput[] = [];
      const credentials: Credential[] = [];
      // scrypt on the thread pool, a few at a time.
      const hashes: string[] = [];
      for (let i = 0; i < creates.length; i += 4) {
        const batch = creates.slice(i, i + 4).map(() => generatePassword());
        hashes.push(...(await Promise.all(batch.map(hashPassword))));
        batch.forEach((password, k) =>
          credentials.push({
            username: creates[i + k].username,
            displayName: creates[i + k].displayName,
            password,
          }),
        );
      }
      const now = new Date();
      for (let i = 0; i < creates.length; i += 500) {
        const chunk = creates.slice(i, i + 500);
        const inserted = await tx
          .insert(users)
          .values(
            chunk.map((c, k) => ({
              username: c.username,
              displayName: c.displayName,
              displayNameEn: c.displayNameEn,
              email: encryptOptional(c.email),
              emailLookup: c.email ? contactLookup('email', c.email) : null,
              passwordHash: hashes[i + k],
              mustChangePassword: true,
              passwordSetAt: now,
            })),
          )
          .returning({ id: users.id, username: users.username });
        const grants = inserted.flatMap((u, k) => chunk[k].grants.map((g) => ({ userId: u.id, ...g })));
        if (grants.length) await tx.insert(roleAssignments).values(grants);
        inserted.forEach((u, k) =>
          audit.push({
            actorId: a.id,
            action: 'user.create',
            entityType: 'user',
            entityId: u.id,
            data: {
              username: u.username,
              displayName: chunk[k].displayName,
              roles: roleText(chunk[k].grants),
              source: 'import',
            },
          }),
        );
      }
      for (const u of updates) {
        const sealed =
          'email' in u.set
            ? {
                email: encryptOptional(u.set.email),
                emailLookup: u.set.email ? contactLookup('email', u.set.email) : null,
              }
            : {};
        const [stored] = await tx
          .update(users)
          .set({ ...u.set, ...sealed })
          .where(eq(users.id, u.before.id))
          .returning();
        const after = { ...stored, email: decryptOptional(stored.email) };
        for (const g of u.remove)
          await tx
            .delete(roleAssignments)
            .where(
              and(
                eq(roleAssignments.userId, u.before.id),
                eq(roleAssignments.role, g.role),
                g.orgUnitId ? eq(roleAssignments.orgUnitId, g.orgUnitId) : isNull(roleAssignments.orgUnitId),
              ),
            );
        if (u.add.length)
          await tx.insert(roleAssignments).values(u.add.map((g) => ({ userId: u.before.id, ...g })));
        const fields = u.changes.filter((c) => c !== 'roles');
        audit.push({
          actorId: a.id,
          action: 'user.update',
          entityType: 'user',
          entityId: u.before.id,
          data: {
            username: after.username,
            changes: {
              ...changesOf(u.before, after, fields),
              ...(u.changes.includes('roles')
                ? { roles: { from: roleText(u.from), to: roleText(u.to) } }
                : {}),
            },
            source: 'import',
          },
        });
      }
      return { audit, credentials };
    },
  };
}

/** `unit_manager@edu; evaluator` → grants; each problem reported through `fail`. */
function parseRoles(cell: string, unitId: Map<string, string>, fail: (m: string) => void): Grant[] {
  const grants = new Map<string, Grant>();
  for (const item of cell.split(/[;；,，、\n]/)) {
    const s = item.trim();
    if (!s) continue;
    const [name, unit, ...rest] = s.split(/[@＠]/).map((x) => x.trim());
    const role = (ROLES as readonly string[]).includes(name) ? (name as Role) : ROLE_ALIASES[name];
    if (!role || rest.length) {
      fail(`${s}: unknown role (${ROLES.join(', ')})`);
      continue;
    }
    if (unit && !unitId.has(unit)) {
      fail(`${s}: no unit ${unit}`);
      continue;
    }
    if (!unit && SCOPED.includes(role)) {
      fail(`${s}: ${role} needs a unit (${role}@unitCode)`);
      continue;
    }
    const g = { role, orgUnitId: unit ? unitId.get(unit)! : null };
    grants.set(grantKey(g), g);
  }
  return [...grants.values()];
}

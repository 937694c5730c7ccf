/** The units sheet: org units matched by code, parents by code, moves checked against the tree. */
import { randomUUID } from 'node:crypto';
import { CreateOrgUnitBody } from '@perfcommons/contracts';
import { eq } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client';
import { orgUnits } from '../../db/schema';
import type { ErrorDetail } from '../../lib/errors';
import type { AuditEntryInput } from '../audit/service';
import { presentOrg } from '../orgs/service';
import { type ParsedSheet, type SheetRow } from './sheet';
import { RowCheck, firstRows, diff, changesOf, type Planned, type RowOutcome } from './rows';

const KIND_ALIASES: Record<string, string> = {
  政府: 'government',
  市政府: 'government',
  部门: 'department',
  区县: 'district',
  区: 'district',
  县: 'district',
};

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
export async function planUnits(db: DbOrTx, sheet: ParsedSheet): Promise<Planned> {
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

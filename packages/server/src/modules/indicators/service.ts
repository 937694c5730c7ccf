/**
 * The indicator library 指标库: standard indicators the office maintains and plan editors pick from.
 * Every edit is a new version (old versions stay, so a plan node's code and version always resolve);
 * retiring stops an indicator being offered. Staff read it; the office writes it, audited.
 */
import { and, asc, desc, eq, ilike, inArray, ne, or, sql } from 'drizzle-orm';
import { INDICATOR_CATEGORIES } from '@perfcommons/contracts/enums';
import type {
  CreateIndicatorInput,
  IndicatorDetailReply,
  IndicatorEntry,
  IndicatorNodeInput,
  ReviseIndicatorInput,
} from '@perfcommons/contracts';
import type { Db, DbOrTx } from '../../db/client';
import { cycles, indicatorLibrary, indicatorNodes, orgUnits, plans } from '../../db/schema';
import { isOffice, requireActor, requireOffice, type Actor } from '../../lib/actor';
import { badRequest, conflict, forbidden, isUniqueViolation, notFound } from '../../lib/errors';
import { appendAudit } from '../audit/service';
import { canReadPlanSync, selectPlanScopes, toScope } from '../plans/access';

type LibraryRow = typeof indicatorLibrary.$inferSelect;

/** Officials of any kind (every role but the public participant's). */
export const isStaff = (actor: Actor | null) => !!actor && actor.roles.some((r) => r.role !== 'public');

/** The actor when staff; 401/403 otherwise. */
export function requireStaff(actor: Actor | null, what = 'The indicator library'): Actor {
  const a = requireActor(actor);
  if (!isStaff(a)) throw forbidden(`${what} is for officials`);
  return a;
}

const entryColumns = {
  row: indicatorLibrary,
  ownerName: orgUnits.name,
  ownerNameEn: orgUnits.nameEn,
};

function selectEntries(db: DbOrTx) {
  return db
    .select(entryColumns)
    .from(indicatorLibrary)
    .leftJoin(orgUnits, eq(orgUnits.id, indicatorLibrary.ownerOrgUnitId));
}

const present = (r: {
  row: LibraryRow;
  ownerName: string | null;
  ownerNameEn: string | null;
}): IndicatorEntry => {
  const x = r.row;
  return {
    id: x.id,
    code: x.code,
    version: x.version,
    status: x.status as IndicatorEntry['status'],
    name: x.name,
    nameEn: x.nameEn,
    category: x.category as IndicatorEntry['category'],
    measure: x.measure as IndicatorEntry['measure'],
    definition: x.definition,
    definitionEn: x.definitionEn,
    unit: x.unit,
    formula: x.formula,
    dataSource: x.dataSource,
    ownerOrgUnitId: x.ownerOrgUnitId,
    ownerName: r.ownerName,
    ownerNameEn: r.ownerNameEn,
    polarity: x.polarity as IndicatorEntry['polarity'],
    frequency: x.frequency as IndicatorEntry['frequency'],
    weightMin: x.weightMin,
    weightMax: x.weightMax,
    ruleTemplate: x.ruleTemplate ?? null,
    mission: x.mission,
    rubric: x.rubric ?? null,
    changeNote: x.changeNote,
    retiredReason: x.retiredReason,
    createdAt: x.createdAt.toISOString(),
  };
};

/** The current (non-superseded) version of each indicator, with the number of plans using it. */
export async function listIndicators(
  db: Db,
  actor: Actor | null,
  query: { q?: string; category?: string; includeRetired?: 'true' | 'false' },
) {
  requireStaff(actor);
  const conds = [ne(indicatorLibrary.status, 'superseded')];
  if (query.includeRetired !== 'true') conds.push(eq(indicatorLibrary.status, 'active'));
  if (query.category) conds.push(eq(indicatorLibrary.category, query.category));
  if (query.q) {
    const like = `%${query.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    conds.push(
      or(
        ilike(indicatorLibrary.name, like),
        ilike(indicatorLibrary.code, like),
        ilike(indicatorLibrary.nameEn, like),
        ilike(indicatorLibrary.definition, like),
      )!,
    );
  }
  const order = new Map<string, number>(INDICATOR_CATEGORIES.map((c, i) => [c, i]));
  const rows = (
    await selectEntries(db)
      .where(and(...conds))
      .orderBy(asc(indicatorLibrary.code))
  ).sort((a, b) => (order.get(a.row.category) ?? 99) - (order.get(b.row.category) ?? 99));
  const counts = await db
    .select({
      code: indicatorNodes.libraryCode,
      n: sql<number>`count(distinct ${indicatorNodes.planId})::int`,
    })
    .from(indicatorNodes)
    .where(sql`${indicatorNodes.libraryCode} is not null`)
    .groupBy(indicatorNodes.libraryCode);
  const byCode = new Map(counts.map((c) => [c.code, c.n]));
  return {
    items: rows.map((r) => ({ ...present(r), planCount: byCode.get(r.row.code) ?? 0 })),
    canEdit: isOffice(actor),
  };
}

async function versionsOf(db: DbOrTx, code: string) {
  return selectEntries(db).where(eq(indicatorLibrary.code, code)).orderBy(desc(indicatorLibrary.version));
}

/** An indicator with every version and where plans use it (plans the caller may read, and counts of all). */
export async function getIndicator(db: Db, actor: Actor | null, code: string): Promise<IndicatorDetailReply> {
  const a = requireStaff(actor);
  const versions = await versionsOf(db, code);
  if (!versions.length) throw notFound('Indicator');
  const uses = await selectPlanScopes(
    db,
    sql`${plans.id} in (select plan_id from indicator_nodes where library_code = ${code})`,
  );
  const readable = uses.map(toScope).filter((s) => canReadPlanSync(a, s));
  const nodes = readable.length
    ? await db
        .select()
        .from(indicatorNodes)
        .where(
          and(
            eq(indicatorNodes.libraryCode, code),
            inArray(
              indicatorNodes.planId,
              readable.map((s) => s.plan.id),
            ),
          ),
        )
    : [];
  const cycleRows = await db.select().from(cycles);
  const cycleOf = new Map(cycleRows.map((c) => [c.id, c]));
  const scopeOf = new Map(readable.map((s) => [s.plan.id, s]));
  const items = nodes
    .map((n) => {
      const s = scopeOf.get(n.planId)!;
      const c = cycleOf.get(s.plan.cycleId)!;
      return {
        planId: s.plan.id,
        planTitle: s.plan.title,
        planTitleEn: s.plan.titleEn,
        planStatus: s.plan.status as IndicatorDetailReply['usage']['items'][number]['planStatus'],
        appraiseeType: s.plan
          .appraiseeType as IndicatorDetailReply['usage']['items'][number]['appraiseeType'],
        appraiseeName: s.appraiseeName,
        appraiseeNameEn: s.appraiseeNameEn,
        cycleId: c.id,
        cycleName: c.name,
        cycleNameEn: c.nameEn,
        nodeCode: n.code,
        version: n.libraryVersion ?? 0,
        weight: n.weight,
        target: n.target,
        _order: `${c.periodStart}|${s.appraiseeName}`,
      };
    })
    .sort((x, y) => (x._order < y._order ? 1 : x._order > y._order ? -1 : 0))
    .map(({ _order, ...rest }) => rest);
  const counts = await db
    .select({
      cycleId: plans.cycleId,
      version: indicatorNodes.libraryVersion,
      plans: sql<number>`count(distinct ${plans.id})::int`,
    })
    .from(indicatorNodes)
    .innerJoin(plans, eq(plans.id, indicatorNodes.planId))
    .where(eq(indicatorNodes.libraryCode, code))
    .groupBy(plans.cycleId, indicatorNodes.libraryVersion);
  return {
    entry: present(versions[0]),
    versions: versions.map(present),
    usage: {
      items,
      counts: counts
        .map((c) => {
          const cy = cycleOf.get(c.cycleId)!;
          return {
            cycleId: c.cycleId,
            cycleName: cy.name,
            cycleNameEn: cy.nameEn,
            version: c.version ?? 0,
            plans: c.plans,
            _start: cy.periodStart,
          };
        })
        .sort((x, y) => (x._start === y._start ? y.version - x.version : x._start < y._start ? 1 : -1))
        .map(({ _start, ...rest }) => rest),
    },
    canEdit: isOffice(a),
  };
}

/** One version, for picking into a plan (any status: a plan keeps the version it picked). */
export async function getIndicatorVersion(db: Db, actor: Actor | null, code: string, version: number) {
  requireStaff(actor);
  const [row] = await selectEntries(db).where(
    and(eq(indicatorLibrary.code, code), eq(indicatorLibrary.version, version)),
  );
  if (!row) throw notFound('Indicator version');
  return { entry: present(row) };
}

type Fields = Omit<CreateIndicatorInput, 'code'>;
const columnsOf = (f: Fields) => ({
  name: f.name,
  nameEn: f.nameEn ?? null,
  category: f.category,
  measure: f.measure,
  definition: f.definition,
  definitionEn: f.definitionEn ?? null,
  unit: f.unit || null,
  formula: f.formula || null,
  dataSource: f.dataSource || null,
  ownerOrgUnitId: f.ownerOrgUnitId ?? null,
  polarity: f.polarity,
  frequency: f.frequency,
  weightMin: f.weightMin,
  weightMax: f.weightMax,
  ruleTemplate: f.ruleTemplate ?? null,
  mission: f.mission,
  rubric: f.rubric ?? null,
});

async function assertOwner(tx: DbOrTx, id: string | null | undefined) {
  if (!id) return;
  const [u] = await tx.select({ id: orgUnits.id }).from(orgUnits).where(eq(orgUnits.id, id));
  if (!u) throw badRequest('No such org unit', [{ path: 'ownerOrgUnitId', message: 'unknown org unit' }]);
}

async function entryById(tx: DbOrTx, id: string) {
  const [row] = await selectEntries(tx).where(eq(indicatorLibrary.id, id));
  return present(row);
}

/** Adds an indicator (version 1). Office only; a taken code is 409. */
export async function createIndicator(db: Db, actor: Actor | null, input: CreateIndicatorInput) {
  const a = requireOffice(actor, 'Editing the indicator library');
  try {
    return await db.transaction(async (tx) => {
      await assertOwner(tx, input.ownerOrgUnitId);
      const [row] = await tx
        .insert(indicatorLibrary)
        .values({ code: input.code, version: 1, status: 'active', createdBy: a.id, ...columnsOf(input) })
        .returning();
      await appendAudit(tx, [
        {
          actorId: a.id,
          action: 'indicator.create',
          entityType: 'indicator_definition',
          entityId: row.id,
          data: { code: row.code, version: 1 },
          entity: row,
        },
      ]);
      return { entry: await entryById(tx, row.id) };
    });
  } catch (err) {
    if (isUniqueViolation(err))
      throw conflict(`Indicator code ${input.code} is taken`, [{ path: 'code', message: 'taken' }]);
    throw err;
  }
}

async function currentVersion(tx: DbOrTx, code: string, expected: number) {
  const [cur] = await tx
    .select()
    .from(indicatorLibrary)
    .where(and(eq(indicatorLibrary.code, code), ne(indicatorLibrary.status, 'superseded')))
    .for('update');
  if (!cur) throw notFound('Indicator');
  if (cur.version !== expected)
    throw conflict(
      `The indicator was changed meanwhile (now version ${cur.version}); reload it`,
      [{ path: 'version', message: `stale: current version is ${cur.version}` }],
      'version_conflict',
    );
  return cur;
}

/**
 * Edits an indicator: inserts the next version and marks the edited one superseded (plans keep
 * the version they picked). Office only; the edit names the version it started from.
 */
export async function reviseIndicator(
  db: Db,
  actor: Actor | null,
  code: string,
  input: ReviseIndicatorInput,
) {
  const a = requireOffice(actor, 'Editing the indicator library');
  try {
    return await db.transaction(async (tx) => {
      const cur = await currentVersion(tx, code, input.version);
      if (cur.status === 'retired')
        throw conflict('A retired indicator is not edited', [{ path: 'status', message: 'retired' }]);
      await assertOwner(tx, input.ownerOrgUnitId);
      const [old] = await tx
        .update(indicatorLibrary)
        .set({ status: 'superseded' })
        .where(eq(indicatorLibrary.id, cur.id))
        .returning();
      const [row] = await tx
        .insert(indicatorLibrary)
        .values({
          code,
          version: cur.version + 1,
          status: 'active',
          createdBy: a.id,
          changeNote: input.changeNote,
          ...columnsOf(input),
        })
        .returning();
      await appendAudit(tx, [
        {
          actorId: a.id,
          action: 'indicator.supersede',
          entityType: 'indicator_definition',
          entityId: old.id,
          data: { code, version: old.version },
          entity: old,
        },
        {
          actorId: a.id,
          action: 'indicator.revise',
          entityType: 'indicator_definition',
          entityId: row.id,
          data: { code, version: row.version, changeNote: input.changeNote },
          entity: row,
        },
      ]);
      return { entry: await entryById(tx, row.id) };
    });
  } catch (err) {
    if (isUniqueViolation(err))
      throw conflict(
        'The indicator was changed meanwhile; reload it',
        [{ path: 'version', message: 'stale' }],
        'version_conflict',
      );
    throw err;
  }
}

/** Retires an indicator: no longer offered for picking; plans that use it keep it. Office only. */
export async function retireIndicator(
  db: Db,
  actor: Actor | null,
  code: string,
  input: { version: number; reason: string },
) {
  const a = requireOffice(actor, 'Editing the indicator library');
  return db.transaction(async (tx) => {
    const cur = await currentVersion(tx, code, input.version);
    if (cur.status === 'retired')
      throw conflict('The indicator is retired already', [{ path: 'status', message: 'retired' }]);
    const [row] = await tx
      .update(indicatorLibrary)
      .set({ status: 'retired', retiredReason: input.reason })
      .where(eq(indicatorLibrary.id, cur.id))
      .returning();
    await appendAudit(tx, [
      {
        actorId: a.id,
        action: 'indicator.retire',
        entityType: 'indicator_definition',
        entityId: row.id,
        data: { code, version: row.version, reason: input.reason },
        entity: row,
      },
    ]);
    return { entry: await entryById(tx, row.id) };
  });
}

/**
 * Checks the library references of a tree being saved: each (code, version) must exist. A retired or
 * superseded version is accepted when the plan already had it (a plan keeps what it picked); a newly
 * picked one must be the current active version. `previous` holds the references stored before the save.
 */
export async function assertLibraryRefs(
  tx: DbOrTx,
  tree: IndicatorNodeInput[],
  previous: Set<string>,
): Promise<void> {
  const refs: { path: string; code: string; version: number }[] = [];
  const walk = (nodes: IndicatorNodeInput[], path: string) =>
    nodes.forEach((n, i) => {
      if (n.library) refs.push({ path: `${path}.${i}.library`, ...n.library });
      if (n.children) walk(n.children, `${path}.${i}.children`);
    });
  walk(tree, 'tree');
  if (!refs.length) return;
  const rows = await tx
    .select({
      code: indicatorLibrary.code,
      version: indicatorLibrary.version,
      status: indicatorLibrary.status,
    })
    .from(indicatorLibrary)
    .where(
      inArray(
        indicatorLibrary.code,
        refs.map((r) => r.code),
      ),
    );
  const status = new Map(rows.map((r) => [`${r.code}@${r.version}`, r.status]));
  const details = refs.flatMap((r) => {
    const key = `${r.code}@${r.version}`;
    const s = status.get(key);
    if (!s) return [{ path: r.path, message: `no library indicator ${r.code} version ${r.version}` }];
    if (s !== 'active' && !previous.has(key))
      return [{ path: r.path, message: `library indicator ${r.code} version ${r.version} is ${s}` }];
    return [];
  });
  if (details.length)
    throw badRequest('The tree refers to library indicators that cannot be picked', details);
}

/** `code@version` of the library references stored in a plan's tree. */
export async function storedLibraryRefs(tx: DbOrTx, planId: string): Promise<Set<string>> {
  const rows = await tx
    .select({ code: indicatorNodes.libraryCode, version: indicatorNodes.libraryVersion })
    .from(indicatorNodes)
    .where(and(eq(indicatorNodes.planId, planId), sql`${indicatorNodes.libraryCode} is not null`));
  return new Set(rows.map((r) => `${r.code}@${r.version}`));
}

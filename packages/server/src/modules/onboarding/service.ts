import { createHash, randomUUID } from 'node:crypto';
import { Transform, type Readable } from 'node:stream';
import type { Db, DbOrTx } from '../../db/client';
import { requireOffice, type Actor } from '../../lib/actor';
import { badRequest, conflict, isUniqueViolation, type ErrorDetail } from '../../lib/errors';
import { appendAudit } from '../audit/service';
import { lockTree } from '../orgs/service';
import { parseImportSheet, type ImportKind, type ParsedSheet } from './sheet';
import { planAccounts } from './import-accounts';
import { planPeople } from './import-people';
import { planUnits } from './import-units';
import type { Planned } from './rows';

export type { Credential, RowAction, RowOutcome } from './rows';

/** An uploaded sheet: whole in memory, or a stream read once (a job's stored upload). */
export interface ImportFile {
  content: Buffer | Readable;
  filename: string;
}

/** Hears how far a commit got (0–100) and what it is doing. */
export type ImportProgress = (percent: number, message: string) => void;

/** The file parsed, and the SHA-256 of its bytes (computed as they stream by). */
async function readFile(kind: ImportKind, file: ImportFile, onBytes?: (parsed: number) => void) {
  const hash = createHash('sha256');
  let content: Buffer | Readable = file.content;
  if (Buffer.isBuffer(content)) hash.update(content);
  else
    content = content.pipe(
      new Transform({
        transform(chunk: Buffer, _enc, done) {
          hash.update(chunk);
          done(null, chunk);
        },
      }),
    );
  const sheet = await parseImportSheet(kind, content, file.filename, onBytes);
  return { sheet, sha256: hash.digest('hex') };
}

/**
 * What importing the file would do, row by row, with every problem as `rows.<sheet row>.<field>`.
 * Writes nothing. The office or an administrator.
 */
export async function previewImport(db: Db, actor: Actor | null, kind: ImportKind, file: ImportFile) {
  const a = requireOffice(actor, 'Importing the organisation');
  const { sheet } = await readFile(kind, file);
  const plan = await planImport(db, a, kind, sheet);
  return present(kind, sheet, plan);
}

/**
 * Imports the file: the same checks as the preview, then every row or none, in one transaction with
 * its audit entries. Rows are matched by code (units, people) or username (accounts): importing the
 * same file again changes nothing. New accounts get a random password, returned here once, that
 * they must change at first login.
 */
export async function commitImport(
  db: Db,
  actor: Actor | null,
  kind: ImportKind,
  file: ImportFile,
  opts: { onProgress?: ImportProgress; bytes?: number } = {},
) {
  const a = requireOffice(actor, 'Importing the organisation');
  const report = opts.onProgress;
  const total = Math.max(1, opts.bytes ?? 0);
  const { sheet, sha256 } = await readFile(
    kind,
    file,
    report && ((n) => report((40 * n) / total, 'reading')),
  );
  report?.(40, 'checking');
  try {
    return await db.transaction(async (tx) => {
      // Units, cadres and role scopes all read the tree: no move or new unit in between.
      await lockTree(tx);
      const plan = await planImport(tx, a, kind, sheet);
      report?.(60, 'writing');
      if (plan.errors.length)
        throw badRequest(
          `${plan.errors.length} problem(s) in the file; nothing was stored`,
          plan.errors,
          'import_invalid',
        );
      const { audit, credentials } = await plan.apply(tx, a);
      report?.(90, 'writing');
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
            sha256,
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

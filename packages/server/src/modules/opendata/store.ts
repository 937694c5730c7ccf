/**
 * The open data bundle as a stored artefact. Building it reads every published input of a cycle (at
 * province scale hundreds of megabytes of JSON), so it is built once per publication state — by the
 * `opendata.bundle` job queued at publication and at each revision, or by the first request that finds
 * no bundle of the current state — and served from the database in chunks.
 *
 * The publication state (`bundleStateKey`) is what may change a published bundle: a publication or
 * withdrawal, a published revision of a result, a change of the disclosure policy. Everything else a
 * bundle holds is frozen with the publication (rules, trees, verified values, panels), as the published
 * results are; a correction after publication reaches the bundle as the revision it must be.
 */
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { and, eq, gte, lt, notInArray, sql } from 'drizzle-orm';
import { BUNDLE_FORMAT_VERSION } from '@perfcommons/domain';
import { rowsOf, type Db } from '../../db/client';
import { opendataBundleChunks, opendataBundles, plans } from '../../db/schema';
import { errorMessage, notFound } from '../../lib/errors';
import type { Actor } from '../../lib/actor';
import type { JobDefinition, JobQueue } from '../jobs/queue';
import { getCycle } from '../cycles/service';
import { bundleFile } from './bundle';
import { resultsCsv, resultsXlsx, type ExportLang } from './export';

/** Bytes per stored chunk. */
const CHUNK = 1024 * 1024;
/** Chunks read per query while streaming. */
const READ_AHEAD = 4;
/**
 * Raised when the way a bundle is built changes (a new field, a fix), so that bundles stored by an
 * older server are rebuilt instead of served.
 */
const BUILD = 1;

/** The stored files of a published cycle: its bundle, its results as CSV and XLSX per language. */
export type OpenDataFileName = 'bundle' | `results.${'csv' | 'xlsx'}.${ExportLang}`;
export const RESULT_FILES: OpenDataFileName[] = [
  'results.csv.zh-CN',
  'results.csv.en',
  'results.xlsx.zh-CN',
  'results.xlsx.en',
];

export interface StoredBundle {
  cycleId: string;
  name: OpenDataFileName;
  code: string;
  /** The name it is downloaded as. */
  filename: string;
  sha256: string;
  bytes: number;
  chunks: number;
}

/** The cycle's publication state as it bears on its bundle; null when its results are not published. */
export async function bundleStateKey(db: Db, cycleId: string): Promise<string | null> {
  const [row] = await rowsOf<{ published: string | null; key: string }>(
    db,
    sql`select (select results_published_at::text from cycles where id = ${cycleId}) as published,
          concat_ws('|',
            (select id::text || ':' || kind from cycle_publications where cycle_id = ${cycleId}
               order by at desc, id desc limit 1),
            (select count(*)::text || ':' || coalesce(max(at)::text, '') from result_revisions
               where cycle_id = ${cycleId}),
            (select updated_at::text from cycle_disclosures where cycle_id = ${cycleId})) as key`,
  );
  if (!row?.published) return null;
  return `v${BUNDLE_FORMAT_VERSION}.${BUILD}|${row.published}|${row.key}`;
}

/** One build at a time per cycle and file in this process; other processes may build too (same bytes). */
const building = new Map<string, Promise<StoredBundle>>();

/** What each stored file is made of. */
async function buildFile(db: Db, cycleId: string, name: OpenDataFileName) {
  if (name === 'bundle') {
    const file = await bundleFile(db, cycleId);
    return { body: Buffer.from(file.body, 'utf8'), code: file.code };
  }
  const lang: ExportLang = name.endsWith('.en') ? 'en' : 'zh-CN';
  const file = name.startsWith('results.csv.')
    ? await resultsCsv(db, cycleId, lang)
    : await resultsXlsx(db, cycleId, lang);
  const code = (await getCycle(db, cycleId)).code;
  return { body: Buffer.isBuffer(file.body) ? file.body : Buffer.from(file.body, 'utf8'), code };
}

/** The name a stored file is downloaded as. */
const filenameOf = (name: OpenDataFileName, code: string) =>
  name === 'bundle' ? `perfcommons-${code}.json` : `results-${code}.${name.split('.')[1]}`;

/**
 * The stored bundle of the cycle's current publication state, built and stored first when there is
 * none (404 when the results are not published).
 */
export async function ensureBundle(db: Db, cycleId: string): Promise<StoredBundle> {
  return ensureOpenDataFile(db, cycleId, 'bundle');
}

/**
 * A stored file of the cycle's current publication state (the bundle, or the results as CSV or XLSX
 * in one language), built and stored first when there is none (404 when the results are not
 * published).
 */
export async function ensureOpenDataFile(
  db: Db,
  cycleId: string,
  name: OpenDataFileName,
): Promise<StoredBundle> {
  const key = await bundleStateKey(db, cycleId);
  if (!key) throw notFound('Published results of this cycle');
  const [stored] = await db
    .select()
    .from(opendataBundles)
    .where(and(eq(opendataBundles.cycleId, cycleId), eq(opendataBundles.name, name)));
  if (stored?.stateKey === key) {
    const cycle = await getCycle(db, cycleId);
    return {
      cycleId,
      name,
      code: cycle.code,
      filename: filenameOf(name, cycle.code),
      sha256: stored.sha256,
      bytes: stored.bytes,
      chunks: stored.chunks,
    };
  }
  const flight = `${cycleId}:${name}`;
  const running = building.get(flight);
  if (running) return running;
  const build = buildAndStore(db, cycleId, name, key).finally(() => building.delete(flight));
  building.set(flight, build);
  return build;
}

async function buildAndStore(
  db: Db,
  cycleId: string,
  name: OpenDataFileName,
  key: string,
): Promise<StoredBundle> {
  const { body, code } = await buildFile(db, cycleId, name);
  const sha256 = createHash('sha256').update(body).digest('hex');
  const bytes = body.length;
  const chunks = Math.max(1, Math.ceil(body.length / CHUNK));
  await db.transaction(async (tx) => {
    // Processes storing the same cycle's files at once take turns.
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`opendata-bundle:${cycleId}`}))`);
    const [have] = await tx
      .select({ n: sql<number>`count(*)::int` })
      .from(opendataBundleChunks)
      .where(eq(opendataBundleChunks.sha256, sha256));
    if (have.n !== chunks) {
      await tx.delete(opendataBundleChunks).where(eq(opendataBundleChunks.sha256, sha256));
      for (let seq = 0; seq < chunks; seq += 1)
        await tx.insert(opendataBundleChunks).values({
          cycleId,
          sha256,
          seq,
          data: body.subarray(seq * CHUNK, (seq + 1) * CHUNK),
        });
    }
    await tx
      .insert(opendataBundles)
      .values({ cycleId, name, stateKey: key, sha256, bytes, chunks })
      .onConflictDoUpdate({
        target: [opendataBundles.cycleId, opendataBundles.name],
        set: { stateKey: key, sha256, bytes, chunks, builtAt: new Date() },
      });
    // Bytes of earlier states of this cycle's files are of no further use.
    const current = tx
      .select({ sha256: opendataBundles.sha256 })
      .from(opendataBundles)
      .where(eq(opendataBundles.cycleId, cycleId));
    await tx
      .delete(opendataBundleChunks)
      .where(
        and(eq(opendataBundleChunks.cycleId, cycleId), notInArray(opendataBundleChunks.sha256, current)),
      );
  });
  return { cycleId, name, code, filename: filenameOf(name, code), sha256, bytes, chunks };
}

/**
 * The stored bytes as a stream, a few chunks per query. A rebuild that replaces them while they are
 * read ends the stream with an error (the client retries and gets the new bundle).
 */
export function bundleStream(db: Db, bundle: StoredBundle): Readable {
  async function* chunks() {
    for (let from = 0; from < bundle.chunks; from += READ_AHEAD) {
      const rows = await db
        .select({ seq: opendataBundleChunks.seq, data: opendataBundleChunks.data })
        .from(opendataBundleChunks)
        .where(
          and(
            eq(opendataBundleChunks.sha256, bundle.sha256),
            gte(opendataBundleChunks.seq, from),
            lt(opendataBundleChunks.seq, from + READ_AHEAD),
          ),
        )
        .orderBy(opendataBundleChunks.seq);
      const expected = Math.min(READ_AHEAD, bundle.chunks - from);
      if (rows.length !== expected) throw new Error('The open data bundle was replaced while it was read');
      for (const r of rows) yield r.data;
    }
  }
  return Readable.from(chunks());
}

export interface BundleInput {
  cycleId: string;
}

/**
 * Builds and stores the bundle of a cycle's current publication state, then its results as CSV and
 * XLSX in each language (each file: nothing when it is stored already). The result is the bundle's
 * digest and every results file's.
 */
export const opendataBundleJob: JobDefinition<
  BundleInput,
  { sha256: string; bytes: number; files: Record<string, { sha256: string; bytes: number }> }
> = {
  kind: 'opendata.bundle',
  retryLimit: 2,
  retryDelaySeconds: 5,
  run: async (ctx) => {
    ctx.progress(0, 'bundle');
    const b = await ensureBundle(ctx.db, ctx.input.cycleId);
    const files: Record<string, { sha256: string; bytes: number }> = {};
    for (const [i, name] of RESULT_FILES.entries()) {
      ctx.progress(60 + (40 * i) / RESULT_FILES.length, 'results');
      const f = await ensureOpenDataFile(ctx.db, ctx.input.cycleId, name);
      files[name] = { sha256: f.sha256, bytes: f.bytes };
    }
    return { sha256: b.sha256, bytes: b.bytes, files };
  },
};

/**
 * Queues the build of a cycle's bundle after a change of its publication state (publication, revision),
 * so the public does not wait for it. Best effort: when queueing fails the first request builds it.
 */
export async function queueBundle(
  queue: JobQueue,
  actor: Actor | null,
  of: string | { planId: string },
  log?: { warn(msg: string): void },
) {
  try {
    let cycleId = typeof of === 'string' ? of : null;
    if (typeof of !== 'string') {
      const [plan] = await queue.db
        .select({ cycleId: plans.cycleId })
        .from(plans)
        .where(eq(plans.id, of.planId));
      cycleId = plan?.cycleId ?? null;
    }
    if (cycleId) await queue.enqueue(opendataBundleJob.kind, actor, { cycleId });
  } catch (err) {
    log?.warn(`open data bundle not queued: ${errorMessage(err)}`);
  }
}

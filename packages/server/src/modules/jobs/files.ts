import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { and, eq, inArray, lt, sql } from 'drizzle-orm';
import { onPostgres, type Db, type DbOrTx } from '../../db/client';
import { jobFiles, jobOutputs, jobs } from '../../db/schema';
import { decryptBytes, encryptBytes } from '../../lib/crypto';
import { AppError, badRequest } from '../../lib/errors';

/** Size of one stored chunk of an upload. */
const CHUNK = 1 << 20;

/** An upload as it arrives: @fastify/multipart marks a file cut at its size limit as truncated. */
export type UploadStream = Readable & { truncated?: boolean };

/**
 * Stores an upload for a job in `job_files` (chunks of 1 MB, never the whole file in memory) and
 * records its size in the job's input (`bytes`). Refused with 413 past `maxBytes` (the multipart
 * limit cut it) and with 400 when an `.xlsx` does not start as a zip archive (a renamed file is
 * refused at once, not by the job). Answers the bytes stored.
 */
export async function storeUpload(
  db: Db,
  jobId: string,
  file: UploadStream,
  filename: string,
  maxBytes: number,
): Promise<number> {
  let seq = 0;
  let parts: Buffer[] = [];
  let size = 0;
  let bytes = 0;
  const flush = async () => {
    if (!size) return;
    await db.insert(jobFiles).values({ jobId, seq: seq++, data: Buffer.concat(parts) });
    parts = [];
    size = 0;
  };
  const xlsx = /\.xlsx$/i.test(filename);
  for await (const chunk of file as AsyncIterable<Buffer>) {
    if (xlsx && bytes === 0 && !(chunk.length >= 4 && chunk.readUInt32LE(0) === 0x04034b50)) {
      file.resume();
      throw badRequest('The file could not be read as a spreadsheet', [
        { path: 'file', message: 'unreadable' },
      ]);
    }
    parts.push(chunk);
    size += chunk.length;
    bytes += chunk.length;
    if (size >= CHUNK) await flush();
  }
  await flush();
  if (file.truncated)
    throw new AppError(413, 'file_too_large', `The file is larger than ${maxBytes / 1024 / 1024} MB`, [
      { path: 'file', message: `larger than ${maxBytes / 1024 / 1024} MB` },
    ]);
  if (bytes === 0) throw badRequest('The file is empty', [{ path: 'file', message: 'empty' }]);
  await db.execute(
    sql`update jobs set input = jsonb_set(input, '{bytes}', ${String(bytes)}::jsonb) where id = ${jobId}`,
  );
  return bytes;
}

/** The stored upload read back one chunk at a time, in order (memory holds one chunk). */
export function storedUpload(db: DbOrTx, jobId: string, onBytes?: (n: number) => void): Readable {
  return Readable.from(
    (async function* () {
      for (let seq = 0; ; seq++) {
        const [row] = await db
          .select({ data: jobFiles.data })
          .from(jobFiles)
          .where(and(eq(jobFiles.jobId, jobId), eq(jobFiles.seq, seq)));
        if (!row) return;
        onBytes?.(row.data.length);
        yield row.data;
      }
    })(),
    { objectMode: false },
  );
}

/** Hours a file made by a job (an export) is kept for its creator after the job ended. */
export const OUTPUT_KEEP_HOURS = 24;

/** Files of jobs that ended before this moment are past their keeping time. */
export const outputsExpireBefore = (now = Date.now()) => new Date(now - OUTPUT_KEEP_HOURS * 3_600_000);

/** A file a job writes piece by piece into `job_outputs` (see {@link outputWriter}). */
export interface OutputWriter {
  write(piece: Buffer | string): Promise<void>;
  /** Stores what is left; answers the file's size and SHA-256 (of its plain bytes). */
  end(): Promise<{ bytes: number; sha256: string }>;
}

/**
 * Writes the file a job makes (kept after the job ends, unlike its upload) in 1 MB chunks as it is
 * produced, replacing what an earlier attempt of the job stored: memory holds one chunk. With
 * `encrypt` (a file of personal data) each chunk is stored encrypted with the personal-data key
 * (lib/crypto.ts `encryptBytes`) and decrypted only when read back ({@link storedOutput}).
 */
export async function outputWriter(
  db: DbOrTx,
  jobId: string,
  opts: { encrypt?: boolean } = {},
): Promise<OutputWriter> {
  await db.delete(jobOutputs).where(eq(jobOutputs.jobId, jobId));
  const hash = createHash('sha256');
  let seq = 0;
  let bytes = 0;
  let parts: Buffer[] = [];
  let size = 0;
  const store = async (chunk: Buffer) => {
    const data = opts.encrypt ? encryptBytes(chunk) : chunk;
    await db.insert(jobOutputs).values({ jobId, seq: seq++, data });
  };
  return {
    async write(piece) {
      const buf = typeof piece === 'string' ? Buffer.from(piece) : piece;
      if (!buf.length) return;
      hash.update(buf);
      bytes += buf.length;
      parts.push(buf);
      size += buf.length;
      if (size < CHUNK) return;
      let all = parts.length === 1 ? parts[0] : Buffer.concat(parts);
      while (all.length >= CHUNK) {
        await store(all.subarray(0, CHUNK));
        all = all.subarray(CHUNK);
      }
      parts = all.length ? [all] : [];
      size = all.length;
    },
    async end() {
      if (size) await store(Buffer.concat(parts));
      parts = [];
      size = 0;
      return { bytes, sha256: hash.digest('hex') };
    },
  };
}

/**
 * Stores the file a job made, whole in memory already (an export), in 1 MB chunks (see
 * {@link outputWriter}); answers its size and SHA-256.
 */
export async function storeOutput(db: DbOrTx, jobId: string, body: Buffer) {
  const out = await outputWriter(db, jobId);
  await out.write(body);
  return out.end();
}

/**
 * The file a job made, read back one chunk at a time (memory holds one chunk); `decrypt` when it was
 * stored encrypted (its JobFile says `encrypted`).
 */
export function storedOutput(db: DbOrTx, jobId: string, opts: { decrypt?: boolean } = {}): Readable {
  return Readable.from(
    (async function* () {
      for (let seq = 0; ; seq++) {
        const [row] = await db
          .select({ data: jobOutputs.data })
          .from(jobOutputs)
          .where(and(eq(jobOutputs.jobId, jobId), eq(jobOutputs.seq, seq)));
        if (!row) return;
        yield opts.decrypt ? decryptBytes(row.data) : row.data;
      }
    })(),
    { objectMode: false },
  );
}

/**
 * Deletes the files of jobs that ended more than {@link OUTPUT_KEEP_HOURS} ago (by each export job
 * and each monitoring sweep).
 */
export async function deleteExpiredOutputs(db: DbOrTx) {
  const before = outputsExpireBefore();
  const old = db.select({ id: jobs.id }).from(jobs).where(lt(jobs.finishedAt, before));
  await db.delete(jobOutputs).where(inArray(jobOutputs.jobId, old));
}

/** PGlite (one connection, held by a job's transaction) rather than the PostgreSQL pool. */
export const isLite = (db: Db) => !onPostgres(db);

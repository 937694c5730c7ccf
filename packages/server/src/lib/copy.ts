import { once } from 'node:events';
import type { PGlite, Transaction as PGliteTransaction } from '@electric-sql/pglite';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { Tx } from '../db/client';

/**
 * Bulk load into a table with COPY (text format) inside the caller's transaction: on PostgreSQL
 * `COPY … FROM STDIN` streamed over the transaction's own connection (pg-copy-streams), on PGlite
 * `COPY … FROM '/dev/blob'` with a blob of at most {@link PGLITE_CHUNK_BYTES} at a time. Rows are
 * written as lines (see {@link copyLine}); memory holds one chunk. `end` waits for the server to
 * accept every row; `abort` cancels the COPY (the caller's transaction then rolls back).
 */
export interface CopyWriter {
  write(line: string): Promise<void>;
  /**
   * Rows already as bytes: whole lines of the text format ({@link CopyBuffer}), or with `binary`
   * every byte of the COPY (lib/copy-binary.ts).
   */
  writeBytes(chunk: Buffer): Promise<void>;
  end(): Promise<number>;
  abort(): Promise<void>;
}

/** Bytes sent per write on PostgreSQL. */
const PG_CHUNK_BYTES = 1 << 20;
/** Bytes of one `/dev/blob` COPY on PGlite (its data lives in the same process anyway). */
const PGLITE_CHUNK_BYTES = 4 << 20;

/** The connection under a Drizzle transaction: a pg pool client or PGlite's transaction. */
function clientOf(tx: Tx): pg.PoolClient | PGliteTransaction | PGlite {
  return (tx as unknown as { session: { client: pg.PoolClient | PGliteTransaction | PGlite } }).session
    .client;
}

const SPECIAL = /[\\\t\n\r]/;
/** One field in COPY's text format: `\N` for null, backslash, tab and line breaks escaped. */
export function copyField(v: string | null): string {
  if (v === null) return '\\N';
  if (!SPECIAL.test(v)) return v;
  return v.replace(/[\\\t\n\r]/g, (c) =>
    c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r',
  );
}

/** One row in COPY's text format (fields already in table column order). */
export const copyLine = (fields: (string | null)[]) => fields.map(copyField).join('\t') + '\n';

export function copyInto(
  tx: Tx,
  table: string,
  columns: string[],
  opts: { binary?: boolean } = {},
): CopyWriter {
  const client = clientOf(tx);
  const target = `${table} (${columns.join(', ')})`;
  const format = opts.binary ? ' with (format binary)' : '';
  let parts: string[] = [];
  let size = 0;
  let rows = 0;
  if (typeof (client as pg.PoolClient).release === 'function') {
    const stream = (client as pg.PoolClient).query(copyFrom(`copy ${target} from stdin${format}`));
    let failure: Error | null = null;
    let wake: (() => void) | null = null;
    stream.on('error', (err: Error) => {
      failure ??= err;
      wake?.();
    });
    stream.on('drain', () => wake?.());
    const send = async (chunk: string | Buffer) => {
      if (!stream.write(chunk) && !failure) await new Promise<void>((r) => (wake = r));
      wake = null;
      if (failure) throw failure;
    };
    const flush = async () => {
      if (failure) throw failure;
      if (!size) return;
      const chunk = parts.join('');
      parts = [];
      size = 0;
      await send(chunk);
    };
    return {
      async write(line) {
        parts.push(line);
        size += line.length;
        rows++;
        if (size >= PG_CHUNK_BYTES) await flush();
      },
      async writeBytes(chunk) {
        await flush();
        await send(chunk);
      },
      async end() {
        await flush();
        stream.end();
        await Promise.race([once(stream, 'finish'), once(stream, 'error')]);
        if (failure) throw failure;
        return rows;
      },
      async abort() {
        if (stream.writableFinished || stream.destroyed) return;
        // pg-copy-streams sends CopyFail: the server ends the COPY with an error, the connection is usable.
        const closed = once(stream, 'close').catch(() => undefined);
        stream.destroy(new Error('import refused'));
        await closed;
      },
    };
  }
  const lite = client as PGliteTransaction;
  let bytes: Buffer[] = [];
  const flush = async () => {
    if (!size) return;
    const blob = new Blob([...bytes, ...parts]);
    bytes = [];
    parts = [];
    size = 0;
    await lite.query(`copy ${target} from '/dev/blob'${format}`, [], { blob });
  };
  return {
    async write(line) {
      parts.push(line);
      size += line.length;
      rows++;
      if (size >= PGLITE_CHUNK_BYTES) await flush();
    },
    async writeBytes(chunk) {
      if (parts.length) await flush();
      bytes.push(chunk);
      size += chunk.length;
      if (size >= PGLITE_CHUNK_BYTES) await flush();
    },
    async end() {
      await flush();
      return rows;
    },
    async abort() {
      bytes = [];
      parts = [];
      size = 0;
    },
  };
}

/** Bytes of one buffer of a {@link CopyBuffer}. */
const COPY_BUFFER_BYTES = 1 << 20;

/**
 * COPY text written straight into buffers of 1 MiB, line by line: a bulk writer keeps bytes rather
 * than strings (a batch of a million-row import held as strings until sent survived the young
 * generation and garbage collection took a third of Node's time).
 */
export class CopyBuffer {
  private full: Buffer[] = [];
  private buf: Buffer | null = null;
  private pos = 0;
  /** Lines added since the last {@link take}. */
  lines = 0;

  add(line: string) {
    this.lines++;
    // At most 3 bytes of UTF-8 per UTF-16 unit.
    const most = line.length * 3;
    if (!this.buf || this.pos + most > this.buf.length) {
      this.close();
      if (most > COPY_BUFFER_BYTES) {
        this.full.push(Buffer.from(line, 'utf8'));
        return;
      }
      this.buf = Buffer.allocUnsafe(COPY_BUFFER_BYTES);
    }
    this.pos += this.buf!.write(line, this.pos, 'utf8');
  }

  private close() {
    if (this.buf && this.pos) this.full.push(this.buf.subarray(0, this.pos));
    this.buf = null;
    this.pos = 0;
  }

  /** The bytes added so far (this buffer starts again empty). */
  take(): Buffer[] {
    this.close();
    const out = this.full;
    this.full = [];
    this.lines = 0;
    return out;
  }
}

import { PassThrough } from 'node:stream';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inlineParams } from '../db/bulk';
import { copyOutRows, CopyOutParser, uuidText } from './copy-out';

/** The binary COPY reader against the database's own writer (PGlite: PostgreSQL's COPY code). */
describe('CopyOutParser', () => {
  let db: PGlite;
  /** The bytes of a binary COPY of three rows and what each field holds. */
  let bytes: Buffer;
  const rows = [
    { id: '0199c2f0-1a2b-7c3d-8e4f-a0b1c2d3e4f5', keys: 'E1\x1fpublic\x1eE2\x1fexpert', xs: [86.6, 0.1] },
    { id: '00000000-0000-4000-8000-000000000001', keys: '统计局\x1f2025', xs: [-0.5e-300] },
    { id: 'ffffffff-ffff-4fff-bfff-ffffffffffff', keys: '', xs: [] },
  ];
  beforeAll(async () => {
    db = await PGlite.create();
    await db.exec(`create table t (n int, id uuid, keys text, x double precision)`);
    for (const [n, r] of rows.entries())
      if (r.xs.length)
        for (const x of r.xs) await db.query(`insert into t values ($1, $2, $3, $4)`, [n, r.id, r.keys, x]);
      else await db.query(`insert into t values ($1, $2, $3, null)`, [n, r.id, r.keys]);
    const out = await db.query(
      `copy (select id, keys, string_agg(float8send(x), ''::bytea order by x), null::text as none
             from t group by n, id, keys order by n) to '/dev/blob' with (format binary)`,
    );
    bytes = Buffer.from(await out.blob!.arrayBuffer());
  });
  afterAll(() => db.close());

  /** Every row of `chunks` pushed one after another, with the fields read as the rows above hold them. */
  const parse = (chunks: Buffer[]) => {
    const p = new CopyOutParser();
    const got: unknown[] = [];
    for (const c of chunks) {
      p.push(c);
      for (let f; (f = p.row());) {
        const data = f[2];
        const xs = data ? Array.from({ length: data.length / 8 }, (_, i) => data.readDoubleBE(i * 8)) : [];
        got.push({ id: uuidText(f[0]!), keys: f[1]!.toString('utf8'), xs, none: f[3] });
      }
    }
    return { got, ended: p.ended, pending: p.buffered };
  };
  const expected = rows.map((r) => ({ ...r, xs: [...r.xs].sort((a, b) => a - b), none: null }));

  it('reads every row and field PostgreSQL wrote, NULLs and texts of any script included', () => {
    expect(parse([bytes])).toEqual({ got: expected, ended: true, pending: 0 });
  });

  it('reads the same whatever the chunks are cut at: every cut, and one byte at a time', () => {
    for (let cut = 0; cut <= bytes.length; cut++)
      expect(parse([bytes.subarray(0, cut), bytes.subarray(cut)])).toEqual({
        got: expected,
        ended: true,
        pending: 0,
      });
    const bytewise = Array.from({ length: bytes.length }, (_, i) => bytes.subarray(i, i + 1));
    expect(parse(bytewise)).toEqual({ got: expected, ended: true, pending: 0 });
  });

  it('gives no row before it is whole, and views of the bytes as they came', () => {
    const p = new CopyOutParser();
    p.push(bytes.subarray(0, 30));
    expect(p.row()).toBeUndefined();
    p.push(bytes.subarray(30));
    // The first row was cut by the chunk's edge: copied whole. The next is within one chunk: a view.
    expect(p.row()![1]!.buffer).not.toBe(bytes.buffer);
    expect(p.row()![1]!.buffer).toBe(bytes.buffer);
    expect(p.ended).toBe(false);
  });

  it('refuses what is not a binary COPY, and data after the trailer', () => {
    const p = new CopyOutParser();
    p.push(Buffer.from('id\tkeys\n1\tE1\n2\tE2\n3\tE3\n', 'latin1'));
    expect(() => p.row()).toThrow('not a binary COPY stream');
    const q = new CopyOutParser();
    q.push(bytes);
    while (q.row());
    expect(q.ended).toBe(true);
    expect(() => q.push(Buffer.from([0]))).toThrow('after its trailer');
  });

  it('writes uuids as PostgreSQL prints them', () => {
    for (const r of rows) expect(uuidText(Buffer.from(r.id.replaceAll('-', ''), 'hex'))).toBe(r.id);
    expect(() => uuidText(Buffer.alloc(15))).toThrow('15 bytes');
  });

  it('hands rows out as asked, pausing the stream past the read-ahead and resuming as they are taken', async () => {
    const stream = new PassThrough();
    const reader = copyOutRows(stream, 64);
    // All the bytes at once: far past 64, so the stream pauses once they are in.
    stream.write(bytes);
    const first = await reader.next(1);
    expect(first).toHaveLength(1);
    expect(stream.isPaused()).toBe(true);
    const rest = await reader.next(10);
    expect(rest).toHaveLength(2);
    stream.end();
    expect(await reader.next(10)).toBeNull();
    expect(await reader.next(10)).toBeNull();
  });

  it('fails when the stream ends before the trailer or errs', async () => {
    const cut = new PassThrough();
    const a = copyOutRows(cut, 1 << 20);
    cut.end(bytes.subarray(0, bytes.length - 2));
    await a.next(10);
    await expect(a.next(10)).rejects.toThrow('ended before its trailer');
    const failing = new PassThrough();
    const b = copyOutRows(failing, 1 << 20);
    failing.destroy(new Error('connection lost'));
    await expect(b.next(10)).rejects.toThrow('connection lost');
  });
});

describe('inlineParams', () => {
  const texts = ["it's", 'back\\slash', "both ' and \\", '统计局', '\x1e\x1f', ''];

  it("quotes each parameter as node-postgres' escapeLiteral does", () => {
    const escape = pg.Client.prototype.escapeLiteral;
    for (const t of texts) expect(inlineParams({ sql: '$1', params: [t] })).toBe(escape(t));
    expect(inlineParams({ sql: 'select $1, $2, $10', params: [1.5, 'a', ...Array(7).fill(0), 'b'] })).toBe(
      "select 1.5, 'a', 'b'",
    );
    expect(() => inlineParams({ sql: 'select $2', params: [1] })).toThrow('$2 is missing');
    expect(() => inlineParams({ sql: 'select $1', params: [NaN] })).toThrow('$1 is number');
  });

  it('means what the statement with bind parameters means', async () => {
    const db = await PGlite.create();
    try {
      for (const t of texts) {
        const sql = `select $1::text || '!' as s, length($1::text) as n`;
        const bound = await db.query(sql, [t]);
        const inlined = await db.query(inlineParams({ sql, params: [t] }));
        expect(inlined.rows).toEqual(bound.rows);
      }
    } finally {
      await db.close();
    }
  });
});

import { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CopyBinary } from './copy-binary';

/** The binary COPY writer against the database's own reader (PGlite: PostgreSQL's COPY code). */
describe('CopyBinary', () => {
  let db: PGlite;
  beforeAll(async () => {
    db = await PGlite.create();
    await db.exec(`create table t (id uuid, n bigint, i integer, x double precision, s text, j jsonb,
      at timestamptz, other uuid)`);
  });
  afterAll(() => db.close());

  const copy = async (chunks: Buffer[]) =>
    db.query(`copy t from '/dev/blob' with (format binary)`, [], { blob: new Blob(chunks) });

  it('writes rows PostgreSQL reads back field for field, nulls and texts of any script included', async () => {
    const b = new CopyBinary();
    const other = CopyBinary.encode((e) => e.uuid('0199C2F0-1A2B-7C3D-8E4F-A0B1C2D3E4F5'));
    const rows = [
      [
        '0199c2f0-1a2b-7c3d-8e4f-a0b1c2d3e4f5',
        9_007_199_254_740_991,
        -7,
        12.34,
        '统计局月报\t"x"\\',
        '{"a":[1,"二"]}',
      ],
      ['00000000-0000-4000-8000-000000000001', -1, 0, -0.5e-300, null, 'null'],
    ] as const;
    const at = Date.parse('2026-12-01T09:45:12.345Z');
    for (const [id, n, i, x, s, j] of rows) {
      b.row(8);
      b.uuid(id);
      b.int8(n);
      b.int4(i);
      b.float8(x);
      b.text(s);
      b.jsonb(j);
      b.timestamptz(at);
      b.field(other);
    }
    expect(b.rows).toBe(2);
    await copy(b.take());
    expect(b.rows).toBe(0);
    const back = await db.query<Record<string, unknown>>(
      `select id::text, n::text, i, x, s, j::text, to_char(at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as at,
        other::text from t order by n desc`,
    );
    expect(back.rows).toEqual(
      rows.map(([id, n, i, x, s], k) => ({
        id,
        n: String(n),
        i,
        x,
        s,
        j: ['{"a": [1, "二"]}', 'null'][k],
        at: '2026-12-01T09:45:12.345Z',
        other: '0199c2f0-1a2b-7c3d-8e4f-a0b1c2d3e4f5',
      })),
    );
  });

  it('spreads a COPY over several buffers without splitting a field wrongly', async () => {
    await db.exec('truncate t');
    const b = new CopyBinary();
    const long = '指标'.repeat(300_000); // 1.8 MB of UTF-8: larger than one buffer
    for (let k = 0; k < 3000; k++) {
      b.row(8);
      b.uuid('0199c2f0-1a2b-7c3d-8e4f-a0b1c2d3e4f5');
      b.int8(k);
      b.null();
      b.null();
      b.text(k === 1500 ? long : `row ${k}`);
      b.null();
      b.null();
      b.null();
    }
    const chunks = b.take();
    expect(chunks.length).toBeGreaterThan(1);
    await copy(chunks);
    const back = await db.query<{ rows: number; total: number; longest: number }>(
      `select count(*)::int as rows, sum(n)::int as total, max(length(s))::int as longest from t`,
    );
    expect(back.rows[0]).toEqual({ rows: 3000, total: (2999 * 3000) / 2, longest: long.length });
    expect(new CopyBinary().take()).toEqual([]);
  });

  it('writes texts that start in ASCII and go on in other scripts, short and long', async () => {
    await db.exec('truncate t');
    const b = new CopyBinary();
    const texts = ['L0001 统计局月报', 'ascii only', '', 'a\ud800b', 'x'.repeat(300) + '二'];
    // A lone surrogate is written as U+FFFD, as Buffer#write writes it.
    const stored = texts.map((s) => Buffer.from(s, 'utf8').toString('utf8'));
    texts.forEach((s, k) => {
      b.row(8);
      b.null();
      b.int8(k);
      b.null();
      b.null();
      b.text(s);
      b.jsonb(JSON.stringify({ s: stored[k] }));
      b.null();
      b.null();
    });
    await copy(b.take());
    const back = await db.query<{ s: string; j: { s: string } }>(`select s, j from t order by n`);
    expect(back.rows).toEqual(stored.map((s) => ({ s, j: { s } })));
    expect(stored[3]).toBe('a\ufffdb');
  });

  it('sends the rows in another order, rows over several buffers included', async () => {
    await db.exec('truncate t');
    const b = new CopyBinary();
    const long = '指标'.repeat(300_000); // larger than one buffer: rows around it straddle two
    const n = 3000;
    for (let k = 0; k < n; k++) {
      b.row(8);
      b.null();
      b.int8(k);
      b.null();
      b.null();
      b.text(k % 1000 === 7 ? long : `row ${k}`);
      b.null();
      b.null();
      b.null();
    }
    // Even rows first, each half backwards.
    const order = [
      ...Array.from({ length: n / 2 }, (_, i) => n - 2 - 2 * i),
      ...Array.from({ length: n / 2 }, (_, i) => n - 1 - 2 * i),
    ];
    const chunks = b.takeInOrder(order);
    await copy(chunks);
    const back = await db.query<{ n: number; s: string }>(`select n::int, s from t order by ctid`);
    expect(back.rows.map((r) => r.n)).toEqual(order);
    expect(back.rows.every((r) => r.s === (r.n % 1000 === 7 ? long : `row ${r.n}`))).toBe(true);
    // The next COPY starts afresh.
    b.row(8);
    for (let k = 0; k < 8; k++) b.null();
    expect(b.takeInOrder([0])[0].length).toBe(19 + 2 + 8 * 4 + 2);
    expect(new CopyBinary().takeInOrder([])).toEqual([]);
    expect(() => b.takeInOrder([0])).toThrow('an order of every row');
  });

  it('refuses a uuid that is not one', () => {
    const b = new CopyBinary();
    expect(() => b.uuid('0199c2f0-1a2b-7c3d-8e4f-a0b1c2d3e4f')).toThrow('not a uuid');
    expect(() => b.uuid('0199c2f0-1a2b-7c3d-8e4f-a0b1c2d3e4fz')).toThrow('not a uuid');
  });
});

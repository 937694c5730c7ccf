import { crc32, deflateRawSync } from 'node:zlib';
import Fastify from 'fastify';
import multipartPlugin from '@fastify/multipart';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_TREE_DEPTH } from '@perfcommons/contracts';
import { exportTable, safeCell, toCsv } from '../src/lib/export';
import { assertZipWithinLimits, MAX_SHEET_UNCOMPRESSED } from '../src/lib/sheets';
import { MAX_CONCURRENT_UPLOADS, uploadLimitPlugin } from '../src/lib/uploads';
import { factory } from './factories';
import { buildTestApp, multipart, type Client, type TestApp } from './helper';

/** Input and output hardening of issue 14: formula injection, zip bombs, concurrent imports, deep trees. */
let t: TestApp;
let office: Client;
beforeAll(async () => {
  t = await buildTestApp({ city: 'empty' });
  office = await (await factory(t, 'hardening').user([{ role: 'office' }])).login();
});
afterAll(async () => t?.close());

/** A one-part zip archive; `declared` lets the central directory lie about the uncompressed size. */
function zipOf(name: string, content: Buffer, declared = content.length): Buffer {
  const data = deflateRawSync(content);
  const n = Buffer.from(name);
  const crc = crc32(content);
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0);
  local.writeUInt16LE(20, 4);
  local.writeUInt16LE(8, 8);
  local.writeUInt32LE(crc, 14);
  local.writeUInt32LE(data.length, 18);
  local.writeUInt32LE(declared, 22);
  local.writeUInt16LE(n.length, 26);
  const central = Buffer.alloc(46);
  central.writeUInt32LE(0x02014b50, 0);
  central.writeUInt16LE(20, 4);
  central.writeUInt16LE(20, 6);
  central.writeUInt16LE(8, 10);
  central.writeUInt32LE(crc, 16);
  central.writeUInt32LE(data.length, 20);
  central.writeUInt32LE(declared, 24);
  central.writeUInt16LE(n.length, 28);
  central.writeUInt32LE(0, 42);
  const cdOffset = 30 + n.length + data.length;
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(1, 8);
  end.writeUInt16LE(1, 10);
  end.writeUInt32LE(46 + n.length, 12);
  end.writeUInt32LE(cdOffset, 16);
  return Buffer.concat([local, n, data, central, n, end]);
}

describe('exports escape spreadsheet formulas (one writer: lib/export.ts)', () => {
  const evil = ["=cmd|' /C calc'!A0", '@SUM(1+1)*cmd|"/C calc"!A0', '+1+1', '-2+3', '\t=1', '\r=1'];

  it('prefixes every dangerous text cell with an apostrophe and keeps numbers typed', () => {
    for (const v of evil) expect(safeCell(v)).toBe(`'${v}`);
    expect(safeCell('普通文本 = ok')).toBe('普通文本 = ok');
    expect(safeCell(-3.5)).toBe(-3.5);
    expect(safeCell(null)).toBe('');
    const csv = toCsv(
      ['a', 'b'],
      [
        [evil[0], 1],
        [evil[1], -2],
      ],
    ).toString('utf8');
    expect(csv).toBe(`\uFEFFa,b\r\n'=cmd|' /C calc'!A0,1\r\n"'@SUM(1+1)*cmd|""/C calc""!A0",-2`);
  });

  it('writes XLSX cells as escaped text', async () => {
    const out = await exportTable('xlsx', { name: 'answers', header: ['text'], rows: evil.map((v) => [v]) });
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(out.body as unknown as ArrayBuffer);
    const cells = wb.worksheets[0].getColumn(1).values.slice(2);
    // (XLSX stores a carriage return as a line feed.)
    expect(cells).toEqual(evil.map((v) => `'${v}`.replace('\r', '\n')));
    // No cell became a formula.
    wb.worksheets[0].eachRow((row) => row.eachCell((c) => expect(c.formula).toBeUndefined()));
  });

  it('is what every export uses (no other CSV or XLSX data writer in the server)', async () => {
    const { readFileSync, readdirSync, statSync } = await import('node:fs');
    const path = await import('node:path');
    const root = path.resolve(import.meta.dirname, '../src');
    const offenders: string[] = [];
    const walk = (dir: string) => {
      for (const f of readdirSync(dir)) {
        const p = path.join(dir, f);
        if (statSync(p).isDirectory()) walk(p);
        else if (p.endsWith('.ts') && !p.endsWith('.test.ts') && !p.endsWith(path.join('lib', 'export.ts'))) {
          const s = readFileSync(p, 'utf8');
          // A CSV joined by hand or a generated workbook must go through the shared escaping.
          const writes = /join\('\\r\\n'\)/.test(s) || /xlsx\.writeBuffer\(/.test(s);
          // The import templates hold only the platform's own column names and examples.
          const fixedText = p.endsWith(path.join('onboarding', 'sheet.ts'));
          if (writes && !fixedText && !/\bsafeCell\b|lib\/export'/.test(s)) offenders.push(p);
        }
      }
    };
    walk(root);
    expect(offenders).toEqual([]);
  });
});

describe('spreadsheet imports are limited', () => {
  const bomb = Buffer.alloc(MAX_SHEET_UNCOMPRESSED + 1024 * 1024, 0x20);

  it('refuses an archive whose parts inflate past the limit, whatever sizes it declares', () => {
    const honest = zipOf('xl/worksheets/sheet1.xml', bomb);
    const lying = zipOf('xl/worksheets/sheet1.xml', bomb, 1000);
    expect(honest.length).toBeLessThan(200_000);
    for (const z of [honest, lying]) {
      let err: unknown;
      try {
        assertZipWithinLimits(z);
      } catch (e) {
        err = e;
      }
      expect(err).toMatchObject({ statusCode: 413, error: 'file_too_large' });
    }
    expect(() => assertZipWithinLimits(zipOf('a.xml', Buffer.alloc(1000, 0x20)))).not.toThrow();
  });

  it('answers 413 naming the file before the spreadsheet library loads it', async () => {
    const z = zipOf('xl/worksheets/sheet1.xml', bomb, 1000);
    const { payload, headers } = multipart('units.xlsx', z);
    const res = await office.raw({ method: 'POST', url: '/api/import/units/preview', payload, headers });
    expect(res.statusCode).toBe(413);
    expect(res.json()).toMatchObject({ error: 'file_too_large', details: [{ path: 'file' }] });
    expect(res.json().message).toMatch(/uncompressed/);
  });

  it(`allows ${MAX_CONCURRENT_UPLOADS} uploads at a time per account and answers 429 for more`, async () => {
    const app = Fastify();
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    // The handler runs after the hook took the upload's slot: once every running upload is inside it,
    // all slots are held (no sleep deciding it).
    let entered = 0;
    let allInside!: () => void;
    const inside = new Promise<void>((r) => (allInside = r));
    await app.register(multipartPlugin);
    app.decorateRequest('actor', null);
    await app.register(uploadLimitPlugin);
    app.post('/api/upload', async (req) => {
      if (++entered === MAX_CONCURRENT_UPLOADS) allInside();
      await req.file();
      await gate;
      return { ok: true };
    });
    await app.ready();
    const send = () => {
      const { payload, headers } = multipart('a.csv', Buffer.from('a,b\n1,2\n'));
      return app.inject({ method: 'POST', url: '/api/upload', payload, headers, remoteAddress: '10.0.0.9' });
    };
    const running = Array.from({ length: MAX_CONCURRENT_UPLOADS }, send);
    await inside;
    const refused = await send();
    expect(refused.statusCode).toBe(429);
    expect(refused.json().message).toMatch(/At most 2 uploads at a time/);
    release();
    expect((await Promise.all(running)).map((r) => r.statusCode)).toEqual([200, 200]);
    // Slots are freed once answered.
    expect((await send()).statusCode).toBe(200);
    await app.close();
  });
});

describe('indicator trees are limited in depth', () => {
  const chain = (levels: number) => {
    let node: Record<string, unknown> = { code: `L${levels}`, name: 'x', weight: 100 };
    for (let i = levels - 1; i >= 1; i--) node = { code: `L${i}`, name: 'x', weight: 100, children: [node] };
    return [node];
  };

  it(`answers 400 naming the node past level ${MAX_TREE_DEPTH}, also 600 levels deep (was a 500)`, async () => {
    const url = '/api/plans/00000000-0000-4000-8000-000000000001/tree';
    for (const levels of [MAX_TREE_DEPTH + 1, 600, 1500]) {
      const res = await office.put(url, { tree: chain(levels), version: 1 });
      expect(res.statusCode, String(levels)).toBe(400);
      const d = res.json().details;
      expect(d[0].path).toBe(['tree', 0, ...Array(MAX_TREE_DEPTH).fill(['children', 0]).flat()].join('.'));
      expect(d[0].message).toContain(`at most ${MAX_TREE_DEPTH} levels`);
    }
    // Deeper than the JSON parser itself can go: still a 4xx with the error body, never a 5xx.
    const open = '{"code":"x","name":"x","weight":100,"children":['.repeat(20_000);
    const huge = `{"version":1,"tree":[${open}${']}'.repeat(20_000)}]}`;
    const res = await office.raw({
      method: 'PUT',
      url,
      payload: huge,
      headers: { 'content-type': 'application/json' },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toHaveProperty('details');
    // At the limit the schema accepts the shape (the plan does not exist: 404, not 400).
    const ok = await office.put(url, { tree: chain(MAX_TREE_DEPTH), version: 1 });
    expect(ok.statusCode).toBe(404);
  });
});

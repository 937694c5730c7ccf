import fs from 'node:fs';
import { Readable } from 'node:stream';
import { crc32, deflateRawSync } from 'node:zlib';
import { parse as parseCsv } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { describe, expect, it, vi } from 'vitest';
import {
  assertZipStreamable,
  MAX_INFLATE_RATIO,
  readSheetRows,
  type SheetStreamOptions,
} from './sheet-stream';

/** Every row the reader yields, or the error it throws. */
async function read(source: Readable | Buffer, filename: string, opts?: SheetStreamOptions) {
  const rows = [];
  for await (const r of readSheetRows(source, filename, opts)) rows.push(r);
  return rows;
}
async function refusal(p: Promise<unknown>) {
  try {
    await p;
  } catch (e) {
    return e as { statusCode: number; error: string; message: string };
  }
  throw new Error('not refused');
}

async function workbook(rows: unknown[][], extraSheet = false) {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('data');
  for (const r of rows) ws.addRow(r);
  if (extraSheet) wb.addWorksheet('notes').addRow(['not', 'read']);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

/** A one-part zip archive; `declared` lets the central directory lie about the uncompressed size. */
function zipOf(name: string, content: Buffer, declared = content.length): Buffer {
  const data = deflateRawSync(content);
  const n = Buffer.from(name);
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0);
  local.writeUInt16LE(20, 4);
  local.writeUInt16LE(8, 8);
  local.writeUInt32LE(crc32(content), 14);
  local.writeUInt32LE(data.length, 18);
  local.writeUInt32LE(declared, 22);
  local.writeUInt16LE(n.length, 26);
  const central = Buffer.alloc(46);
  central.writeUInt32LE(0x02014b50, 0);
  central.writeUInt16LE(20, 4);
  central.writeUInt16LE(20, 6);
  central.writeUInt16LE(8, 10);
  central.writeUInt32LE(crc32(content), 16);
  central.writeUInt32LE(data.length, 20);
  central.writeUInt32LE(declared, 24);
  central.writeUInt16LE(n.length, 28);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(1, 8);
  end.writeUInt16LE(1, 10);
  end.writeUInt32LE(46 + n.length, 12);
  end.writeUInt32LE(30 + n.length + data.length, 16);
  return Buffer.concat([local, n, data, central, n, end]);
}

describe('readSheetRows', () => {
  it('streams the first sheet of an XLSX as text rows, numbered as in the sheet', async () => {
    const file = await workbook(
      [
        ['code', 'value', 'day', 'note'],
        ['a-1', 12.5, new Date(Date.UTC(2025, 5, 1)), ' spaced '],
        [],
        ['a-2', { formula: '1+1', result: 2 }, null, { richText: [{ text: 'ri' }, { text: 'ch' }] }],
      ],
      true,
    );
    const rows = await read(Readable.from([file]), 'v.XLSX');
    expect(rows).toEqual([
      { row: 1, cells: ['code', 'value', 'day', 'note'] },
      { row: 2, cells: ['a-1', '12.5', '2025-06-01', 'spaced'] },
      { row: 4, cells: ['a-2', '2', '', 'rich'] },
    ]);
    // The same from a buffer.
    expect(await read(file, 'v.xlsx')).toEqual(rows);
  });

  it('parses each worksheet as it arrives: nothing written to disk, whatever order the writer chose', async () => {
    // Excel, WPS and ExcelJS put the sheets before the shared strings; read in that order, the
    // library would park each sheet in a temporary file and parse it at the end.
    const write = vi.spyOn(fs, 'createWriteStream');
    try {
      const texts = await workbook([
        ['code', 'name'],
        ['a-1', '名称'],
        ['a-2', 3],
      ]);
      expect(await read(texts, 'a.xlsx')).toEqual([
        { row: 1, cells: ['code', 'name'] },
        { row: 2, cells: ['a-1', '名称'] },
        { row: 3, cells: ['a-2', '3'] },
      ]);
      // A workbook of numbers only, with no shared strings at all.
      const numbers = await workbook([
        [1, 2],
        [3, new Date(Date.UTC(2025, 0, 2))],
      ]);
      expect(await read(numbers, 'n.xlsx')).toEqual([
        { row: 1, cells: ['1', '2'] },
        { row: 2, cells: ['3', '2025-01-02'] },
      ]);
      expect(write).not.toHaveBeenCalled();
    } finally {
      write.mockRestore();
    }
  });

  it('streams a CSV (BOM, quotes, empty lines) with record numbers as rows', async () => {
    const csv = '\uFEFFcode,value\r\n"a,1", 3 \r\n\r\nb,"x\ny"\r\n';
    const rows = await read(
      Readable.from([Buffer.from(csv.slice(0, 9)), Buffer.from(csv.slice(9))]),
      'v.csv',
    );
    expect(rows).toEqual([
      { row: 1, cells: ['code', 'value'] },
      { row: 2, cells: ['a,1', '3'] },
      { row: 4, cells: ['b', 'x\ny'] },
    ]);
    const bad = await refusal(read(Buffer.from('a,b\n"open,2\n'), 'v.csv'));
    expect(bad).toMatchObject({ statusCode: 400, message: expect.stringMatching(/not valid CSV/) });
    // A quote inside an unquoted field (csv-parse's INVALID_OPENING_QUOTE, a code without CSV_):
    // refused as invalid CSV naming the row, not a server error.
    const quote = await refusal(read(Buffer.from('a,b\nabc,de"f\n'), 'v.csv'));
    expect(quote).toMatchObject({ statusCode: 400, message: 'The file is not valid CSV (row 2)' });
  });

  it('reads quote-free lines itself and the rest with csv-parse, rows as csv-parse makes them', async () => {
    /** What csv-parse alone makes of a file, as the reader hands it out. */
    const reference = (file: Buffer) =>
      (parseCsv(file, { bom: true, relax_column_count: true, skip_empty_lines: false }) as string[][])
        .map((values, k) => ({ row: k + 1, cells: values.map((v) => v.trim()) }))
        .filter((r) => r.cells.some((c) => c !== ''));
    const body = (n: number, end: string) =>
      Array.from(
        { length: n },
        (_, i) => `L${i % 1000},2025-0${(i % 9) + 1},${i / 4},${i % 3 ? '' : '统计局'}`,
      ).join(end);
    const files = [
      `indicatorCode,period,value,note\n${body(5000, '\n')}\n`,
      `\uFEFFindicatorCode,period\r\n${body(3000, '\r\n')}\r\n"a,b",1\r\n${body(2000, '\r\n')}`,
      `h\n${body(3000, '\n')}\n\n x ,"multi\nline",\r\n${body(3000, '\n')}\n`,
      // In a \r\n file a bare \n belongs to a field; a \r-only file is csv-parse's from the start.
      `h\r\n${body(10, '\r\n')}\r\nx\ny\r\n${body(10, '\r\n')}`,
      `h\r${body(10, '\r')}`,
      `h\n${body(10, '\n')}`,
    ].map((f) => Buffer.from(f, 'utf8'));
    for (const file of files)
      for (const size of [1, 7, 65536]) {
        const chunks = [];
        for (let i = 0; i < file.length; i += size) chunks.push(file.subarray(i, i + size));
        expect(await read(Readable.from(chunks), 'v.csv')).toEqual(reference(file));
      }
    // An error after lines read here names the line of the file, as csv-parse alone does.
    const bad = `h\r\n${body(100, '\r\n')}\r\nx,"open\r\n`;
    let alone = '';
    try {
      parseCsv(Buffer.from(bad), { relax_column_count: true });
    } catch (e) {
      alone = (e as Error).message;
    }
    expect(alone).toMatch(/at line 10\d/);
    const refused = await refusal(read(Buffer.from(bad), 'v.csv'));
    expect(refused).toMatchObject({ statusCode: 400 });
    expect((refused as unknown as { details: { message: string }[] }).details[0].message).toContain(alone);
  });

  it('applies a cell reader of the caller', async () => {
    const file = await workbook([['at'], [new Date(Date.UTC(2025, 2, 12, 9, 14))]]);
    const text = (v: ExcelJS.CellValue) => (v instanceof Date ? v.toISOString() : String(v));
    expect((await read(file, 'a.xlsx', { text }))[1].cells).toEqual(['2025-03-12T09:14:00.000Z']);
  });

  it('refuses more data rows than allowed with 413, for XLSX and CSV', async () => {
    const rows = [['h'], ['1'], ['2'], ['3']];
    for (const [name, file] of [
      ['a.xlsx', await workbook(rows)],
      ['a.csv', Buffer.from(rows.join('\n'))],
    ] as const) {
      expect(await read(file, name, { maxRows: 3 })).toHaveLength(4);
      expect(await refusal(read(file, name, { maxRows: 2 }))).toMatchObject({
        statusCode: 413,
        error: 'file_too_large',
        message: 'The sheet has more than 2 data rows',
      });
    }
  });

  it('refuses other files, and an XLSX that is no archive, with 400', async () => {
    expect(await refusal(read(Buffer.from('x'), 'a.exe'))).toMatchObject({ statusCode: 400 });
    const exe = Buffer.concat([Buffer.from('MZ\x90\x00', 'latin1'), Buffer.alloc(200)]);
    expect(await refusal(read(exe, 'a.xlsx'))).toMatchObject({ statusCode: 400 });
    expect(await refusal(read(zipOf('a.xml', Buffer.from('<x/>')), 'a.xlsx'))).toMatchObject({
      statusCode: 400,
    });
  });

  it('refuses an XLSX larger than its limit compressed or uncompressed with 413', async () => {
    const file = await workbook([['h'], ...Array.from({ length: 2000 }, (_, i) => [`row ${i}`])]);
    expect(await refusal(read(file, 'a.xlsx', { maxXlsxBytes: 1000 }))).toMatchObject({ statusCode: 413 });
    expect(await refusal(read(Readable.from([file]), 'a.xlsx', { maxXlsxBytes: 1000 }))).toMatchObject({
      statusCode: 413,
    });
    const small = await refusal(read(file, 'a.xlsx', { maxUncompressed: 20_000 }));
    expect(small).toMatchObject({ statusCode: 413, message: expect.stringMatching(/uncompressed/) });
  });
});

describe('zip bombs', () => {
  // 300 MB of spaces: 305 KB once deflated.
  const bomb = zipOf('xl/worksheets/sheet1.xml', Buffer.alloc(300 * 1024 * 1024, 0x20), 1000);

  it(`refuses a part that inflates more than ${MAX_INFLATE_RATIO}×, whatever size it declares`, async () => {
    expect(bomb.length).toBeLessThan(320_000);
    const err = await refusal(read(bomb, 'bomb.xlsx'));
    expect(err).toMatchObject({ statusCode: 413, error: 'file_too_large' });
    expect(err.message).toMatch(/uncompressed/);
    // The counter stops right past the ceiling: the 300 MB are never produced.
    const lying = zipOf('xl/sharedStrings.xml', Buffer.alloc(2 * 1024 * 1024, 0x20), 10);
    await expect(assertZipStreamable(lying)).rejects.toMatchObject({ statusCode: 413 });
  });

  it('lets a real workbook through', async () => {
    const file = await workbook(Array.from({ length: 5000 }, (_, i) => [`code-${i}`, i, `名称 ${i}`]));
    await expect(assertZipStreamable(file)).resolves.toBeUndefined();
  });
});

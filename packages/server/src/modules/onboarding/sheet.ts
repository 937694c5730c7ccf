import type { ImportKind } from '@perfcommons/contracts/enums';
import ExcelJS from 'exceljs';
import { badRequest, type ErrorDetail } from '../../lib/errors';
import type { Readable } from 'node:stream';
import { readSheetRows } from '../../lib/sheet-stream';

/** What an org import loads (`@perfcommons/contracts/enums`). */
export type { ImportKind };

/** At most this many data rows per file: a province's departments and cadres fit; bigger files are split. */
export const MAX_IMPORT_ROWS = 2000;

export interface ColumnSpec {
  key: string;
  required: boolean;
  /** Chinese header of the template, then further accepted headers. */
  zh: string[];
  /** Example cell of the template. */
  example: string;
  /** What the column holds (template notes sheet). */
  note: { en: string; zh: string };
}

export const COLUMNS: Record<ImportKind, ColumnSpec[]> = {
  units: [
    col(
      'code',
      true,
      ['单位编码', '编码', '代码'],
      'edu',
      'unique code: a-z, 0-9, - and _',
      '唯一编码：小写字母、数字、- 和 _',
    ),
    col('name', true, ['单位名称', '名称'], '市教育局', 'name in Chinese', '中文名称'),
    col('nameEn', false, ['英文名称'], 'Education Bureau', 'name in English', '英文名称'),
    col(
      'kind',
      true,
      ['类型', '单位类型'],
      'department',
      'government, department or district (政府, 部门, 区县)',
      'government / department / district（或 政府、部门、区县）',
    ),
    col(
      'parentCode',
      true,
      ['上级编码', '上级单位编码', '上级单位'],
      'city',
      'code of the parent unit, in the tree or anywhere in this file; empty only for the root',
      '上级单位编码，可以是已有单位或本表中任一行；仅根单位留空',
    ),
    col(
      'peerGroup',
      false,
      ['同类组', '考核分组', '分组'],
      'social',
      'peer group for ranking (economic, social, urban_district …); empty: not ranked',
      '排名分组（economic、social、urban_district 等）；留空则不参与排名',
    ),
  ],
  people: [
    col('code', true, ['干部编码', '编码', '人员编码'], 'edu-1', 'unique code of the cadre', '干部唯一编码'),
    col('name', true, ['姓名'], '张伟', 'name in Chinese', '中文姓名'),
    col('nameEn', false, ['英文姓名'], 'Zhang Wei', 'name in English', '英文姓名'),
    col('position', true, ['职务'], '局长', 'position in Chinese', '职务'),
    col('positionEn', false, ['英文职务'], 'Director', 'position in English', '英文职务'),
    col(
      'orgUnit',
      true,
      ['单位编码', '所在单位', '单位'],
      'edu',
      'code of the unit of the position',
      '任职单位编码',
    ),
    col(
      'termStart',
      false,
      ['任期开始', '任职开始', '任职日期'],
      '2021-06-01',
      'first day of the term (YYYY-MM-DD)',
      '任期开始日期（YYYY-MM-DD）',
    ),
    col(
      'termEnd',
      false,
      ['任期结束', '任职结束'],
      '',
      'last day of the term; empty while open',
      '任期结束日期；在任留空',
    ),
    col(
      'username',
      false,
      ['账号', '用户名', '登录账号'],
      'edu.head',
      'login account of the cadre (import accounts first); empty: none',
      '干部的登录账号（请先导入账号）；可空',
    ),
  ],
  accounts: [
    col(
      'username',
      true,
      ['用户名', '账号', '登录账号'],
      'edu.manager',
      'login name: letters, digits, . _ -',
      '登录名：字母、数字、. _ -',
    ),
    col('displayName', true, ['姓名', '显示名称'], '王芳', 'name shown in the console', '显示姓名'),
    col('displayNameEn', false, ['英文姓名', '英文名'], 'Wang Fang', 'name in English', '英文姓名'),
    col(
      'email',
      false,
      ['邮箱', '电子邮箱'],
      'wangfang@example.gov.cn',
      'e-mail (optional, unique)',
      '电子邮箱（可空，唯一）',
    ),
    col(
      'roles',
      true,
      ['角色'],
      'unit_manager@edu',
      'roles separated by ; as role@unitCode or role (whole government): admin, office, unit_manager, appraisee, evaluator, verifier, public',
      '多个角色以 ; 分隔，写作 角色@单位编码 或 角色（全市范围）：admin、office、unit_manager、appraisee、evaluator、verifier、public（或 系统管理员、绩效办、单位管理员、考核对象、评价人、核验员、公众）',
    ),
  ],
};

function col(
  key: string,
  required: boolean,
  zh: string[],
  example: string,
  en: string,
  zhNote: string,
): ColumnSpec {
  return { key, required, zh, example, note: { en, zh: zhNote } };
}

/** One data row: its number in the sheet (the header is row 1) and its cells by column key. */
export interface SheetRow {
  row: number;
  cells: Record<string, string>;
}

export interface ParsedSheet {
  /** Keys of the columns present (an absent optional column leaves that field as it is). */
  columns: Set<string>;
  rows: SheetRow[];
  /** Headers that match no column (ignored). */
  ignored: string[];
}

/** A header compared loosely: case, spaces, a required marker `*` and a parenthesised hint do not count. */
const normalise = (h: string) =>
  h
    .replace(/[(（][^)）]*[)）]/g, '')
    .replace(/[\s*＊]/g, '')
    .toLowerCase();

/** Most data rows of a cadres file: a province's 20,000 cadres with room to spare. */
export const MAX_PEOPLE_ROWS = 50_000;

/** Data rows an import kind takes per file. */
export const maxRowsOf = (kind: ImportKind) => (kind === 'people' ? MAX_PEOPLE_ROWS : MAX_IMPORT_ROWS);

/**
 * Reads an uploaded XLSX or CSV of one import kind: headers by English key or Chinese alias, data rows
 * numbered as in the sheet, wholly empty rows skipped. File-level problems (unreadable, a required
 * column missing or given twice, no rows, too many) are a 400 before any row is looked at.
 */
export function parseImportSheet(
  kind: ImportKind,
  source: Buffer | Readable,
  filename: string,
  onBytes?: (parsed: number) => void,
): Promise<ParsedSheet> {
  return parseColumns(COLUMNS[kind], source, filename, { maxRows: maxRowsOf(kind), onBytes });
}

/**
 * {@link parseImportSheet} for any list of columns (other imports reuse it): at most `maxRows` data rows
 * (default MAX_IMPORT_ROWS), cells read by `text` (default cellText). The file is streamed
 * (`readSheetRows`: an XLSX is checked for zip bombs first); only the columns asked for are kept.
 */
export async function parseColumns(
  specs: ColumnSpec[],
  source: Buffer | Readable,
  filename: string,
  opts: {
    maxRows?: number;
    text?: (v: ExcelJS.CellValue) => string;
    onBytes?: (parsed: number) => void;
  } = {},
): Promise<ParsedSheet> {
  const maxRows = opts.maxRows ?? MAX_IMPORT_ROWS;
  const byName = new Map<string, string>();
  for (const s of specs) for (const name of [s.key, ...s.zh]) byName.set(normalise(name), s.key);
  const index = new Map<string, number>();
  const ignored: string[] = [];
  const rows: SheetRow[] = [];
  let header = false;
  // One more row than allowed is read, so that the refusal below names the limit (not the reader's).
  for await (const { row: r, cells: all } of readSheetRows(source, filename, {
    maxRows: maxRows + 1,
    text: opts.text,
    onBytes: opts.onBytes,
  })) {
    if (!header) {
      header = true;
      const details: ErrorDetail[] = [];
      all.forEach((raw, i) => {
        const h = raw.trim();
        if (!h) return;
        const key = byName.get(normalise(h));
        if (!key) ignored.push(h);
        else if (index.has(key))
          details.push({ path: `columns.${key}`, message: `given twice (column ${i + 1})` });
        else index.set(key, i);
      });
      for (const s of specs)
        if (s.required && !index.has(s.key))
          details.push({ path: `columns.${s.key}`, message: `missing header (${s.key} or ${s.zh[0]})` });
      if (details.length) throw badRequest('The header row does not fit this import', details, 'bad_columns');
      continue;
    }
    const cells: Record<string, string> = {};
    for (const [key, c] of index) cells[key] = all[c] ?? '';
    if (Object.values(cells).every((v) => v === '')) continue;
    if (rows.length === maxRows)
      throw badRequest(
        `More than ${maxRows} rows: split the file`,
        [{ path: 'file', message: `at most ${maxRows} data rows` }],
        'too_many_rows',
      );
    rows.push({ row: r, cells });
  }
  if (!header) throw badRequest('The header row does not fit this import', missingAll(specs), 'bad_columns');
  if (rows.length === 0)
    throw badRequest('The file has no data rows', [{ path: 'file', message: 'no rows' }]);
  return { columns: new Set(index.keys()), rows, ignored };
}

/** Every required column named as missing (an empty file). */
const missingAll = (specs: ColumnSpec[]): ErrorDetail[] =>
  specs
    .filter((s) => s.required)
    .map((s) => ({ path: `columns.${s.key}`, message: `missing header (${s.key} or ${s.zh[0]})` }));

/** The template of an import kind: a header row (Chinese or English) with one example row, and a notes sheet. */
export async function importTemplate(kind: ImportKind, lang: 'zh-CN' | 'en'): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const specs = COLUMNS[kind];
  const sheet = wb.addWorksheet(kind);
  sheet.addRow(specs.map((s) => (lang === 'en' ? s.key : s.zh[0])));
  sheet.addRow(specs.map((s) => s.example));
  sheet.getRow(1).font = { bold: true };
  sheet.columns.forEach((c) => (c.width = 20));
  // Text cells, so that codes like 001 and dates stay as typed.
  for (let i = 1; i <= specs.length; i++) sheet.getColumn(i).numFmt = '@';
  const notes = wb.addWorksheet(lang === 'en' ? 'notes' : '说明');
  notes.addRow(
    lang === 'en' ? ['column', 'required', 'also accepted', 'meaning'] : ['列', '必填', '可用表头', '说明'],
  );
  notes.getRow(1).font = { bold: true };
  for (const s of specs)
    notes.addRow([
      lang === 'en' ? s.key : s.zh[0],
      s.required ? (lang === 'en' ? 'yes' : '是') : lang === 'en' ? 'no' : '否',
      [s.key, ...s.zh].join(', '),
      lang === 'en' ? s.note.en : s.note.zh,
    ]);
  notes.columns.forEach((c, i) => (c.width = i === 3 ? 80 : 22));
  return Buffer.from(await wb.xlsx.writeBuffer());
}

/**
 * Published results of a cycle as a spreadsheet for people who work in one: CSV (UTF-8 with BOM, so that
 * spreadsheet programs read Chinese names) and XLSX. Text cells that a spreadsheet would run as a formula
 * (starting with = + - @, tab or carriage return) are prefixed with an apostrophe.
 */
import { safeCell } from '../../lib/export';
import ExcelJS from 'exceljs';
import { sql } from 'drizzle-orm';
import { rowsOf, type Db } from '../../db/client';
import { resultRevisions } from '../../db/schema';
import { listResults } from '../results/service';
import { getCycle } from '../cycles/service';
import { notFound } from '../../lib/errors';

export type ExportLang = 'zh-CN' | 'en';

const HEADERS: Record<ExportLang, string[]> = {
  'zh-CN': [
    '被考核对象',
    '类型',
    '比较组',
    '排名',
    '比较组人数',
    '总分',
    '加权得分',
    '加分',
    '扣分',
    '等次',
    '按分数等次',
    '结果完整',
    '缺失数据',
    '一票否决',
    '结果运用',
    '修订版本',
  ],
  en: [
    'Appraisee',
    'Type',
    'Peer group',
    'Rank',
    'Peer group size',
    'Total',
    'Weighted score',
    'Bonus',
    'Deduction',
    'Grade',
    'Grade by score',
    'Complete',
    'Missing inputs',
    'Veto',
    'Consequences',
    'Revision',
  ],
};

/** A text cell that a spreadsheet would not run as a formula. */
export function safeText(s: string): string {
  return /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
}

type Row = (string | number | null)[];

async function sheetRows(db: Db, cycleId: string, lang: ExportLang) {
  const cycle = await getCycle(db, cycleId);
  if (!cycle.resultsPublishedAt) throw notFound('Published results of this cycle');
  const items = await listResults(db, null, cycleId, { publicOnly: true });
  const revisions = new Map(
    (
      await rowsOf<{ result_id: string; revision: number }>(
        db,
        sql`select result_id, max(revision)::int as revision from ${resultRevisions}
            where cycle_id = ${cycleId} group by result_id`,
      )
    ).map((r) => [r.result_id, r.revision]),
  );
  const yes = lang === 'en' ? 'yes' : '是';
  const no = lang === 'en' ? 'no' : '否';
  const rows: Row[] = items.map((r) => [
    safeText((lang === 'en' ? r.appraiseeNameEn : null) ?? r.appraiseeName),
    r.appraiseeType,
    safeText(r.peerGroup),
    r.rank,
    r.peerGroupSize,
    r.total,
    r.weightedScore,
    r.bonus,
    r.deduction,
    r.grade,
    r.gradeByScore,
    r.complete ? yes : no,
    r.missing.map((m) => m.code).join(' '),
    r.veto.triggered ? yes : no,
    r.consequences.map((c) => c.kind).join(' '),
    revisions.get(r.id) ?? null,
  ]);
  return { cycle, header: HEADERS[lang], rows };
}

const csvCell = (cell: string | number | null) => {
  // Text a spreadsheet would run as a formula is escaped by the shared writer's rule (lib/export.ts).
  const v = safeCell(cell);
  if (typeof v === 'number') return String(v);
  return /[",\r\n]/.test(String(v)) ? `"${String(v).replace(/"/g, '""')}"` : String(v);
};

export async function resultsCsv(db: Db, cycleId: string, lang: ExportLang) {
  const { cycle, header, rows } = await sheetRows(db, cycleId, lang);
  const body = '\uFEFF' + [header, ...rows].map((r) => r.map(csvCell).join(',')).join('\r\n') + '\r\n';
  return { body, filename: `results-${cycle.code}.csv` };
}

export async function resultsXlsx(db: Db, cycleId: string, lang: ExportLang) {
  const { cycle, header, rows } = await sheetRows(db, cycleId, lang);
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet(cycle.code.slice(0, 31));
  ws.addRow(header).font = { bold: true };
  for (const r of rows) ws.addRow(r.map(safeCell));
  ws.columns.forEach((c, i) => {
    c.width = i === 0 ? 28 : 14;
  });
  return { body: Buffer.from(await wb.xlsx.writeBuffer()), filename: `results-${cycle.code}.xlsx` };
}

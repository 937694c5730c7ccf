import type ExcelJS from 'exceljs';
import type { LinkageSource, Resolution, SatisfactionLevel } from '@perfcommons/domain';
import { cellText } from '../../lib/sheets';
import { parseColumns, type ColumnSpec, type ParsedSheet } from '../onboarding/sheet';

/** Most data rows of one linkage file (a month of a large city's hotline, split above that). */
export const MAX_LINKAGE_ROWS = 20_000;

/** Local time of the exports: China Standard Time (UTC+8); times are stored in UTC. */
export const EXPORT_UTC_OFFSET = '+08:00';

const spec = (key: string, required: boolean, zh: string[], example: string, en: string, zhNote: string) =>
  ({ key, required, zh, example, note: { en, zh: zhNote } }) satisfies ColumnSpec;

const COMMON = {
  unit: spec(
    'unit',
    true,
    ['承办单位', '办理部门', '责任单位', '单位', '单位编码'],
    '市教育局',
    'responsible unit: org code or name',
    '承办单位：单位编码或名称',
  ),
  category: spec('category', false, ['诉求分类', '事项名称', '分类'], '教育', 'category', '诉求分类 / 事项'),
  channel: spec('channel', false, ['渠道', '评价渠道'], '电话', 'channel', '渠道'),
  onTime: spec(
    'onTime',
    false,
    ['是否按期办结', '是否按期整改', '是否按期', '按期'],
    '是',
    'on time: 是 / 否 (empty: derived from the dates)',
    '是 / 否；为空时按完成时间与时限推算',
  ),
};

/** Columns of each source, with the Chinese headers of the hotline centre's and 好差评 exports. */
export const LINKAGE_COLUMNS: Record<LinkageSource, ColumnSpec[]> = {
  hotline: [
    spec('id', true, ['工单编号', '编号'], '2025031200123', 'work order id', '工单编号'),
    spec(
      'receivedAt',
      true,
      ['来电时间', '受理时间'],
      '2025-03-12 09:14',
      'received (local time)',
      '来电时间（北京时间）',
    ),
    spec(
      'requestType',
      false,
      ['诉求类型'],
      '求助',
      '咨询 / 求助 / 投诉 / 举报 / 建议',
      '咨询、求助、投诉、举报、建议',
    ),
    COMMON.category,
    COMMON.unit,
    COMMON.channel,
    spec('acceptedAt', false, ['签收时间'], '2025-03-12 10:02', 'accepted by the unit', '签收时间'),
    spec('deadline', false, ['办理时限'], '2025-03-19', 'deadline (date)', '办理时限（日期）'),
    spec(
      'closedAt',
      false,
      ['办结时间'],
      '2025-03-18 16:40',
      'closed; empty while open',
      '办结时间；未办结为空',
    ),
    COMMON.onTime,
    spec(
      'resolution',
      false,
      ['是否解决', '解决情况'],
      '已解决',
      '已解决 / 部分解决 / 未解决 (empty: no return visit)',
      '已解决、部分解决、未解决；未回访为空',
    ),
    spec(
      'satisfaction',
      false,
      ['满意度', '满意程度'],
      '满意',
      '满意 / 基本满意 / 不满意 / 未评价',
      '满意、基本满意、不满意、未评价',
    ),
  ],
  review: [
    spec('id', true, ['评价编号', '编号'], 'HCP20250305001', 'review id', '评价编号'),
    spec(
      'receivedAt',
      true,
      ['评价时间'],
      '2025-03-05 10:20',
      'reviewed (local time)',
      '评价时间（北京时间）',
    ),
    COMMON.category,
    COMMON.unit,
    COMMON.channel,
    spec(
      'satisfaction',
      false,
      ['评价等级', '满意度'],
      '非常满意',
      '非常满意 / 满意 / 基本满意 / 不满意 / 非常不满意',
      '非常满意、满意、基本满意、不满意、非常不满意',
    ),
    spec(
      'upheld',
      false,
      ['核实结果'],
      '',
      'bad review verified: 属实 / 不属实',
      '差评核实结果：属实、不属实',
    ),
    spec('rectified', false, ['整改状态'], '', '已整改 / 整改中 / 未整改', '已整改、整改中、未整改'),
    spec('deadline', false, ['整改时限'], '', 'rectification deadline (date)', '整改时限（日期）'),
    spec('closedAt', false, ['整改完成时间'], '', 'rectified at', '整改完成时间'),
    COMMON.onTime,
  ],
};

/**
 * A cell as text; a date-time cell keeps its time (`YYYY-MM-DD HH:mm`): Excel stores the wall-clock
 * time, which ExcelJS hands over as if it were UTC.
 */
function linkageCell(v: ExcelJS.CellValue): string {
  if (v instanceof Date) {
    const iso = v.toISOString();
    return iso.slice(11, 16) === '00:00' ? iso.slice(0, 10) : `${iso.slice(0, 10)} ${iso.slice(11, 16)}`;
  }
  return cellText(v);
}

/** Reads a linkage file with the onboarding import's reader (headers by key or Chinese alias). */
export function parseLinkageSheet(
  source: LinkageSource,
  buffer: Buffer,
  filename: string,
): Promise<ParsedSheet> {
  return parseColumns(LINKAGE_COLUMNS[source], buffer, filename, {
    maxRows: MAX_LINKAGE_ROWS,
    text: linkageCell,
  });
}

/** A local time (`2025-03-12 09:14`, `2025/3/12 9:14:00`, a date) or an ISO time with offset, as UTC ISO. */
export function parseLocalTime(raw: string): string | undefined {
  const s = raw.trim();
  if (/^\d{4}-\d{2}-\d{2}T.*(Z|[+-]\d{2}:?\d{2})$/.test(s)) {
    const t = Date.parse(s);
    return Number.isFinite(t) ? new Date(t).toISOString() : undefined;
  }
  const m = /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?$/.exec(s);
  if (!m) return undefined;
  const [, y, mo, d, h = '0', mi = '0', sec = '0'] = m;
  const pad = (x: string) => x.padStart(2, '0');
  const iso = `${y}-${pad(mo)}-${pad(d)}T${pad(h)}:${pad(mi)}:${pad(sec)}${EXPORT_UTC_OFFSET}`;
  const t = Date.parse(iso);
  // Date.parse rolls 2025-02-30 over to March: compare the fields back.
  if (!Number.isFinite(t)) return undefined;
  const back = new Date(t + 8 * 3600_000).toISOString();
  if (back.slice(0, 10) !== iso.slice(0, 10) || Number(h) > 23) return undefined;
  return new Date(t).toISOString();
}

/** A calendar date (the date part of a time is taken). */
export function parseDate(raw: string): string | undefined {
  const m = /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T].*)?$/.exec(raw.trim());
  if (!m) return undefined;
  const d = `${m[1]}-${m[2].padStart(2, '0')}-${m[3].padStart(2, '0')}`;
  const t = Date.parse(`${d}T00:00:00Z`);
  return Number.isFinite(t) && new Date(t).toISOString().slice(0, 10) === d ? d : undefined;
}

const lookup = <T>(table: Record<string, T>) => {
  const m = new Map(Object.entries(table).map(([k, v]) => [k.toLowerCase(), v]));
  return (raw: string): T | undefined => m.get(raw.trim().toLowerCase());
};

/** 是 / 否 and their variants (true / false / 1 / 0 / yes / no / 按期 / 超期 / 属实 / 不属实 …). */
export const parseYesNo = lookup<boolean>({
  是: true,
  否: false,
  y: true,
  n: false,
  yes: true,
  no: false,
  true: true,
  false: false,
  '1': true,
  '0': false,
  按期: true,
  超期: false,
  逾期: false,
  属实: true,
  不属实: false,
  部分属实: true,
});

export const parseResolution = lookup<Resolution>({
  已解决: 'resolved',
  解决: 'resolved',
  resolved: 'resolved',
  部分解决: 'partial',
  partial: 'partial',
  未解决: 'unresolved',
  unresolved: 'unresolved',
});

/** null = 未评价 (not rated). */
export const parseSatisfaction = lookup<SatisfactionLevel | null>({
  非常满意: 'very_satisfied',
  very_satisfied: 'very_satisfied',
  满意: 'satisfied',
  satisfied: 'satisfied',
  基本满意: 'basic',
  basic: 'basic',
  不满意: 'dissatisfied',
  dissatisfied: 'dissatisfied',
  非常不满意: 'very_dissatisfied',
  very_dissatisfied: 'very_dissatisfied',
  未评价: null,
  unrated: null,
});

export const parseRectified = lookup<boolean>({
  已整改: true,
  整改完成: true,
  是: true,
  yes: true,
  true: true,
  rectified: true,
  整改中: false,
  未整改: false,
  否: false,
  no: false,
  false: false,
  open: false,
});

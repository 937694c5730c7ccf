/**
 * Data linkage of the demo city: the 12345 hotline centre's export of the fourth quarter of 2025 for four
 * departments, the 政务服务“好差评” reviews of the same quarter for three, both imported through the
 * import use case (batches, audit entries), the 2026 cycle's hotline indicator mapped to the on-time
 * closure rate, and one audit finding against a 2025 plan that deducts through its deduction item H1
 * (recorded before the 2025 results are computed, so the published breakdown names it). Deterministic:
 * rows follow fixed patterns, no random numbers.
 */
import { and, eq } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { cycles, orgUnits, plans, users } from '../../db/schema';
import { loadActor } from '../auth/service';
import { setMapping } from './feed';
import { recordFinding } from './findings';
import { commitLinkageImport } from './import';

/** Departments in the hotline export, with their category and how well they handle orders (0–3 misses of 12). */
const HOTLINE_UNITS = [
  { code: 'hud', category: '住房保障', misses: 2 },
  { code: 'tra', category: '交通出行', misses: 1 },
  { code: 'um', category: '市容环境', misses: 3 },
  { code: 'amr', category: '消费维权', misses: 0 },
] as const;
const REVIEW_UNITS = [
  { code: 'gs', item: '企业开办一网通办', bad: 1 },
  { code: 'hud', item: '住房公积金提取', bad: 2 },
  { code: 'amr', item: '食品经营许可', bad: 1 },
] as const;
/** The department whose 2025 plan takes the audit finding. */
export const DEMO_FINDING_UNIT = 'um';

const TYPES = ['投诉', '求助', '咨询', '投诉', '建议', '求助'];
const CHANNELS = ['电话', '微信', '网站', '电话'];
const pad = (n: number, w = 2) => String(n).padStart(w, '0');
/** `2025-10-03 09:14` plus minutes, as local time text (UTC+8 is the file's zone; no offset needed here). */
function at(month: number, day: number, minutes: number) {
  const d = new Date(Date.UTC(2025, month - 1, day, 0, minutes));
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`;
}
const dateOf = (month: number, day: number) => at(month, day, 0).slice(0, 10);

/** Twelve orders per department over October–December 2025. */
export function demoHotlineCsv(): string {
  const lines = [
    '工单编号,来电时间,渠道,诉求类型,诉求分类,承办单位,签收时间,办理时限,办结时间,是否解决,满意度',
  ];
  HOTLINE_UNITS.forEach((u, ui) => {
    for (let j = 0; j < 12; j++) {
      const month = 10 + Math.floor(j / 4);
      const day = 3 + (j % 4) * 6 + ui;
      const received = 8 * 60 + 30 + ((j * 37 + ui * 11) % 420);
      const type = TYPES[(j + ui) % TYPES.length];
      // The j-th order of a department with m misses: the last m orders go wrong in turn.
      const missed = j >= 12 - u.misses;
      const slowResponse = j % 5 === 4;
      const accepted = received + (slowResponse ? 190 : 25 + ((j * 13) % 60));
      const deadlineDay = type === '咨询' ? day : day + 10;
      const open = missed && j === 11 && month === 12;
      const closedDay = open ? null : missed ? deadlineDay + 3 : day + 2 + (j % 6);
      const resolved = type === '咨询' ? '' : missed ? (j % 2 ? '未解决' : '部分解决') : '已解决';
      const satisfaction = open
        ? ''
        : missed
          ? '不满意'
          : j % 4 === 3
            ? '基本满意'
            : j % 7 === 6
              ? '未评价'
              : '满意';
      lines.push(
        [
          `2025${pad(month)}${pad(day)}${pad(ui * 100 + j + 1, 5)}`,
          at(month, day, received),
          CHANNELS[j % CHANNELS.length],
          type,
          u.category,
          u.code,
          at(month, day, accepted),
          dateOf(month, deadlineDay),
          closedDay === null ? '' : at(month, closedDay, 16 * 60 + ((j * 17) % 90)),
          resolved,
          satisfaction,
        ].join(','),
      );
    }
  });
  return lines.join('\n') + '\n';
}

/** Eight reviews per service over the quarter; the bad ones verified and rectified (or not). */
export function demoReviewCsv(): string {
  const lines = [
    '评价编号,评价时间,评价渠道,事项名称,办理部门,评价等级,核实结果,整改时限,整改状态,整改完成时间',
  ];
  const levels = ['非常满意', '满意', '满意', '非常满意', '基本满意', '满意', '非常满意', '满意'];
  REVIEW_UNITS.forEach((u, ui) => {
    for (let j = 0; j < 8; j++) {
      const month = 10 + (j % 3);
      const day = 5 + j * 3 + ui;
      const bad = j >= 8 - u.bad;
      const upheld = bad && j % 2 === 1;
      lines.push(
        [
          `HP2025${pad(month)}${pad(ui + 1)}${pad(j + 1, 3)}`,
          at(month, day, 10 * 60 + j * 23),
          ['窗口', 'APP', '网站', '二维码'][j % 4],
          u.item,
          u.code,
          bad ? (j % 2 ? '不满意' : '非常不满意') : levels[j],
          bad ? (upheld ? '属实' : '不属实') : '',
          upheld ? dateOf(month, day + 15) : '',
          upheld ? (ui === 1 ? '整改中' : '已整改') : '',
          upheld && ui !== 1 ? at(month, day + 9, 15 * 60) : '',
        ].join(','),
      );
    }
  });
  return lines.join('\n') + '\n';
}

/** Imports the demo exports, maps the 2026 hotline indicator and records the audit finding of 2025. */
export async function seedLinkage(db: Db, ctx: { annualCycleId: string }) {
  const [u] = await db.select({ id: users.id }).from(users).where(eq(users.username, 'office'));
  const office = (await loadActor(db, u.id))!;
  await commitLinkageImport(db, office, 'hotline', {
    buffer: Buffer.from(demoHotlineCsv(), 'utf8'),
    filename: '12345工单导出-2025年第四季度.csv',
  });
  await commitLinkageImport(db, office, 'review', {
    buffer: Buffer.from(demoReviewCsv(), 'utf8'),
    filename: '好差评数据-2025年第四季度.csv',
  });
  const [next] = await db.select({ id: cycles.id }).from(cycles).where(eq(cycles.code, '2026-annual'));
  if (next) await setMapping(db, office, next.id, { indicatorCode: 'B2', metric: 'on_time_rate' });
  const [plan] = await db
    .select({ id: plans.id })
    .from(plans)
    .innerJoin(orgUnits, eq(orgUnits.id, plans.orgUnitId))
    .where(
      and(
        eq(plans.cycleId, ctx.annualCycleId),
        eq(plans.appraiseeType, 'unit'),
        eq(orgUnits.code, DEMO_FINDING_UNIT),
      ),
    );
  await recordFinding(db, office, ctx.annualCycleId, {
    planId: plan.id,
    indicatorCode: 'H1',
    kind: 'audit',
    docTitle: '关于市城市管理局2024年度预算执行和其他财政收支情况的审计报告',
    docNumber: '江审报〔2025〕17号',
    docDate: '2025-08-26',
    description: '环卫作业服务采购未按合同约定考核扣款，多支付服务费；整改期限内未完成整改。',
    points: 1,
  });
}

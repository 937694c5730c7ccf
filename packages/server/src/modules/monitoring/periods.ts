/** Period labels of reported values: `2025`, `2025-H1`, `2025-Q3`, `2025-09`. */
export type PeriodKind = 'year' | 'half' | 'quarter' | 'month';

export interface ParsedPeriod {
  label: string;
  kind: PeriodKind;
  /** First and last day, ISO dates. */
  start: string;
  end: string;
}

const pad = (n: number) => String(n).padStart(2, '0');
const lastDay = (y: number, m: number) => new Date(Date.UTC(y, m, 0)).getUTCDate();
const span = (y: number, m1: number, m2: number) => ({
  start: `${y}-${pad(m1)}-01`,
  end: `${y}-${pad(m2)}-${pad(lastDay(y, m2))}`,
});

export function parsePeriod(label: string): ParsedPeriod | null {
  const m = /^(\d{4})(?:-(?:(H)([12])|(Q)([1-4])|(\d{2})))?$/.exec(label);
  if (!m) return null;
  const y = Number(m[1]);
  if (m[2]) return { label, kind: 'half', ...span(y, m[3] === '1' ? 1 : 7, m[3] === '1' ? 6 : 12) };
  if (m[4]) {
    const q = Number(m[5]);
    return { label, kind: 'quarter', ...span(y, 3 * q - 2, 3 * q) };
  }
  if (m[6]) {
    const mo = Number(m[6]);
    if (mo < 1 || mo > 12) return null;
    return { label, kind: 'month', ...span(y, mo, mo) };
  }
  return { label, kind: 'year', ...span(y, 1, 12) };
}

/** Adds days to an ISO date. */
export function addDays(iso: string, days: number): string {
  const d = new Date(`${iso}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** The quarters or months that lie inside [periodStart, periodEnd] (a cycle's span). */
export function periodsOfCycle(
  periodStart: string,
  periodEnd: string,
  frequency: 'quarterly' | 'monthly',
): ParsedPeriod[] {
  const out: ParsedPeriod[] = [];
  const [y0, y1] = [Number(periodStart.slice(0, 4)), Number(periodEnd.slice(0, 4))];
  for (let y = y0; y <= y1; y++) {
    const labels =
      frequency === 'quarterly'
        ? [1, 2, 3, 4].map((q) => `${y}-Q${q}`)
        : Array.from({ length: 12 }, (_, i) => `${y}-${pad(i + 1)}`);
    for (const l of labels) {
      const p = parsePeriod(l)!;
      if (p.start >= periodStart && p.end <= periodEnd) out.push(p);
    }
  }
  return out;
}

/** Today in UTC as an ISO date (dates of deadlines are compared as UTC days). */
export const todayUtc = (now = new Date()) => now.toISOString().slice(0, 10);

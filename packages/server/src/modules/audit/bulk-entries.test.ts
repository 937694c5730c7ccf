import { describe, expect, it } from 'vitest';
import { AUDIT_COPY_COLUMNS, valueReportEntry, valueReportLine } from './bulk-entries';

/** The entries a values import writes: binary COPY takes valueReportEntry's fields, text COPY the line. */
describe('valueReportEntry', () => {
  const planId = '0199c2f0-1a2b-7c3d-8e4f-a0b1c2d3e4f5';
  const reportedBy = '00000000-0000-4000-8000-000000000001';
  const reportedAt = '2026-12-01T09:45:12.345Z';
  const rows = [
    { indicatorCode: 'L0001', period: '2025-09', value: '12.34', note: null, version: 1 },
    { indicatorCode: '指标"二"\t', period: '2025', value: '-0.5', note: '统计局月报\n"x"\\', version: 3 },
  ];

  for (const algorithm of ['sha256', 'sm3'] as const)
    it(`gives the fields of valueReportLine's line (${algorithm})`, () => {
      rows.forEach((r, k) => {
        const row = { ...r, id: `0199c2f0-1a2b-7c3d-8e4f-00000000000${k}`, planId, reportedBy, reportedAt };
        const e = valueReportEntry(row, 1000 + k, reportedAt, algorithm);
        const fields = valueReportLine(row, 1000 + k, reportedAt, algorithm)
          .slice(0, -1)
          .split('\t');
        expect(fields).toHaveLength(AUDIT_COPY_COLUMNS.length);
        const unescape = (v: string) =>
          v.replace(/\\(.)/g, (_, c: string) => (c === 't' ? '\t' : c === 'n' ? '\n' : c));
        expect(JSON.parse(unescape(fields[6]))).toEqual(JSON.parse(e.data));
        expect(unescape(fields[6])).toBe(e.data);
        expect(fields.slice(7)).toEqual([e.entityHash, '\\N', e.hash]);
        expect(e.hash.startsWith('sm3:')).toBe(algorithm === 'sm3');
      });
    });
});

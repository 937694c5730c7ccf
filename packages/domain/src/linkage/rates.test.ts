import { describe, expect, it } from 'vitest';
import { linkageRates, localDate, periodOf, type LinkageRecord, type LinkageRate } from './rates';

/**
 * The worked example of the reference (service-data, copied into docs/linkage.md): 10 orders for 市教育局
 * in March; 9 accepted within 2 hours; 8 due in March of which 7 closed on time; 6 return visits (4 已解决,
 * 1 部分解决, 1 未解决); 5 rated (3 满意, 1 基本满意, 1 不满意).
 */
function workedExample(unitId = 'edu'): LinkageRecord[] {
  const out: LinkageRecord[] = [];
  for (let i = 0; i < 10; i++) {
    const day = String(2 + i).padStart(2, '0');
    // Local times (UTC+8) written as UTC: 09:00 local = 01:00Z.
    const receivedAt = `2025-03-${day}T01:00:00.000Z`;
    const acceptedAt = i === 9 ? `2025-03-${day}T03:30:00.000Z` : `2025-03-${day}T02:00:00.000Z`;
    // Orders 8 and 9 fall due in April; of the 8 due in March, order 7 closes a day late.
    const deadline = i >= 8 ? '2025-04-02' : `2025-03-${String(10 + i).padStart(2, '0')}`;
    const closedAt =
      i === 7 ? `2025-03-${String(18 + i).padStart(2, '0')}T02:00:00.000Z` : `2025-03-${day}T08:00:00.000Z`;
    out.push({
      source: 'hotline',
      unitId,
      requestType: '求助',
      receivedAt,
      acceptedAt,
      deadline,
      closedAt,
      onTime: null,
      resolution:
        (['resolved', 'resolved', 'resolved', 'resolved', 'partial', 'unresolved'] as const)[i] ?? null,
      satisfaction: (['satisfied', 'satisfied', 'satisfied', 'basic', 'dissatisfied'] as const)[i] ?? null,
    });
  }
  return out;
}

const rate = (rates: LinkageRate[], metric: string, period = '2025-03') =>
  rates.find((r) => r.metric === metric && r.period === period)!;

describe('linkageRates', () => {
  it('reproduces the worked example of the reference', () => {
    const rates = linkageRates(workedExample());
    expect(rate(rates, 'response_rate')).toMatchObject({ numerator: 9, denominator: 10, rate: 90 });
    expect(rate(rates, 'on_time_rate')).toMatchObject({ numerator: 7, denominator: 8, rate: 87.5 });
    expect(rate(rates, 'resolution_rate')).toMatchObject({ numerator: 4, denominator: 6 });
    expect(rate(rates, 'resolution_rate').rate!.toFixed(1)).toBe('66.7');
    expect(rate(rates, 'satisfaction_rate')).toMatchObject({ numerator: 4, denominator: 5, rate: 80 });
    // The two orders due in April count there.
    expect(rate(rates, 'on_time_rate', '2025-04')).toMatchObject({ numerator: 2, denominator: 2, rate: 100 });
  });

  it('applies the cities’ variants: partial counts half, 基本满意 × 0.8', () => {
    const rates = linkageRates(workedExample(), { partialResolution: 0.5, basicSatisfaction: 0.8 });
    expect(rate(rates, 'resolution_rate').rate).toBe(75);
    expect(rate(rates, 'satisfaction_rate').rate!.toFixed(1)).toBe('76.0');
  });

  it('sums months into the quarter and the year', () => {
    const q = linkageRates(workedExample(), { granularity: 'quarter' });
    expect(rate(q, 'on_time_rate', '2025-Q1')).toMatchObject({ numerator: 7, denominator: 8 });
    expect(rate(q, 'on_time_rate', '2025-Q2')).toMatchObject({ numerator: 2, denominator: 2 });
    const y = linkageRates(workedExample(), { granularity: 'year' });
    expect(rate(y, 'on_time_rate', '2025')).toMatchObject({ numerator: 9, denominator: 10, rate: 90 });
  });

  it('answers a zero denominator with no rate, never 0 %', () => {
    const rates = linkageRates([
      { source: 'hotline', unitId: 'u', receivedAt: '2025-05-01T01:00:00Z', requestType: '咨询' },
    ]);
    for (const m of ['on_time_rate', 'resolution_rate', 'satisfaction_rate'])
      expect(rate(rates, m, '2025-05')).toMatchObject({ denominator: 0, rate: null });
    // No accepted time in the whole group: the response rate is unknown, not 0 %.
    expect(rate(rates, 'response_rate', '2025-05')).toMatchObject({ denominator: 1, rate: null });
  });

  it('takes the exported on-time flag over the dates and leaves consultations out', () => {
    const base = { source: 'hotline' as const, unitId: 'u', receivedAt: '2025-06-03T01:00:00Z' };
    const rates = linkageRates([
      { ...base, deadline: '2025-06-05', closedAt: '2025-06-09T01:00:00Z', onTime: true },
      { ...base, deadline: '2025-06-05', closedAt: null },
      { ...base, onTime: false },
      { ...base, requestType: '咨询', onTime: true },
      { ...base },
    ]);
    expect(rate(rates, 'on_time_rate', '2025-06')).toMatchObject({ numerator: 1, denominator: 3 });
  });

  it('assigns periods by local time (UTC+8 by default)', () => {
    // 2025-03-31 20:00 UTC is 1 April 04:00 in Beijing.
    expect(localDate('2025-03-31T20:00:00Z')).toBe('2025-04-01');
    expect(localDate('2025-03-31T20:00:00Z', 0)).toBe('2025-03-31');
    expect(periodOf('2025-11-30', 'quarter')).toBe('2025-Q4');
  });

  it('rates reviews: 好评率 and 差评整改率', () => {
    const base = { source: 'review' as const, unitId: 'u', receivedAt: '2025-03-05T01:00:00Z' };
    const rates = linkageRates([
      { ...base, satisfaction: 'very_satisfied' },
      { ...base, satisfaction: 'satisfied' },
      { ...base, satisfaction: 'basic' },
      { ...base, satisfaction: 'dissatisfied', upheld: true, rectified: true, onTime: true },
      { ...base, satisfaction: 'very_dissatisfied', upheld: true, rectified: false },
      { ...base, satisfaction: null },
    ]);
    expect(rate(rates, 'good_review_rate')).toMatchObject({ numerator: 2, denominator: 5, rate: 40 });
    expect(rate(rates, 'rectification_rate')).toMatchObject({ numerator: 1, denominator: 2, rate: 50 });
    expect(rates.some((r) => r.metric === 'on_time_rate')).toBe(false);
  });
});

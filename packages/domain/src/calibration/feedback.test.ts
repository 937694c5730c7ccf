import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { bandOf, calibrationItemFeedback, calibrationSummary } from './feedback';
import { DomainError } from '../indicators/errors';

describe('calibrationItemFeedback', () => {
  it('computes mean, median, sample sd, deviation and z on a worked example', () => {
    // panel 6, 7, 8, 9 → mean 7.5, median 7.5, sd = sqrt(5/3) ≈ 1.291; trainee 9.5 → +2, z ≈ 1.549
    const f = calibrationItemFeedback({ panelScores: [9, 6, 8, 7], raterScore: 9.5, maxScore: 10 });
    expect(f.panelCount).toBe(4);
    expect(f.panelMean).toBe(7.5);
    expect(f.panelMedian).toBe(7.5);
    expect(f.panelSd).toBeCloseTo(Math.sqrt(5 / 3), 10);
    expect(f.deviation).toBe(2);
    expect(f.deviationFromMedian).toBe(2);
    expect(f.deviationShare).toBeCloseTo(0.2, 10);
    expect(f.z).toBeCloseTo(2 / Math.sqrt(5 / 3), 10);
    expect(f.withinPanelRange).toBe(false);
  });

  it('uses the odd-count median and floors the spread of a unanimous panel at 5 % of the full score', () => {
    const f = calibrationItemFeedback({ panelScores: [8, 8, 8], raterScore: 7, maxScore: 20 });
    expect(f.panelMedian).toBe(8);
    expect(f.panelSd).toBe(0);
    expect(f.deviation).toBe(-1);
    expect(f.z).toBe(-1); // -1 / (0.05 × 20)
    expect(f.withinPanelRange).toBe(false);
  });

  it('names the faulty field', () => {
    expect(() => calibrationItemFeedback({ panelScores: [], raterScore: 1, maxScore: 10 })).toThrow(
      DomainError,
    );
    try {
      calibrationSummary([
        { panelScores: [1], raterScore: 1, maxScore: 10 },
        { panelScores: [1, Number.NaN], raterScore: 1, maxScore: 10 },
      ]);
      expect.unreachable();
    } catch (e) {
      expect((e as DomainError).field).toBe('items.1.panelScores.1');
    }
  });
});

describe('calibrationSummary', () => {
  it('averages bias, absolute and RMS deviation, |z| and gives a verdict', () => {
    const s = calibrationSummary([
      { panelScores: [6, 7, 8, 9], raterScore: 9.5, maxScore: 10 }, // +2, z 1.549
      { panelScores: [8, 8, 8], raterScore: 7, maxScore: 20 }, // −1, z −1
      { panelScores: [4, 6], raterScore: 5, maxScore: 10 }, // 0, z 0
    ]);
    expect(s.count).toBe(3);
    expect(s.meanDeviation).toBeCloseTo(1 / 3, 10);
    expect(s.meanAbsDeviation).toBe(1);
    expect(s.rmsDeviation).toBeCloseTo(Math.sqrt(5 / 3), 10);
    expect(s.meanAbsZ).toBeCloseTo((2 / Math.sqrt(5 / 3) + 1) / 3, 10);
    expect(s.withinRangeShare).toBeCloseTo(1 / 3, 10);
    expect(s.verdict).toBe('close');
  });

  it('is far for scores far from every panel', () => {
    const s = calibrationSummary([{ panelScores: [2, 3, 4], raterScore: 10, maxScore: 10 }]);
    expect(s.verdict).toBe('far');
  });

  it('property: scoring exactly the panel mean gives zero deviation and a close verdict', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 100 }), { minLength: 1, maxLength: 9 }), (panel) => {
        const mean = panel.reduce((a, b) => a + b, 0) / panel.length;
        const s = calibrationSummary([{ panelScores: panel, raterScore: mean, maxScore: 100 }]);
        expect(Math.abs(s.meanDeviation)).toBeLessThan(1e-9);
        expect(s.verdict).toBe('close');
      }),
    );
  });
});

describe('rubric bands', () => {
  const bands = [
    { min: 90, max: 100 },
    { min: 75, max: 90 },
    { min: 60, max: 75 },
    { min: 0, max: 59 },
  ];

  it('puts a shared boundary in the upper band and a gap score in the nearest band', () => {
    expect(bandOf(bands, 90)).toBe(0);
    expect(bandOf(bands, 89.9)).toBe(1);
    expect(bandOf(bands, 59.2)).toBe(3);
    expect(bandOf(bands, 59.8)).toBe(2);
  });

  it('says whether the trainee lands in the band of the panel mean and counts the share', () => {
    // panel mean 88 (band 75–90); trainee 92 → band 90–100, not within; trainee 80 → within.
    const s = calibrationSummary([
      { panelScores: [86, 88, 90], raterScore: 92, maxScore: 100, bands },
      { panelScores: [70, 72, 74], raterScore: 70, maxScore: 100, bands },
      { panelScores: [50], raterScore: 52, maxScore: 100 },
    ]);
    expect(s.items.map((x) => [x.panelBand, x.raterBand, x.withinBand])).toEqual([
      [1, 0, false],
      [2, 2, true],
      [null, null, null],
    ]);
    expect(s.withinBandShare).toBe(0.5);
    expect(
      calibrationSummary([{ panelScores: [5], raterScore: 5, maxScore: 10 }]).withinBandShare,
    ).toBeNull();
  });
});

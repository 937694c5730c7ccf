import { describe, expect, it } from 'vitest';
import {
  betaQuantile,
  chiSquareQuantile,
  chiSquareSurvival,
  fCdf,
  fQuantile,
  incompleteBeta,
  logGamma,
  normalCdf,
  tCdf,
  tQuantile,
} from './distributions';

// Reference values from R 4.x (qt, pt, qf, pchisq, qbeta) as printed in standard tables.
describe('distributions', () => {
  it('log-gamma: Γ(5) = 24, Γ(1/2) = √π', () => {
    expect(logGamma(5)).toBeCloseTo(Math.log(24), 12);
    expect(logGamma(0.5)).toBeCloseTo(0.5 * Math.log(Math.PI), 12);
  });
  it('Student t quantiles and distribution function', () => {
    expect(tQuantile(0.975, 1)).toBeCloseTo(12.70620473617471, 9);
    expect(tQuantile(0.975, 10)).toBeCloseTo(2.228138851986273, 10);
    expect(tQuantile(0.975, 14)).toBeCloseTo(2.144786687916926, 10);
    expect(tQuantile(0.975, 30)).toBeCloseTo(2.042272456301238, 9);
    expect(tQuantile(0.025, 10)).toBeCloseTo(-2.228138851986273, 10);
    expect(tCdf(2, 5)).toBeCloseTo(0.9490302605850709, 12);
    expect(normalCdf(1.959963984540054)).toBeCloseTo(0.975, 12);
  });
  it('F and chi-square', () => {
    expect(fQuantile(0.95, 5, 10)).toBeCloseTo(3.325834530413013, 9);
    expect(fCdf(3.325834530413013, 5, 10)).toBeCloseTo(0.95, 12);
    expect(chiSquareSurvival(3.841458820694124, 1)).toBeCloseTo(0.05, 12);
    expect(chiSquareSurvival(15.50731305586545, 8)).toBeCloseTo(0.05, 12);
    expect(chiSquareQuantile(0.95, 8)).toBeCloseTo(15.50731305586545, 9);
  });
  it('beta', () => {
    expect(incompleteBeta(0.5, 2, 3)).toBeCloseTo(0.6875, 14);
    expect(betaQuantile(0.6875, 2, 3)).toBeCloseTo(0.5, 12);
  });
});

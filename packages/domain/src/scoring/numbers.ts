import { DomainError } from '../indicators/errors';

/** Rounds half away from zero to 2 decimals, for display only: scores are never rounded inside. */
export function round2(x: number): number {
  const r = Math.round(Math.abs(x) * 100 + 1e-9) / 100;
  return x < 0 ? -r : r;
}

/** Mean after dropping the `dropEachSide` lowest and highest values 去掉最高分和最低分. */
export function trimmedMean(values: number[], dropEachSide: number): number {
  const k = Math.max(0, Math.floor(dropEachSide));
  if (values.length <= 2 * k)
    throw new DomainError('values', `need more than ${2 * k} values to drop ${k} each side`);
  const kept = [...values].sort((a, b) => a - b).slice(k, values.length - k);
  return kept.reduce((s, v) => s + v, 0) / kept.length;
}

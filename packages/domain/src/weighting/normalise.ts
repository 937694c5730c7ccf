import { DomainError } from '../indicators/errors';

/** Scales non-negative weights to sum to `total` (100 for plan weights, 1 for shares). */
export function normaliseWeights(ws: number[], total = 100): number[] {
  const details = ws.flatMap((w, i) =>
    Number.isFinite(w) && w >= 0 ? [] : [{ field: `weights[${i}]`, message: `weight ${w} must be ≥ 0` }],
  );
  if (details.length > 0) throw new DomainError(details[0].field, 'weights must be non-negative', details);
  const sum = ws.reduce((s, w) => s + w, 0);
  if (!(sum > 0)) throw new DomainError('weights', 'weights sum to 0: nothing to normalise');
  return ws.map((w) => (w / sum) * total);
}

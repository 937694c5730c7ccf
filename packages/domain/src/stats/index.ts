/** Statistics 统计: rater agreement, leniency, ranking sensitivity, and shared numeric helpers. */
export * from './agreement';
export * from './sensitivity';
export * from './random';
export * from './normal';
export * from './distributions';

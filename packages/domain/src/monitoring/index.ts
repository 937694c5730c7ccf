/** Monitoring 监测预警: data-integrity checks and early warning on progress. */
export * from './benford';
export * from './anomaly';
export * from './trajectory';

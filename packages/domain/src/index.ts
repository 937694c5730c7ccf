/** PerfCommons domain: pure logic of performance management, no I/O. */
export * from './indicators';
export * from './scoring';
export * from './weighting';
export * from './grading';
export * from './surveys';
export * from './stats';
export * from './participation';
export * from './monitoring';
export * from './cycle';
export * from './opendata';
export * from './linkage';
export * from './history';
export * from './calibration';

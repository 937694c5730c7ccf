export * from './errors';
export * from './types';
export * from './validate';
export * from './lint';

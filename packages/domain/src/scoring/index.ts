export * from './rules';
export * from './numbers';
export * from './aggregate';
export * from './combine';
export * from './compiled';
export * from './formula';

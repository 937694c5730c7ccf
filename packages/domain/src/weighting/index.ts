export * from './ahp';
export * from './entropy';
export * from './normalise';

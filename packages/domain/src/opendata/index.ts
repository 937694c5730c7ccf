export * from './bundle';
export * from './disclosure';

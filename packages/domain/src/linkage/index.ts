export * from './rates';
export * from './findings';

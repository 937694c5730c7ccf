/** Request and response schemas shared by the server (validation, OpenAPI) and the web app. */
export * from './plans';
export * from './plan-views';
export * from './orgs';
export * from './common';
export * from './cycles';
export * from './appeals';
export * from './enums';
export * from './values';
export * from './jobs';
export * from './surveys';
export * from './survey-views';
export * from './survey-analysis';
export * from './auth';
export * from './users';
export * from './audit';
export * from './evaluation';
export * from './linkage';

/** The results use cases, one a file; shared internals (row types, the compute check, decorated rows) in ./shared. */
export * from './assert-computable';
export * from './compute-results';
export * from './get-result';
export * from './list-results';
export { type OwnScore } from './score-changed';

/**
 * Results, one use case a file under use-cases/: computing a cycle's results (compute-results.ts, with
 * the plans to rescore in score-changed.ts and the unchanged check in same-figures.ts), the check before
 * a compute job (assert-computable.ts), reading them (list-results.ts, get-result.ts) on shared
 * internals (shared.ts). The names other modules import, from here.
 */
export { assertComputable, computeCycleResults, getResult, listResults, type OwnScore } from './use-cases';

/** Publishing lives in publication/ (versioned, frozen snapshots); re-exported for existing callers. */
export { publishResults } from './publication';

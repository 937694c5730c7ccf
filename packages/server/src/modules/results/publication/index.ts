/**
 * Publication of a cycle's results, one use case a file: the console's panel (publication-status.ts),
 * publishing (publish-results.ts), withdrawing (withdraw-publication.ts), revisions after an appeal
 * (revise-results.ts) or an office correction (correct-value.ts), the state and history
 * (publication-state.ts), a result's revisions (list-revisions.ts), on shared internals (shared.ts).
 */
export { changedFields, type Blocker, type PublicationOverride, type PublishedFigures } from './shared';
export { publicationStatus } from './publication-status';
export { publishResults } from './publish-results';
export { withdrawPublication } from './withdraw-publication';
export { reviseResults, type RevisionCause } from './revise-results';
export { correctValue } from './correct-value';
export { publicationHistory, publicationState } from './publication-state';
export { listRevisions } from './list-revisions';

/**
 * Answer intake: the public survey page (by link token or short code), saved partial answers,
 * interviewer entry (paper, phone, face to face) and open mode. One answer per invitation is the
 * UNIQUE constraint on survey_responses.invitation_id: the losing concurrent submissions get 409.
 * Quotas per stratum are decided in the statement that stores the answers (see answerBatches).
 *
 * The hot path (a public answer by link) costs no statement of its own: it is validated against the
 * fielded versions in memory and stored by one look-up-and-insert statement per batch of concurrent
 * answers (directBatches); whatever that statement does not store takes the full path, where
 * look-ups and inserts are grouped per batch too (GroupCommit, src/lib/group-commit.ts).
 *
 * One use case a file; what they share: ./definitions (fielded questionnaires kept in memory),
 * ./invitations (the batched look-up of a link or code), ./answer-batches (the full path's store),
 * ./direct-path (the hot path's one statement).
 */
export * from './enter-interview';
export * from './open-invitation';
export * from './open-mode-survey';
export * from './save-draft';
export * from './submit-by-token';
export * from './submit-open';

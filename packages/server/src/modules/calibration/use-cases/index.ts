/**
 * Raters' calibration exercise 评分校准 of a cycle. The office writes reference cases (a described
 * performance of a qualitative indicator, its rubric and the panel's scores) or derives one from a panel
 * of a cycle whose results are published; a rater of the cycle (anyone holding an evaluation task in it,
 * or an evaluator) scores each case once and gets feedback on how far the score is from the panel's
 * (`calibrationSummary` of packages/domain: deviation, bias, mean absolute deviation, within the rubric
 * band of the panel's mean); the office sees every rater's status. A trainee never sees the panel's
 * individual scores, only their mean, median, spread and range once the case is answered. The exercise
 * feeds no score (not in AUDIT_COVERAGE, no publication freeze); every write and answer is audited.
 *
 * One use case a file; what they share (trainees, feedback, the case as sent) in ./shared.
 */
export * from './answer-case';
export * from './calibration-candidates';
export * from './calibration-status';
export * from './create-case';
export * from './delete-case';
export * from './derive-case';
export * from './get-calibration';

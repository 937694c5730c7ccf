/** The evaluation use cases (rules, regulations, rater panels), one a file; the frozen rules in ./shared. */
export { EXTERNAL_SUBJECTS, frozenRules, frozenRulesOrNull, type FrozenRules } from './shared';
export * from './assign-tasks';
export * from './create-third-party';
export * from './freeze-rules';
export * from './get-rules';
export * from './list-panels';
export * from './rater-quality';
export * from './regulations';
export * from './update-rules';

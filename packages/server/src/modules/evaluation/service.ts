/**
 * Evaluation, one use case a file under use-cases/: the cycle's rules (get-rules.ts, update-rules.ts,
 * freeze-rules.ts) published as regulations (regulations.ts), rater panels (assign-tasks.ts,
 * list-panels.ts, create-third-party.ts) and their quality (rater-quality.ts), on the frozen rules
 * (shared.ts). The names other modules import, from here.
 */
export {
  assignTasks,
  createThirdParty,
  EXTERNAL_SUBJECTS,
  freezeRules,
  frozenRules,
  frozenRulesOrNull,
  getRules,
  listPanels,
  raterQuality,
  regulations,
  updateRules,
  type FrozenRules,
} from './use-cases';
export { CycleRulesSchema } from './rules';

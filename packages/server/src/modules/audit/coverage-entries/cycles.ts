import {
  appeals,
  cyclePreconditionOverrides,
  cyclePublications,
  cycles,
  resultRevisions,
  results,
} from '../../../db/schema';
import { full, micros, rows, setOf, type Covered } from './hashers';

/** A cycle with its rules and consequences, its results, appeals and publication. */
export const cyclesCoverage: Covered[] = [
  {
    type: 'cycle',
    tables: ['cycles'],
    key: 'id',
    how: 'row',
    covers:
      'stage, type, period, rules, grade scheme (the publication state is the cycle_publications rows, covered below)',
    writers: 'cycles, evaluation rules, results, publication',
    hashes: rows(cycles, cycles.id, {
      projection: {
        id: cycles.id,
        code: cycles.code,
        type: cycles.type,
        periodStart: cycles.periodStart,
        periodEnd: cycles.periodEnd,
        stage: cycles.stage,
        gradeScheme: cycles.gradeScheme,
        rules: cycles.rules,
      },
    }),
    companions: ['cycle_rules', 'cycle_consequences'],
  },
  {
    type: 'cycle_rules',
    tables: ['cycle_rule_versions'],
    key: 'cycle_id',
    how: 'set',
    covers:
      "a cycle's rule versions (rules, grade scheme, frozen time): the regulations results compute from",
    writers: "evaluation rules and stage moves (with the cycle's entry)",
    hashes: setOf(
      'cycle_rule_versions',
      'cycle_id',
      `id, version, rules, grade_scheme, note, created_by, ${micros('frozen_at')}`,
      'version',
    ),
  },
  {
    type: 'cycle_consequences',
    tables: ['consequences'],
    key: 'cycle_id',
    how: 'set',
    covers: "a cycle's consequences (kind, value, result, person, reason)",
    writers: "results compute (with the cycle's results.compute entry)",
    hashes: setOf(
      'consequences',
      'cycle_id',
      'id, result_id, person_id, org_unit_id, kind, value, reason',
      'id',
    ),
  },
  {
    type: 'cycle_override',
    tables: ['cycle_precondition_overrides'],
    key: 'id',
    how: 'row',
    covers: 'every column (stage precondition overridden, reason, who)',
    writers: 'cycles',
    hashes: full(cyclePreconditionOverrides, cyclePreconditionOverrides.id),
  },
  {
    type: 'result',
    tables: ['results'],
    key: 'id',
    how: 'row',
    covers: 'every column (total, grade, rank, veto, complete, missing)',
    writers: 'results compute',
    hashes: full(results, results.id),
  },
  {
    type: 'appeal',
    tables: ['appeals'],
    key: 'id',
    how: 'row',
    covers: 'every column (reason, status, decision, correction)',
    writers: 'appeals',
    hashes: full(appeals, appeals.id),
  },
  {
    type: 'cycle_publication',
    tables: ['cycle_publications'],
    key: 'id',
    how: 'row',
    covers: 'every column (publish or withdraw, reason, overrides of blockers)',
    writers: 'publication',
    hashes: full(cyclePublications, cyclePublications.id),
  },
  {
    type: 'result_revision',
    tables: ['result_revisions'],
    key: 'id',
    how: 'row',
    covers: 'every column (published figures, changes, reason, approver)',
    writers: 'publication',
    hashes: full(resultRevisions, resultRevisions.id),
  },
];

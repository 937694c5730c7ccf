import {
  correctionTasks,
  earlyWarnings,
  indicatorLibrary,
  planRevisions,
  planSignoffs,
} from '../../../db/schema';
import { linkageFindings } from '../../../db/schema-linkage';
import { findingMeta } from '../../linkage/meta';
import { full, rows, type Covered } from './hashers';

/**
 * What follows a plan or feeds it beside its measures: monitoring, agreements, linkage findings, the
 * indicator library.
 */
export const planFollowUpCoverage: Covered[] = [
  {
    type: 'early_warning',
    tables: ['early_warnings'],
    key: 'id',
    how: 'row',
    covers: 'every column',
    writers: 'monitoring',
    hashes: full(earlyWarnings, earlyWarnings.id),
  },
  {
    type: 'correction_task',
    tables: ['correction_tasks'],
    key: 'id',
    how: 'row',
    covers: 'every column',
    writers: 'monitoring',
    hashes: full(correctionTasks, correctionTasks.id),
  },
  {
    type: 'plan_signoff',
    tables: ['plan_signoffs'],
    key: 'id',
    how: 'row',
    covers: 'every column',
    writers: 'agreements',
    hashes: full(planSignoffs, planSignoffs.id),
  },
  {
    type: 'plan_revision',
    tables: ['plan_revisions'],
    key: 'id',
    how: 'row',
    covers: 'every column',
    writers: 'agreements',
    hashes: full(planRevisions, planRevisions.id),
  },
  {
    // A finding's points are deducted through its plan's deduction item while it is active.
    type: 'linkage_finding',
    tables: ['linkage_findings'],
    key: 'id',
    how: 'row',
    covers: "every column but the document's content (its SHA-256 stands for it)",
    writers: 'linkage findings',
    hashes: rows(linkageFindings, linkageFindings.id, { projection: findingMeta }),
  },
  {
    // Library entries are copied into plans (definition, data source, rule template, rubric).
    type: 'indicator_definition',
    tables: ['indicator_library'],
    key: 'id',
    how: 'row',
    covers: 'every column of a library version (definition, polarity, rule template, rubric, status)',
    writers: 'indicator library',
    hashes: full(indicatorLibrary, indicatorLibrary.id),
  },
];

/**
 * What verify-audit covers: every table whose rows change a score, a grade, a consequence, a published
 * page or who may do what. ONE list (AUDIT_COVERAGE): each entry names the audited entity type, the
 * tables behind it, how its hash is taken, and the function that hashes current rows. SECURITY.md shows
 * this list; `coverageTable()` prints it.
 *
 * How an entity's hash reaches the log: the writer appends an audit entry naming the entity (type and
 * id) in the transaction that changed it, after the change. It may pass the row (`entity`) or its hash;
 * otherwise appendAudit takes the snapshot itself with the entry's `hashes` function, and also snapshots
 * the entity's companions (e.g. a user's role assignments along with the user) when they changed since
 * their last entry. So any writer that names the entity it changed is covered.
 *
 * Three ways of hashing:
 * - `row`: the row as Drizzle reads it (or a projection), canonical JSON, SHA-256 (in the server);
 * - `set`: all rows of a table that belong to one key (a survey's frame, a user's role assignments),
 *   hashed by the database over their canonical text in a fixed order, so large sets never travel;
 * - `sql-row`: one row hashed by the database (survey answers: the hot intake path stores the answer
 *   and its audit entry in one statement, see surveys/intake/ and {@link responseRowHashSql}).
 *
 * The entries, one group a file in ./coverage-entries: plan-inputs, surveys, people, cycles,
 * plan-follow-up; the entry's shape and the hashers they use: hashers.ts.
 */
import { cyclesCoverage } from './coverage-entries/cycles';
import type { Covered } from './coverage-entries/hashers';
import { peopleCoverage } from './coverage-entries/people';
import { planFollowUpCoverage } from './coverage-entries/plan-follow-up';
import { planInputsCoverage } from './coverage-entries/plan-inputs';
import { surveysCoverage } from './coverage-entries/surveys';

export { ABSENT, entityHash, isUuid, type Covered } from './coverage-entries/hashers';
export { evidenceMeta, planTreeSnapshot, reportedValueText } from './coverage-entries/plan-inputs';
export { FRAME_HASH_PREFIX, frameDigest, responseRowHashSql } from './coverage-entries/surveys';

/** THE list of audited entities (in this order in SECURITY.md), one group a file. */
export const AUDIT_COVERAGE: Covered[] = [
  ...planInputsCoverage,
  ...surveysCoverage,
  ...peopleCoverage,
  ...cyclesCoverage,
  ...planFollowUpCoverage,
];

export const COVERED = new Map(AUDIT_COVERAGE.map((c) => [c.type, c]));

/** The coverage list as a Markdown table (SECURITY.md shows it; a test keeps them in step). */
export function coverageTable(): string {
  const lines = [
    '| Entity | Table(s) | Key | Hash | What is covered | Written by |',
    '| --- | --- | --- | --- | --- | --- |',
  ];
  for (const c of AUDIT_COVERAGE)
    lines.push(
      `| \`${c.type}\` | ${c.tables.map((t) => `\`${t}\``).join(', ')} | \`${c.key}\` | ${c.how} | ${c.covers}${
        c.companions ? `; snapshots ${c.companions.map((x) => `\`${x}\``).join(', ')} with it` : ''
      } | ${c.writers} |`,
    );
  return lines.join('\n');
}

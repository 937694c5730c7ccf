import { chainAlgorithm, chainDigest, sha256, type ChainAlgorithm } from '../../lib/hash';
import { copyField } from '../../lib/copy';
import { jsonString } from '../../lib/json';
import { reportedValueText, responseRowHashSql } from './coverage';

/**
 * A data-modifying CTE (SQL text) that appends one audit entry per stored survey answer, for the
 * intake statements that store answers in bulk without a round trip of their own: `source` names the
 * CTE of inserted survey_responses rows (all columns). The entity hash is the database's row hash
 * (coverage.ts responseRowHashSql) and the entry hash is {@link entryHash}'s canonical JSON built in
 * SQL (keys in sorted order; `at` truncated to milliseconds like a JavaScript Date), so verify-audit
 * checks these entries like any other. These entry hashes stay SHA-256 under `CRYPTO_SUITE=sm` too (the
 * database has no SM3 function); seals and Merkle roots over them use the configured algorithm.
 */
export function answerAuditCte(source: string): string {
  const text = [
    `'{"action":"survey.answer","actorId":'`,
    `coalesce('"' || s.actor_id::text || '"', 'null')`,
    `',"at":"' || s.at_text`,
    `'","data":null,"entityHash":"' || s.h`,
    `'","entityId":"' || s.id::text`,
    `'","entityType":"survey_response","prevHash":null,"seq":' || s.seq::text || '}'`,
  ].join(' || ');
  return `insert into audit_log (seq, at, actor_id, action, entity_type, entity_id, data, entity_hash, prev_hash, hash)
    select s.seq, s.at, s.actor_id, 'survey.answer', 'survey_response', s.id::text, null, s.h, null,
      encode(sha256(convert_to(${text}, 'UTF8')), 'hex')
    from (select nextval(k.sequence) as seq, k.at, k.at_text, r.interviewer_id as actor_id, r.id,
            ${responseRowHashSql('r')} as h
          from ${source} r,
            -- Once per statement, not per entry: the sequence (by oid) and the time, with its text.
            (select pg_get_serial_sequence('audit_log', 'seq')::regclass as sequence, t.at,
               to_char(t.at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as at_text
             from (select date_trunc('milliseconds', now()) as at) t) k) s`;
}

/**
 * The `value.report` entry of a value stored by a values import, as {@link appendAudit} would write it
 * with the row as `entity` and `data: { planId, indicatorCode, period, value }`, the actor being the
 * reporter: its `data` (JSON text), entity hash and hash, hashed here as text (the import writes a
 * million of them). `row` as in coverage.ts reportedValueText; `at` is the entry's time as toISOString
 * writes it; the entry hash's algorithm is the configured one. The entry's other fields: `seq`, `at`,
 * the reporter as actor, action `value.report`, entity `actual_value` and the row's id, no prevHash.
 */
export function valueReportEntry(
  row: Parameters<typeof reportedValueText>[0],
  seq: number,
  at: string,
  algorithm: ChainAlgorithm = chainAlgorithm(),
): { data: string; entityHash: string; hash: string } {
  const entityHash = sha256(reportedValueText(row));
  const data =
    `{"indicatorCode":${jsonString(row.indicatorCode)},"period":${jsonString(row.period)},` +
    `"planId":"${row.planId}","value":${row.value}}`;
  const hash = chainDigest(
    `{"action":"value.report","actorId":"${row.reportedBy}","at":"${at}","data":${data},` +
      `"entityHash":"${entityHash}","entityId":"${row.id}","entityType":"actual_value","prevHash":null,"seq":${seq}}`,
    algorithm,
  );
  return { data, entityHash, hash };
}

/**
 * The entry of {@link valueReportEntry} as one line of COPY text for audit_log (columns
 * {@link AUDIT_COPY_COLUMNS}).
 */
export function valueReportLine(
  row: Parameters<typeof reportedValueText>[0],
  seq: number,
  at: string,
  algorithm: ChainAlgorithm = chainAlgorithm(),
) {
  const { data, entityHash, hash } = valueReportEntry(row, seq, at, algorithm);
  return `${seq}\t${at}\t${row.reportedBy}\tvalue.report\tactual_value\t${row.id}\t${copyField(data)}\t${entityHash}\t\\N\t${hash}\n`;
}

/** audit_log columns of the lines {@link valueReportLine} writes. */
export const AUDIT_COPY_COLUMNS = [
  'seq',
  'at',
  'actor_id',
  'action',
  'entity_type',
  'entity_id',
  'data',
  'entity_hash',
  'prev_hash',
  'hash',
];

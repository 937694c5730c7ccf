/**
 * The audit log, one concern a file: entries appended in the caller's transaction (append.ts, and in
 * bulk by SQL or COPY: bulk-entries.ts), sealed in batches under chained Merkle roots (seal.ts), a
 * baseline of rows written in bulk (baseline.ts), verified against every covered row (verify.ts),
 * read by the audit readers (readers.ts, list-audit.ts). The names other modules import, from here.
 */
export { AUDIT_COVERAGE, coverageTable, entityHash, evidenceMeta, planTreeSnapshot } from './coverage';
export { appendAudit, entryHash, nextAuditSeqs, type AuditEntryInput } from './append';
export { answerAuditCte, AUDIT_COPY_COLUMNS, valueReportEntry, valueReportLine } from './bulk-entries';
export { merkleRoot, sealAudit, startAuditSealer } from './seal';
export { auditBaseline } from './baseline';
export { verifyAudit, type AuditProblem, type AuditReport } from './verify';
export { auditReaderRoles, canReadAudit, requireAuditReader } from './readers';
export { listAudit } from './list-audit';

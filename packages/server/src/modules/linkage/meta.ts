import { linkageFindings } from '../../db/schema-linkage';

/** The audited row of a finding: its columns, the file's content excluded (its SHA-256 stands for it). */
export const findingMeta = {
  id: linkageFindings.id,
  cycleId: linkageFindings.cycleId,
  planId: linkageFindings.planId,
  indicatorCode: linkageFindings.indicatorCode,
  kind: linkageFindings.kind,
  docTitle: linkageFindings.docTitle,
  docNumber: linkageFindings.docNumber,
  docDate: linkageFindings.docDate,
  description: linkageFindings.description,
  points: linkageFindings.points,
  status: linkageFindings.status,
  withdrawnReason: linkageFindings.withdrawnReason,
  withdrawnBy: linkageFindings.withdrawnBy,
  withdrawnAt: linkageFindings.withdrawnAt,
  fileName: linkageFindings.fileName,
  fileMime: linkageFindings.fileMime,
  fileSize: linkageFindings.fileSize,
  fileSha256: linkageFindings.fileSha256,
  createdBy: linkageFindings.createdBy,
  createdAt: linkageFindings.createdAt,
};

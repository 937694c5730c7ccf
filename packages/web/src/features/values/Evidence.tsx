import { App, Button, Space, Tooltip, Typography, Upload } from 'antd';
import { PaperClipOutlined, UploadOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { errorText } from '../../console/errors';
import { api } from '../../shared/api';
import { fmtDateTime } from '../../shared/format';
import type { Items } from '../../shared/types';

/** Metadata of an evidence file (GET /api/values/:id/evidence). */
interface EvidenceFile {
  id: string;
  filename: string;
  mimeType: string;
  size: number;
  sha256: string;
  uploadedAt: string;
}

/** Largest file the server stores (EVIDENCE_MAX_BYTES). */
const MAX_BYTES = 5 * 1024 * 1024;

const kb = (n: number) => `${Math.max(1, Math.round(n / 1024))} KB`;

/**
 * Evidence files 佐证材料 of one reported value: each a download link (the download is audited),
 * and, for whoever reports the value, an upload button (PDF, images, XLSX, DOCX, CSV, text; ≤ 5 MB).
 */
export function EvidenceCell({
  valueId,
  code,
  canUpload,
}: {
  valueId: string;
  /** Indicator code, for test ids and labels. */
  code: string;
  canUpload: boolean;
}) {
  const { t } = useTranslation('values');
  const { message } = App.useApp();
  const qc = useQueryClient();
  const files = useQuery({
    queryKey: ['evidence', valueId],
    queryFn: () => api.get<Items<EvidenceFile>>(`/api/values/${valueId}/evidence`).then((r) => r.items),
  });
  const upload = useMutation({
    mutationFn: (file: File) => {
      const body = new FormData();
      body.append('file', file, file.name);
      return api.post<{ file: EvidenceFile }>(`/api/values/${valueId}/evidence`, body);
    },
    onSuccess: (r) => {
      void message.success(t('evidenceUploaded', { name: r.file.filename }));
      void qc.invalidateQueries({ queryKey: ['evidence', valueId] });
    },
    onError: (e) => void message.error(errorText(e)),
  });

  return (
    <Space direction="vertical" size={2} data-testid={`evidence-${code}`}>
      {(files.data ?? []).map((f) => (
        <Tooltip
          key={f.id}
          title={t('evidenceMeta', {
            size: kb(f.size),
            at: fmtDateTime(f.uploadedAt),
            sha: f.sha256.slice(0, 12),
          })}
        >
          <Typography.Link href={`/api/evidence/${f.id}`} data-testid="evidence-file">
            <PaperClipOutlined /> {f.filename}
          </Typography.Link>
        </Tooltip>
      ))}
      {files.data?.length === 0 && !canUpload && (
        <Typography.Text type="secondary">{t('noEvidence')}</Typography.Text>
      )}
      {canUpload && (
        <Upload
          accept=".pdf,.png,.jpg,.jpeg,.xlsx,.docx,.csv,.txt"
          showUploadList={false}
          beforeUpload={(file) => {
            if (file.size > MAX_BYTES) void message.error(t('evidenceTooLarge'));
            else upload.mutate(file);
            return false;
          }}
        >
          <Button
            size="small"
            icon={<UploadOutlined />}
            loading={upload.isPending}
            aria-label={t('evidenceUploadFor', { code })}
            data-testid={`evidence-upload-${code}`}
          >
            {t('evidenceUpload')}
          </Button>
        </Upload>
      )}
    </Space>
  );
}

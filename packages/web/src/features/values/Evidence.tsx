import { useRef, useState } from 'react';
import { App, Button, Image, Modal, Space, Tooltip, Typography, Upload } from 'antd';
import { EyeOutlined, InboxOutlined, PaperClipOutlined } from '@ant-design/icons';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { errorText } from '../../console/errors';
import { api } from '../../shared/api';
import { fmtDateTime } from '../../shared/format';
import type { AppealFile, EvidenceFile as ValueEvidenceFile, Items } from '@perfcommons/contracts';
import { EVIDENCE_MAX_BYTES } from '@perfcommons/contracts/enums';

/** Metadata of an evidence file: value evidence and appeal files share these fields. */
type EvidenceFile = Pick<
  ValueEvidenceFile & AppealFile,
  'id' | 'filename' | 'mimeType' | 'size' | 'sha256' | 'uploadedAt'
>;

/** What the server accepts (it checks the bytes; the picker only offers these). */
export const EVIDENCE_ACCEPT = '.pdf,.png,.jpg,.jpeg,.xlsx,.docx,.csv,.txt';
const PREVIEWABLE = /^(image\/|application\/pdf|text\/)/;

const kb = (n: number) => `${Math.max(1, Math.round(n / 1024))} KB`;

interface Preview {
  name: string;
  kind: 'image' | 'text';
  url?: string;
  text?: string;
}

/**
 * Evidence files 佐证材料 of one item (a reported value, an appeal): each a download link (downloads are
 * audited by the server) with a preview for images, PDFs and text; for who may add files, a drop zone that
 * takes several files at once (dragged or picked) and uploads them one after another.
 */
export function EvidenceFiles({
  listUrl,
  uploadUrl,
  fileUrl,
  code,
  compact = false,
}: {
  /** GET: `{ items: EvidenceFile[] }`. */
  listUrl: string;
  /** POST multipart `file`, one per request; absent when the user may not add files. */
  uploadUrl?: string;
  /** Download address of one file. */
  fileUrl: (id: string) => string;
  /** Name for test ids and labels (an indicator code, `appeal`). */
  code: string;
  /** In a table cell: a small drop zone. */
  compact?: boolean;
}) {
  const { t } = useTranslation('values');
  const { message } = App.useApp();
  const qc = useQueryClient();
  const [pending, setPending] = useState(0);
  const [preview, setPreview] = useState<Preview | null>(null);
  const chain = useRef<Promise<unknown>>(Promise.resolve());
  const files = useQuery({
    queryKey: ['evidence', listUrl],
    queryFn: () => api.get<Items<EvidenceFile>>(listUrl).then((r) => r.items),
  });

  // One upload at a time: the server allows two per user, and the order stays the order chosen.
  const enqueue = (file: File) => {
    if (file.size > EVIDENCE_MAX_BYTES) {
      void message.error(t('evidenceTooLarge', { name: file.name }));
      return;
    }
    setPending((n) => n + 1);
    chain.current = chain.current.then(async () => {
      try {
        const body = new FormData();
        body.append('file', file, file.name);
        const r = await api.post<{ file: EvidenceFile }>(uploadUrl!, body);
        void message.success(t('evidenceUploaded', { name: r.file.filename }));
        await qc.invalidateQueries({ queryKey: ['evidence', listUrl] });
      } catch (e) {
        void message.error(`${file.name}：${errorText(e)}`);
      } finally {
        setPending((n) => n - 1);
      }
    });
  };

  const open = async (f: EvidenceFile) => {
    try {
      const res = await fetch(fileUrl(f.id), { credentials: 'same-origin' });
      if (!res.ok) throw new Error(String(res.status));
      const blob = await res.blob();
      if (f.mimeType.startsWith('text/'))
        setPreview({ name: f.filename, kind: 'text', text: await blob.text() });
      else if (f.mimeType.startsWith('image/'))
        setPreview({ name: f.filename, kind: 'image', url: URL.createObjectURL(blob) });
      // A PDF opens in the browser's own viewer, in a new tab.
      else window.open(URL.createObjectURL(new Blob([blob], { type: 'application/pdf' })), '_blank');
    } catch (e) {
      void message.error(errorText(e));
    }
  };
  const closePreview = () => {
    if (preview?.url) URL.revokeObjectURL(preview.url);
    setPreview(null);
  };

  return (
    <Space direction="vertical" size={2} style={{ width: '100%' }} data-testid={`evidence-${code}`}>
      {(files.data ?? []).map((f) => (
        <Space key={f.id} size={4}>
          <Tooltip
            title={t('evidenceMeta', {
              size: kb(f.size),
              at: fmtDateTime(f.uploadedAt),
              sha: f.sha256.slice(0, 12),
            })}
          >
            <Typography.Link href={fileUrl(f.id)} data-testid="evidence-file">
              <PaperClipOutlined /> {f.filename}
            </Typography.Link>
          </Tooltip>
          {PREVIEWABLE.test(f.mimeType) && (
            <Button
              type="text"
              size="small"
              icon={<EyeOutlined />}
              aria-label={t('evidencePreviewOf', { name: f.filename })}
              title={t('evidencePreview')}
              onClick={() => void open(f)}
              data-testid="evidence-preview"
            />
          )}
        </Space>
      ))}
      {files.data?.length === 0 && !uploadUrl && (
        <Typography.Text type="secondary">{t('noEvidence')}</Typography.Text>
      )}
      {uploadUrl && (
        <Upload.Dragger
          accept={EVIDENCE_ACCEPT}
          multiple
          showUploadList={false}
          beforeUpload={(file) => {
            enqueue(file);
            return false;
          }}
          style={compact ? { padding: 0 } : undefined}
          data-testid={`evidence-upload-${code}`}
        >
          {compact ? (
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              <InboxOutlined /> {pending ? t('evidenceUploading', { n: pending }) : t('evidenceDropShort')}
            </Typography.Text>
          ) : (
            <>
              <p className="ant-upload-drag-icon">
                <InboxOutlined />
              </p>
              <p className="ant-upload-text">
                {pending ? t('evidenceUploading', { n: pending }) : t('evidenceDrop')}
              </p>
              <p className="ant-upload-hint">{t('evidenceTypes')}</p>
            </>
          )}
        </Upload.Dragger>
      )}
      <Modal
        open={!!preview}
        title={preview?.name}
        footer={null}
        onCancel={closePreview}
        width={760}
        destroyOnHidden
      >
        {preview?.kind === 'image' && <Image src={preview.url} alt={preview.name} preview={false} />}
        {preview?.kind === 'text' && (
          <pre
            style={{ maxHeight: 480, overflow: 'auto', whiteSpace: 'pre-wrap' }}
            data-testid="evidence-text"
          >
            {preview.text}
          </pre>
        )}
      </Modal>
    </Space>
  );
}

/** Evidence of one reported value: its files, and a drop zone for whoever reports the value. */
export function EvidenceCell({
  valueId,
  code,
  canUpload,
}: {
  valueId: string;
  code: string;
  canUpload: boolean;
}) {
  return (
    <EvidenceFiles
      listUrl={`/api/values/${valueId}/evidence`}
      uploadUrl={canUpload ? `/api/values/${valueId}/evidence` : undefined}
      fileUrl={(id) => `/api/evidence/${id}`}
      code={code}
      compact
    />
  );
}

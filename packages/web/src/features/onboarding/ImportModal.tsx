import { useState } from 'react';
import { Alert, App, Button, Modal, Radio, Space, Table, Tag, Typography, Upload } from 'antd';
import { DownloadOutlined, UploadOutlined } from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { errorText } from '../../console/errors';
import { api } from '../../shared/api';
import type {
  ImportCommitReply,
  ImportPreviewReply,
  ImportRowOutcome,
  JobOf,
  JobAccepted,
} from '@perfcommons/contracts';
import { JobProgress } from '../jobs/JobProgress';
import type { ImportKind, ImportRowAction } from '@perfcommons/contracts/enums';

type Kind = ImportKind;
type Action = ImportRowAction;
type Preview = ImportPreviewReply;
type Committed = ImportCommitReply;

const ACTION_COLOR: Record<Action, string> = {
  create: 'green',
  update: 'blue',
  unchanged: 'default',
  error: 'red',
};

/** `rows.7.parentCode` → row 7, field parentCode. */
function splitPath(path: string) {
  const m = /^rows\.(\d+)\.(.+)$/.exec(path);
  return m ? { row: Number(m[1]), field: m[2] } : { row: null, field: path };
}

/** Initial passwords as a CSV file (with a BOM so that Excel reads the Chinese names). */
function downloadCredentials(items: Committed['credentials']) {
  const quote = (s: string) => `"${s.replace(/"/g, '""')}"`;
  const lines = [
    'username,displayName,password',
    ...items.map((c) => [c.username, c.displayName, c.password].map(quote).join(',')),
  ];
  const blob = new Blob(['\uFEFF' + lines.join('\r\n') + '\r\n'], { type: 'text/csv;charset=utf-8' });
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = 'initial-passwords.csv';
  a.click();
  URL.revokeObjectURL(url);
}

/**
 * The office loads units, cadres and accounts from XLSX/CSV: template, upload, preview with every
 * problem by sheet row, then one all-or-nothing import; new accounts' initial passwords shown once.
 */
export function ImportModal({ open, onClose }: { open: boolean; onClose: () => void }) {
  const { t, i18n } = useTranslation('onboarding');
  const qc = useQueryClient();
  const [kind, setKind] = useState<Kind>('units');
  const [file, setFile] = useState<File | null>(null);
  const [preview, setPreview] = useState<Preview | null>(null);
  const [done, setDone] = useState<Committed | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [saved, setSaved] = useState(false);
  const { modal } = App.useApp();

  const reset = () => {
    setSaved(false);
    setFile(null);
    setPreview(null);
    setDone(null);
    setError(null);
  };
  /** The initial passwords are in the commit answer only: make sure they were kept before they go. */
  const leaving = (then: () => void) => {
    if (done?.credentials.length && !saved)
      modal.confirm({ title: t('import.leaveTitle'), content: t('import.leave'), onOk: then });
    else then();
  };
  const close = () =>
    leaving(() => {
      reset();
      onClose();
    });

  const send = async <T,>(step: 'preview' | 'commit', f: File) => {
    const body = new FormData();
    body.append('file', f, f.name);
    return api.post<T>(`/api/import/${kind}/${step}`, body);
  };

  const check = async (f: File) => {
    reset();
    setFile(f);
    setBusy(true);
    try {
      setPreview(await send<Preview>('preview', f));
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  };

  // Units and cadres are committed as a job (its progress bar until done); accounts in the request,
  // as their one-time passwords are in that answer only.
  const [commitJob, setCommitJob] = useState<string>();
  const finish = (result: Committed) => {
    setDone(result);
    setPreview(null);
    void qc.invalidateQueries();
  };
  const commit = async () => {
    if (!file) return;
    setBusy(true);
    setError(null);
    try {
      const r = await send<Committed | JobAccepted>('commit', file);
      if ('jobId' in r) setCommitJob(r.jobId);
      else {
        finish(r);
        setBusy(false);
      }
    } catch (e) {
      setError(errorText(e));
      setBusy(false);
    }
  };
  const committed = (job: JobOf<'onboarding.import'>) => {
    setCommitJob(undefined);
    setBusy(false);
    if (job.state === 'completed' && job.result) finish(job.result);
    else setError(job.lastError?.message ?? null);
  };

  const summary = (done ?? preview)?.summary;
  const footer = done
    ? [
        <Button key="again" onClick={() => leaving(reset)}>
          {t('import.again')}
        </Button>,
        <Button key="close" type="primary" onClick={close}>
          {t('import.close')}
        </Button>,
      ]
    : [
        <Button key="close" onClick={close}>
          {t('import.close')}
        </Button>,
        <Button
          key="commit"
          type="primary"
          disabled={!preview?.ok || (summary?.create ?? 0) + (summary?.update ?? 0) === 0}
          loading={busy && !!preview}
          onClick={() => void commit()}
          data-testid="import-commit"
        >
          {t('import.commit')}
        </Button>,
      ];

  return (
    <Modal
      open={open}
      title={t('import.title')}
      width={900}
      onCancel={close}
      footer={footer}
      maskClosable={false}
      destroyOnHidden
    >
      <Space direction="vertical" size="middle" style={{ width: '100%' }}>
        {!done && (
          <>
            <Space wrap>
              <span>{t('import.kind')}</span>
              <Radio.Group
                value={kind}
                onChange={(e) => {
                  setKind(e.target.value as Kind);
                  reset();
                }}
                optionType="button"
                options={(['units', 'accounts', 'people'] as const).map((k) => ({
                  value: k,
                  label: t(`import.kinds.${k}`),
                }))}
                data-testid="import-kind"
              />
            </Space>
            <Typography.Text type="secondary">{t('import.order')}</Typography.Text>
            <Space wrap>
              <Button
                icon={<DownloadOutlined />}
                href={`/api/import/${kind}/template?lang=${i18n.language === 'en' ? 'en' : 'zh-CN'}`}
                download
              >
                {t('import.template')}
              </Button>
              <Upload
                accept=".xlsx,.csv"
                showUploadList={false}
                beforeUpload={(f) => {
                  void check(f);
                  return false;
                }}
              >
                <Button
                  type="primary"
                  icon={<UploadOutlined />}
                  loading={busy && !preview}
                  data-testid="import-file"
                >
                  {t('import.choose')}
                </Button>
              </Upload>
              {file && <Typography.Text>{file.name}</Typography.Text>}
            </Space>
          </>
        )}
        {commitJob && <JobProgress jobId={commitJob} kind="onboarding.import" onDone={committed} />}
        {error && <Alert type="error" showIcon message={error} data-testid="import-error" />}
        {preview && (
          <>
            <Alert
              type={preview.ok ? 'success' : 'error'}
              showIcon
              message={t('import.summary', preview.summary)}
              description={
                preview.ok ? t('import.noErrors') : t('import.errors', { n: preview.errors.length })
              }
            />
            {preview.ignoredColumns.length > 0 && (
              <Alert
                type="warning"
                showIcon
                message={t('import.ignored', { cols: preview.ignoredColumns.join(', ') })}
              />
            )}
            {preview.errors.length > 0 && (
              <Table
                size="small"
                rowKey={(e) => e.path + e.message}
                dataSource={preview.errors}
                pagination={{ pageSize: 10, hideOnSinglePage: true }}
                data-testid="import-errors"
                columns={[
                  { title: t('import.row'), width: 70, render: (_, e) => splitPath(e.path).row ?? '' },
                  {
                    title: t('import.field'),
                    width: 140,
                    render: (_, e) => <code>{splitPath(e.path).field}</code>,
                  },
                  { title: t('import.problem'), dataIndex: 'message' },
                ]}
              />
            )}
            <RowsTable rows={preview.rows} />
          </>
        )}
        {done && (
          <>
            <Alert
              type="success"
              showIcon
              message={t('import.committed', done.summary)}
              data-testid="import-done"
            />
            {done.credentials.length > 0 && (
              <>
                <Alert
                  type="warning"
                  showIcon
                  message={t('import.credentials')}
                  description={t('import.credentialsWarning')}
                />
                <Button
                  icon={<DownloadOutlined />}
                  onClick={() => {
                    downloadCredentials(done.credentials);
                    setSaved(true);
                  }}
                  data-testid="import-download"
                >
                  {t('import.download')}
                </Button>
                <Table
                  size="small"
                  rowKey="username"
                  dataSource={done.credentials}
                  pagination={{ pageSize: 10, hideOnSinglePage: true }}
                  data-testid="import-credentials"
                  columns={[
                    { title: t('import.username'), dataIndex: 'username' },
                    { title: t('import.displayName'), dataIndex: 'displayName' },
                    {
                      title: t('import.initialPassword'),
                      dataIndex: 'password',
                      render: (p: string) => (
                        <Typography.Text code copyable>
                          {p}
                        </Typography.Text>
                      ),
                    },
                  ]}
                />
              </>
            )}
            <RowsTable rows={done.rows} />
          </>
        )}
      </Space>
    </Modal>
  );
}

function RowsTable({ rows }: { rows: ImportRowOutcome[] }) {
  const { t } = useTranslation('onboarding');
  return (
    <Table
      size="small"
      rowKey="row"
      dataSource={rows}
      pagination={{ pageSize: 10, hideOnSinglePage: true }}
      data-testid="import-rows"
      columns={[
        { title: t('import.row'), dataIndex: 'row', width: 70 },
        { title: t('import.key'), dataIndex: 'key' },
        {
          title: t('import.action'),
          dataIndex: 'action',
          width: 110,
          render: (a: Action) => <Tag color={ACTION_COLOR[a]}>{t(`import.actions.${a}`)}</Tag>,
        },
        { title: t('import.changes'), dataIndex: 'changes', render: (c: string[]) => c.join(', ') },
      ]}
    />
  );
}

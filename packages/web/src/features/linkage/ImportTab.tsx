import { useCallback, useState } from 'react';
import { Alert, Button, Card, Radio, Select, Space, Table, Tag, Tooltip, Typography, Upload } from 'antd';
import { UploadOutlined } from '@ant-design/icons';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type {
  JobAccepted,
  JobOf,
  LinkageBatch,
  LinkageImportReply,
  LinkageRate,
} from '@perfcommons/contracts';
import { LINKAGE_METRICS, METRIC_SOURCE, type LinkageMetric } from '@perfcommons/domain';
import { detailMessage, errorText, fieldLabel } from '../../console/errors';
import { pick } from '../../i18n';
import { api } from '../../shared/api';
import { JobProgress } from '../jobs/JobProgress';
import { fmtDateTime } from '../../shared/format';

type Source = 'hotline' | 'review';
type Granularity = 'month' | 'quarter' | 'year';
const ACTION_COLOR = { create: 'green', update: 'blue', unchanged: 'default', error: 'red' } as const;

/** `rows.7.unit` → row 7, field unit. */
function splitPath(path: string) {
  const m = /^rows\.(\d+)\.(.+)$/.exec(path);
  return m ? { row: Number(m[1]), field: m[2] } : { row: null, field: path };
}

/** A row problem of the import (the server's English message) in the user's language. */
function useRowMessage() {
  const { t } = useTranslation('linkage');
  return (m: string): string => {
    let x: RegExpExecArray | null;
    if (m === 'required') return t('required');
    if (m === 'before the received time') return t('msg.beforeReceived');
    if ((x = /^(.+): no unit with this code or name$/.exec(m))) return t('msg.noUnit', { unit: x[1] });
    if ((x = /^(.+): several units have this name/.exec(m))) return t('msg.ambiguousUnit', { unit: x[1] });
    if ((x = /^'(.*)' is not a time/.exec(m))) return t('msg.notTime', { raw: x[1] });
    if ((x = /^'(.*)' is not a date/.exec(m))) return t('msg.notDate', { raw: x[1] });
    if ((x = /^'(.*)' is not one of (.+)$/.exec(m))) return t('msg.notOneOf', { raw: x[1], list: x[2] });
    if ((x = /^(.+) is also in row (\d+)$/.exec(m))) return t('msg.duplicate', { id: x[1], row: x[2] });
    return detailMessage(m);
  };
}

/** A rate as `87.5%（7/8）`, or "no data" when its denominator is 0. */
export function RateCell({ r }: { r?: Pick<LinkageRate, 'rate' | 'numerator' | 'denominator'> }) {
  const { t } = useTranslation('linkage');
  if (!r) return <Typography.Text type="secondary">—</Typography.Text>;
  if (r.rate === null)
    return (
      <Tooltip title={t('rates.noneHelp')}>
        <Typography.Text type="secondary">{t('rates.none')}</Typography.Text>
      </Tooltip>
    );
  return (
    <span>
      {t('percent', { v: r.rate.toFixed(1) })}{' '}
      <Typography.Text type="secondary">
        ({+r.numerator.toFixed(2)}/{r.denominator})
      </Typography.Text>
    </span>
  );
}

/** Rates per unit and period, one column per metric of the sources present. */
function RatesTable({ batch, onClear }: { batch: LinkageBatch | null; onClear: () => void }) {
  const { t, i18n } = useTranslation('linkage');
  const [granularity, setGranularity] = useState<Granularity>('month');
  const q = useQuery({
    queryKey: ['linkage-rates', granularity, batch?.id],
    queryFn: () =>
      api.get<{ items: LinkageRate[] }>(
        `/api/linkage/rates?granularity=${granularity}${batch ? `&batchId=${batch.id}` : ''}`,
      ),
  });
  const items = q.data?.items ?? [];
  const groups = new Map<
    string,
    { key: string; unit: string; period: string; rates: Partial<Record<LinkageMetric, LinkageRate>> }
  >();
  for (const r of items) {
    const key = `${r.unitId}|${r.period}`;
    let g = groups.get(key);
    if (!g)
      groups.set(
        key,
        (g = { key, unit: pick(i18n.language, r.unitName, r.unitNameEn), period: r.period, rates: {} }),
      );
    g.rates[r.metric] = r;
  }
  const sources = new Set(items.map((r) => METRIC_SOURCE[r.metric]));
  const metrics = LINKAGE_METRICS.filter((m) => sources.has(METRIC_SOURCE[m]));
  return (
    <Card
      size="small"
      title={batch ? t('rates.forBatch', { file: batch.filename }) : t('rates.title')}
      extra={
        <Space>
          {batch && (
            <Button size="small" onClick={onClear}>
              {t('rates.all')}
            </Button>
          )}
          <Select
            size="small"
            aria-label={t('rates.granularityLabel')}
            value={granularity}
            onChange={setGranularity}
            options={(['month', 'quarter', 'year'] as const).map((g) => ({
              value: g,
              label: t(`rates.granularity.${g}`),
            }))}
            data-testid="rates-granularity"
          />
        </Space>
      }
    >
      {q.error && <Alert type="error" showIcon message={errorText(q.error)} />}
      <Table
        size="small"
        rowKey="key"
        loading={q.isLoading}
        dataSource={[...groups.values()]}
        pagination={{ pageSize: 20, hideOnSinglePage: true }}
        locale={{ emptyText: t('rates.empty') }}
        data-testid="rates-table"
        columns={[
          { title: t('rates.unit'), dataIndex: 'unit' },
          { title: t('rates.period'), dataIndex: 'period' },
          ...metrics.map((m) => ({
            key: m,
            title: <Tooltip title={t(`metricHelp.${m}`)}>{t(`metric.${m}`)}</Tooltip>,
            render: (_: unknown, g: { rates: Partial<Record<LinkageMetric, LinkageRate>> }) => (
              <RateCell r={g.rates[m]} />
            ),
          })),
        ]}
      />
    </Card>
  );
}

/**
 * The office imports 12345 work orders and 好差评 reviews: upload, preview with every problem by sheet
 * row, one all-or-nothing commit; the batches so far and the rates computed from all stored records.
 * Units (and anyone the server does not let import) see only the rates, of their own units.
 */
export function ImportTab({ canImport }: { canImport: boolean }) {
  const { t, i18n } = useTranslation('linkage');
  const qc = useQueryClient();
  const [source, setSource] = useState<Source>('hotline');
  const [file, setFile] = useState<File | null>(null);
  const [preview, setPreview] = useState<LinkageImportReply | null>(null);
  const [done, setDone] = useState<LinkageImportReply | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [jobId, setJobId] = useState<string>();
  const [batch, setBatch] = useState<LinkageBatch | null>(null);
  const rowMessage = useRowMessage();
  const batches = useQuery({
    queryKey: ['linkage-batches'],
    queryFn: () => api.get<{ items: LinkageBatch[] }>('/api/linkage/batches'),
    enabled: canImport,
  });

  const send = <T,>(step: 'preview' | 'commit', f: File) => {
    const body = new FormData();
    body.append('file', f, f.name);
    return api.post<T>(`/api/linkage/import/${source}/${step}`, body);
  };
  const check = async (f: File) => {
    setFile(f);
    setPreview(null);
    setDone(null);
    setError(null);
    setJobId(undefined);
    setBusy(true);
    try {
      setPreview(await send<LinkageImportReply>('preview', f));
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  };
  // The commit runs as a durable job: the bar follows it, its result is the import's answer.
  const commit = async () => {
    if (!file) return;
    setBusy(true);
    setError(null);
    try {
      setJobId((await send<JobAccepted>('commit', file)).jobId);
    } catch (e) {
      setError(errorText(e));
      setBusy(false);
    }
  };
  const committed = useCallback(
    (job: JobOf<'linkage.import'>) => {
      setBusy(false);
      if (job.state !== 'completed' || !job.result) return; // the bar shows the reason
      setDone(job.result);
      setPreview(null);
      void qc.invalidateQueries({ queryKey: ['linkage-batches'] });
      void qc.invalidateQueries({ queryKey: ['linkage-rates'] });
    },
    [qc],
  );
  const summary = preview?.summary;

  return (
    <Space direction="vertical" style={{ width: '100%' }} size="middle">
      {canImport && (
        <Card size="small">
          <Typography.Paragraph type="secondary">{t('import.intro')}</Typography.Paragraph>
          <Space wrap>
            <Radio.Group
              value={source}
              onChange={(e) => {
                setSource(e.target.value as Source);
                setPreview(null);
                setDone(null);
              }}
              optionType="button"
              options={(['hotline', 'review'] as const).map((s) => ({ value: s, label: t(`source.${s}`) }))}
              data-testid="linkage-source"
            />
            <Upload
              accept=".xlsx,.csv"
              showUploadList={false}
              beforeUpload={(f) => {
                void check(f);
                return false;
              }}
            >
              <Button icon={<UploadOutlined />} loading={busy && !preview} data-testid="linkage-upload">
                {t('import.upload')}
              </Button>
            </Upload>
            {preview && (
              <Button
                type="primary"
                disabled={!preview.ok || (summary?.create ?? 0) + (summary?.update ?? 0) === 0}
                loading={busy}
                onClick={() => void commit()}
                data-testid="linkage-commit"
              >
                {t('import.commit')}
              </Button>
            )}
          </Space>
          {error && <Alert style={{ marginTop: 12 }} type="error" showIcon message={error} />}
          {jobId && (
            <div style={{ maxWidth: 480, marginTop: 12 }}>
              <JobProgress jobId={jobId} kind="linkage.import" onDone={committed} />
            </div>
          )}
          {done && (
            <Alert
              style={{ marginTop: 12 }}
              type="success"
              showIcon
              data-testid="linkage-done"
              message={done.batchId ? t('import.done', done.summary) : t('import.nothing')}
            />
          )}
          {preview && (
            <div style={{ marginTop: 12 }} data-testid="linkage-preview">
              <Alert
                type={preview.ok ? 'info' : 'error'}
                showIcon
                message={
                  preview.ok
                    ? t('import.ok', { n: preview.rows.length })
                    : t('import.problems', { n: preview.errors.length })
                }
                description={
                  <>
                    {t('import.summary', preview.summary)}
                    {preview.ignoredColumns.length > 0 && (
                      <div>{t('import.ignored', { cols: preview.ignoredColumns.join('、') })}</div>
                    )}
                  </>
                }
              />
              {preview.errors.length > 0 ? (
                <Table
                  style={{ marginTop: 8 }}
                  size="small"
                  rowKey={(e) => e.path}
                  dataSource={preview.errors}
                  pagination={{ pageSize: 10, hideOnSinglePage: true }}
                  columns={[
                    { title: t('import.row'), render: (_, e) => splitPath(e.path).row ?? '—', width: 70 },
                    {
                      title: t('import.field'),
                      render: (_, e) => {
                        const f = splitPath(e.path).field;
                        return i18n.exists(`linkage:columns.${f}`)
                          ? t(`columns.${f}` as 'columns.id')
                          : fieldLabel(f);
                      },
                    },
                    { title: t('import.problem'), render: (_, e) => rowMessage(e.message) },
                  ]}
                />
              ) : (
                <Table
                  style={{ marginTop: 8 }}
                  size="small"
                  rowKey="row"
                  dataSource={preview.rows.filter((r) => r.action !== 'unchanged')}
                  pagination={{ pageSize: 10, hideOnSinglePage: true }}
                  columns={[
                    { title: t('import.row'), dataIndex: 'row', width: 70 },
                    { title: t('import.key'), dataIndex: 'key' },
                    {
                      title: t('import.action'),
                      render: (_, r) => (
                        <Tag color={ACTION_COLOR[r.action]}>{t(`import.actions.${r.action}`)}</Tag>
                      ),
                    },
                    { title: t('import.changes'), render: (_, r) => r.changes.join('、') },
                  ]}
                />
              )}
            </div>
          )}
        </Card>
      )}
      {canImport && (
        <Card size="small" title={t('batches.title')}>
          <Table
            size="small"
            rowKey="id"
            loading={batches.isLoading}
            dataSource={batches.data?.items ?? []}
            pagination={{ pageSize: 5, hideOnSinglePage: true }}
            locale={{ emptyText: t('batches.empty') }}
            data-testid="linkage-batches"
            columns={[
              { title: t('batches.at'), render: (_, b) => fmtDateTime(b.importedAt) },
              { title: t('batches.file'), render: (_, b) => `${b.filename} · ${t(`source.${b.source}`)}` },
              { title: t('batches.rows'), dataIndex: 'rows' },
              {
                title: t('batches.counts'),
                render: (_, b) => `${b.created} / ${b.updated} / ${b.unchanged}`,
              },
              { title: t('batches.by'), dataIndex: 'importedBy' },
              {
                key: 'rates',
                render: (_, b) => (
                  <Button size="small" type="link" onClick={() => setBatch(b)}>
                    {t('batches.showRates')}
                  </Button>
                ),
              },
            ]}
          />
        </Card>
      )}
      <RatesTable batch={batch} onClear={() => setBatch(null)} />
    </Space>
  );
}

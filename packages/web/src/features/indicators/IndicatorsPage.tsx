import { useState } from 'react';
import {
  Alert,
  App,
  Button,
  Card,
  Checkbox,
  Descriptions,
  Drawer,
  Input,
  Modal,
  Space,
  Table,
  Tag,
  Typography,
} from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { useCrumbs } from '../../console/crumbs';
import { errorText } from '../../console/errors';
import { pick } from '../../i18n';
import { api, qs } from '../../shared/api';
import { fmtDate, fmtNum } from '../../shared/format';
import { ruleSummary } from '../plans/ruleSummary';
import type { IndicatorDetailReply, IndicatorEntry, IndicatorList, ListedIndicator } from './api';
import { IndicatorFilters } from './IndicatorFilters';
import { IndicatorForm } from './IndicatorForm';
import { RubricView } from './RubricView';
import { PerformancePanel } from './PerformancePanel';

const STATUS_COLOR = { active: 'green', superseded: 'default', retired: 'red' } as const;

/** The indicator library: search, read each indicator's versions and usage; the office edits. */
export default function IndicatorsPage() {
  const { t } = useTranslation('indicators');
  useCrumbs([{ title: t('title') }]);
  const [q, setQ] = useState('');
  const [category, setCategory] = useState<string | undefined>();
  const [retired, setRetired] = useState(false);
  const [open, setOpen] = useState<string | null>(null);
  const [form, setForm] = useState<{ entry?: IndicatorEntry } | null>(null);
  const list = useQuery({
    queryKey: ['indicators', q, category, retired],
    queryFn: () =>
      api.get<IndicatorList>(
        `/api/indicators${qs({ q: q.trim() || undefined, category, includeRetired: retired ? 'true' : undefined })}`,
      ),
    placeholderData: (prev) => prev,
  });
  const columns = useColumns();
  return (
    <Card
      title={t('title')}
      extra={
        list.data?.canEdit && (
          <Button
            type="primary"
            icon={<PlusOutlined />}
            onClick={() => setForm({})}
            data-testid="indicator-create"
          >
            {t('create')}
          </Button>
        )
      }
    >
      <Typography.Paragraph type="secondary">{t('intro')}</Typography.Paragraph>
      <IndicatorFilters
        onSearch={setQ}
        category={category}
        onCategory={setCategory}
        testId="indicator-search"
      >
        <Checkbox checked={retired} onChange={(e) => setRetired(e.target.checked)}>
          {t('includeRetired')}
        </Checkbox>
      </IndicatorFilters>
      {list.error && <Alert type="error" showIcon message={errorText(list.error)} />}
      <Table<ListedIndicator>
        rowKey="code"
        size="small"
        loading={list.isLoading}
        dataSource={list.data?.items ?? []}
        pagination={{ pageSize: 20 }}
        onRow={(r) => ({ onClick: () => setOpen(r.code), style: { cursor: 'pointer' } })}
        columns={[
          ...columns,
          { title: t('plans'), dataIndex: 'planCount', width: 80, align: 'right' as const },
        ]}
        data-testid="indicator-list"
      />
      <IndicatorDrawer code={open} onClose={() => setOpen(null)} onRevise={(entry) => setForm({ entry })} />
      <IndicatorForm open={form !== null} entry={form?.entry} onClose={() => setForm(null)} />
    </Card>
  );
}

/** Columns shared by the library page and the plan editor's picker. */
export function useColumns() {
  const { t, i18n } = useTranslation('indicators');
  const lang = i18n.language;
  return [
    { title: t('code'), dataIndex: 'code', width: 200 },
    {
      title: t('name'),
      key: 'name',
      render: (_: unknown, r: IndicatorEntry) => (
        <Space size={4}>
          {pick(lang, r.name, r.nameEn)}
          {r.status !== 'active' && <Tag color={STATUS_COLOR[r.status]}>{t(`statuses.${r.status}`)}</Tag>}
        </Space>
      ),
    },
    {
      title: t('category'),
      dataIndex: 'category',
      width: 130,
      render: (c: string) => t(`categories.${c}`),
    },
    { title: t('unit'), dataIndex: 'unit', width: 80 },
    {
      title: t('polarity'),
      dataIndex: 'polarity',
      width: 100,
      render: (p: string) => t(`polarities.${p}`),
    },
    {
      title: t('weightRange'),
      key: 'w',
      width: 90,
      render: (_: unknown, r: IndicatorEntry) => `${fmtNum(r.weightMin)}–${fmtNum(r.weightMax)}`,
    },
    {
      title: t('owner'),
      key: 'owner',
      width: 170,
      render: (_: unknown, r: IndicatorEntry) => pick(lang, r.ownerName, r.ownerNameEn),
    },
    { title: t('version'), dataIndex: 'version', width: 60, render: (v: number) => `v${v}` },
  ];
}

/** Every field of one version. */
export function EntryDescriptions({ e }: { e: IndicatorEntry }) {
  const { t, i18n } = useTranslation('indicators');
  const lang = i18n.language;
  return (
    <>
      <Descriptions size="small" column={2} bordered>
        <Descriptions.Item label={t('code')}>{e.code}</Descriptions.Item>
        <Descriptions.Item label={t('version')}>
          v{e.version} <Tag color={STATUS_COLOR[e.status]}>{t(`statuses.${e.status}`)}</Tag>
        </Descriptions.Item>
        <Descriptions.Item label={t('category')}>{t(`categories.${e.category}`)}</Descriptions.Item>
        <Descriptions.Item label={t('measure')}>{t(`measures.${e.measure}`)}</Descriptions.Item>
        <Descriptions.Item label={t('definition')} span={2}>
          {pick(lang, e.definition, e.definitionEn)}
        </Descriptions.Item>
        <Descriptions.Item label={t('formula')} span={2}>
          {e.formula ?? '—'}
        </Descriptions.Item>
        <Descriptions.Item label={t('unit')}>{e.unit ?? '—'}</Descriptions.Item>
        <Descriptions.Item label={t('polarity')}>{t(`polarities.${e.polarity}`)}</Descriptions.Item>
        <Descriptions.Item label={t('dataSource')}>{e.dataSource ?? '—'}</Descriptions.Item>
        <Descriptions.Item label={t('owner')}>
          {pick(lang, e.ownerName, e.ownerNameEn) || '—'}
        </Descriptions.Item>
        <Descriptions.Item label={t('frequency')}>{t(`frequencies.${e.frequency}`)}</Descriptions.Item>
        <Descriptions.Item label={t('weightRange')}>
          {fmtNum(e.weightMin)}–{fmtNum(e.weightMax)}
        </Descriptions.Item>
        <Descriptions.Item label={t('ruleTemplate')} span={2}>
          {e.ruleTemplate ? ruleSummary(t, e.ruleTemplate) : '—'}
        </Descriptions.Item>
        <Descriptions.Item label={t('mission')} span={2}>
          {e.mission}
        </Descriptions.Item>
        {e.changeNote && (
          <Descriptions.Item label={t('changeNote')} span={2}>
            {e.changeNote}
          </Descriptions.Item>
        )}
        {e.retiredReason && (
          <Descriptions.Item label={t('retireReason')} span={2}>
            {e.retiredReason}
          </Descriptions.Item>
        )}
      </Descriptions>
      <div style={{ marginTop: 8 }}>
        <RubricView rubric={e.rubric} />
      </div>
    </>
  );
}

function IndicatorDrawer({
  code,
  onClose,
  onRevise,
}: {
  code: string | null;
  onClose: () => void;
  onRevise: (e: IndicatorEntry) => void;
}) {
  const { t, i18n } = useTranslation('indicators');
  const lang = i18n.language;
  const { message } = App.useApp();
  const qc = useQueryClient();
  const [retireOpen, setRetireOpen] = useState(false);
  const [reason, setReason] = useState('');
  const detail = useQuery({
    queryKey: ['indicators', 'detail', code],
    queryFn: () => api.get<IndicatorDetailReply>(`/api/indicators/${encodeURIComponent(code!)}`),
    enabled: !!code,
  });
  const retire = useMutation({
    mutationFn: () =>
      api.post<{ entry: IndicatorEntry }>(`/api/indicators/${encodeURIComponent(code!)}/retire`, {
        version: detail.data!.entry.version,
        reason: reason.trim(),
      }),
    onSuccess: () => {
      setRetireOpen(false);
      void message.success(t('retiredOk', { code }));
      void qc.invalidateQueries({ queryKey: ['indicators'] });
    },
    onError: (e) => void message.error(errorText(e)),
  });
  const d = detail.data;
  return (
    <Drawer
      open={!!code}
      width={860}
      onClose={onClose}
      title={d ? `${pick(lang, d.entry.name, d.entry.nameEn)} · ${d.entry.code}` : code}
      extra={
        d?.canEdit &&
        d.entry.status === 'active' && (
          <Space>
            <Button onClick={() => onRevise(d.entry)} data-testid="indicator-revise">
              {t('revise')}
            </Button>
            <Button danger onClick={() => setRetireOpen(true)}>
              {t('retire')}
            </Button>
          </Space>
        )
      }
    >
      {detail.error && <Alert type="error" showIcon message={errorText(detail.error)} />}
      {d && (
        <Space direction="vertical" style={{ width: '100%' }} size="middle">
          <EntryDescriptions e={d.entry} />
          <Typography.Title level={5}>{t('usage')}</Typography.Title>
          <Typography.Text type="secondary">{t('usageIntro')}</Typography.Text>
          <Table
            size="small"
            rowKey={(r) => `${r.cycleId}-${r.version}`}
            pagination={false}
            dataSource={d.usage.counts}
            locale={{ emptyText: t('noUsage') }}
            columns={[
              {
                title: t('cycle'),
                key: 'c',
                render: (_: unknown, r) => pick(lang, r.cycleName, r.cycleNameEn),
              },
              { title: t('version'), dataIndex: 'version', render: (v: number) => `v${v}` },
              { title: t('plans'), dataIndex: 'plans', align: 'right' as const },
            ]}
            data-testid="indicator-usage-counts"
          />
          <Table
            size="small"
            rowKey={(r) => `${r.planId}-${r.nodeCode}`}
            pagination={{ pageSize: 10 }}
            dataSource={d.usage.items}
            locale={{ emptyText: t('noUsage') }}
            columns={[
              {
                title: t('cycle'),
                key: 'c',
                render: (_: unknown, r) => pick(lang, r.cycleName, r.cycleNameEn),
              },
              {
                title: t('appraisee'),
                key: 'a',
                render: (_: unknown, r) => pick(lang, r.appraiseeName, r.appraiseeNameEn),
              },
              {
                title: t('plan'),
                key: 'p',
                render: (_: unknown, r) => (
                  <Link to={`/plans/${r.planId}`}>{pick(lang, r.planTitle, r.planTitleEn)}</Link>
                ),
              },
              { title: t('node'), dataIndex: 'nodeCode', width: 70 },
              { title: t('version'), dataIndex: 'version', width: 60, render: (v: number) => `v${v}` },
              { title: t('weight'), dataIndex: 'weight', width: 60 },
              { title: t('target'), dataIndex: 'target', width: 70, render: (v: number | null) => fmtNum(v) },
            ]}
            data-testid="indicator-usage"
          />
          <Typography.Title level={5}>{t('perf.title')}</Typography.Title>
          <PerformancePanel code={d.entry.code} unit={d.entry.unit} />
          <Typography.Title level={5}>{t('versions')}</Typography.Title>
          <Table
            size="small"
            rowKey="id"
            pagination={false}
            dataSource={d.versions}
            expandable={{ expandedRowRender: (v) => <EntryDescriptions e={v} /> }}
            columns={[
              { title: t('version'), dataIndex: 'version', width: 70, render: (v: number) => `v${v}` },
              {
                title: t('status'),
                dataIndex: 'status',
                width: 100,
                render: (s: IndicatorEntry['status']) => (
                  <Tag color={STATUS_COLOR[s]}>{t(`statuses.${s}`)}</Tag>
                ),
              },
              { title: t('changeNote'), dataIndex: 'changeNote' },
              { title: '', dataIndex: 'createdAt', width: 110, render: (v: string) => fmtDate(v) },
            ]}
            data-testid="indicator-versions"
          />
        </Space>
      )}
      <Modal
        open={retireOpen}
        title={t('retire')}
        onCancel={() => setRetireOpen(false)}
        onOk={() => retire.mutate()}
        okButtonProps={{ disabled: !reason.trim(), danger: true }}
        confirmLoading={retire.isPending}
      >
        <Input.TextArea
          rows={3}
          placeholder={t('retireReason')}
          value={reason}
          onChange={(e) => setReason(e.target.value)}
        />
      </Modal>
    </Drawer>
  );
}

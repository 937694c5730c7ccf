import { useState } from 'react';
import { Alert, Card, Empty, Space, Switch, Table, Tag, Typography } from 'antd';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { errorText } from '../../console/errors';
import { api } from '../../shared/api';
import { fmtNum } from '../../shared/format';
import type { Cycle } from '@perfcommons/contracts';
import type { RaterQualityReply as RaterQuality } from '@perfcommons/contracts';

type RaterRow = RaterQuality['raters'][number];

/** Krippendorff's customary thresholds: 0.8 reliable, 0.667 the lowest for tentative conclusions. */
function AlphaTag({ alpha }: { alpha: number | null }) {
  const { t } = useTranslation('evaluation');
  if (alpha === null) return <Tag>{t('quality.alphaNone')}</Tag>;
  const [color, label] =
    alpha >= 0.8 ? ['green', 'alphaGood'] : alpha >= 0.667 ? ['gold', 'alphaFair'] : ['red', 'alphaLow'];
  return (
    <Space size={6}>
      <strong>{fmtNum(alpha, 3)}</strong>
      <Tag color={color}>{t(`quality.${label}`)}</Tag>
    </Space>
  );
}

/** A deviation bar centred on zero: right (green) for lenient, left (red) for severe. */
function DeviationBar({ value, max }: { value: number; max: number }) {
  const half = 60;
  const w = Math.min(half, (Math.abs(value) / Math.max(max, 1)) * half);
  return (
    <span style={{ display: 'inline-flex', alignItems: 'center', gap: 8 }}>
      <span
        aria-hidden="true"
        style={{ position: 'relative', width: half * 2, height: 10, background: '#f0f0f0', borderRadius: 2 }}
      >
        <span
          style={{ position: 'absolute', left: half, top: -2, width: 1, height: 14, background: '#8c8c8c' }}
        />
        <span
          style={{
            position: 'absolute',
            top: 0,
            height: 10,
            width: w,
            left: value >= 0 ? half : half - w,
            background: value > 5 ? '#d48806' : value < -5 ? '#cf1322' : '#1d4f7a',
            borderRadius: 2,
          }}
        />
      </span>
      <span style={{ minWidth: 48, textAlign: 'right' }}>
        {value > 0 ? '+' : ''}
        {fmtNum(value, 2)}
      </span>
    </span>
  );
}

export function QualityTab({ cycle }: { cycle: Cycle }) {
  const { t } = useTranslation('evaluation');
  const [flagged, setFlagged] = useState(false);
  const q = useQuery({
    queryKey: ['rater-quality', cycle.id],
    queryFn: () => api.get<RaterQuality>(`/api/cycles/${cycle.id}/rater-quality`),
  });
  const raters = (q.data?.raters ?? []).filter((r) => !flagged || r.flag);
  const max = Math.max(5, ...(q.data?.raters ?? []).map((r) => Math.abs(r.meanDeviation)));

  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }}>
      <Alert type="info" showIcon message={t('quality.title')} description={t('quality.explain')} />
      {q.error && <Alert type="error" message={errorText(q.error)} />}
      {q.data && q.data.panels.length === 0 && <Empty description={t('quality.none')} />}
      {(q.data?.panels.length ?? 0) > 0 && (
        <>
          <Card title={t('quality.panels')} size="small">
            <Table
              rowKey="subjectType"
              size="small"
              pagination={false}
              dataSource={q.data!.panels}
              data-testid="quality-panels"
              columns={[
                {
                  title: t('quality.subject'),
                  dataIndex: 'subjectType',
                  render: (v: string) => <Tag color="blue">{t(`common:subject.${v}`)}</Tag>,
                },
                { title: t('quality.units'), dataIndex: 'units' },
                { title: t('quality.raters'), dataIndex: 'raters' },
                { title: t('quality.ratings'), dataIndex: 'ratings' },
                {
                  title: t('quality.alpha'),
                  dataIndex: 'alpha',
                  render: (v: number | null) => <AlphaTag alpha={v} />,
                },
              ]}
            />
          </Card>
          <Card
            title={t('quality.leniency')}
            size="small"
            extra={
              <Space>
                <Typography.Text>{t('quality.onlyFlagged')}</Typography.Text>
                <Switch size="small" checked={flagged} onChange={setFlagged} data-testid="quality-flagged" />
              </Space>
            }
          >
            <Table<RaterRow>
              rowKey={(r) => `${r.raterId}|${r.subjectType}`}
              size="small"
              dataSource={raters}
              data-testid="quality-raters"
              pagination={{ defaultPageSize: 15, showTotal: (total) => t('console:common.total', { total }) }}
              columns={[
                {
                  title: t('quality.rater'),
                  render: (_, r) => (
                    <span>
                      {r.displayName} <Typography.Text type="secondary">({r.username})</Typography.Text>
                    </span>
                  ),
                },
                {
                  title: t('quality.subject'),
                  dataIndex: 'subjectType',
                  filters: [...new Set((q.data?.raters ?? []).map((r) => r.subjectType))].map((s) => ({
                    text: t(`common:subject.${s}`),
                    value: s,
                  })),
                  onFilter: (v, r) => r.subjectType === v,
                  render: (v: string) => t(`common:subject.${v}`),
                },
                { title: t('quality.n'), dataIndex: 'n', width: 90, sorter: (a, b) => a.n - b.n },
                {
                  title: t('quality.deviation'),
                  dataIndex: 'meanDeviation',
                  sorter: (a, b) => a.meanDeviation - b.meanDeviation,
                  render: (v: number) => <DeviationBar value={v} max={max} />,
                },
                {
                  title: t('quality.flag'),
                  dataIndex: 'flag',
                  width: 100,
                  render: (v: RaterRow['flag']) =>
                    v === 'lenient' ? (
                      <Tag color="orange">{t('quality.lenient')}</Tag>
                    ) : v === 'severe' ? (
                      <Tag color="red">{t('quality.severe')}</Tag>
                    ) : (
                      <Typography.Text type="secondary">{t('quality.ok')}</Typography.Text>
                    ),
                },
              ]}
            />
          </Card>
        </>
      )}
    </Space>
  );
}

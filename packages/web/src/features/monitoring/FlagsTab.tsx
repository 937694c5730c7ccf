import { Card, Space, Table, Tag, Tooltip, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { pick } from '../../i18n';
import { fmtNum } from '../../shared/format';
import type { FlagsReply, PlanBenford as Benford, ValueFlags as FlagItem } from '@perfcommons/contracts';
import { useMonitoring } from './api';

/** Anomaly flags of reported values and the first-digit test per plan. */
export function FlagsTab({ cycleId }: { cycleId?: string }) {
  const { t, i18n } = useTranslation('monitoring');
  const lang = i18n.language;
  const q = useMonitoring<FlagsReply>('flags', cycleId, `/api/monitoring/flags?cycleId=${cycleId}`);
  return (
    <Space direction="vertical" style={{ width: '100%' }} size="large">
      <Table<FlagItem>
        rowKey="valueId"
        size="small"
        loading={q.isLoading}
        dataSource={q.data?.items ?? []}
        data-testid="flags-table"
        columns={[
          {
            title: t('appraisee'),
            key: 'a',
            render: (_, r) => pick(lang, r.appraiseeName, r.appraiseeNameEn),
          },
          {
            title: t('indicator'),
            key: 'i',
            render: (_, r) => `${r.indicatorCode} ${pick(lang, r.indicatorName, r.indicatorNameEn)}`,
          },
          { title: t('period'), dataIndex: 'period' },
          {
            title: t('actual'),
            dataIndex: 'value',
            render: (v: number | null) => (v == null ? '—' : fmtNum(v, 4)),
          },
          {
            title: t('tabs.flags'),
            key: 'f',
            render: (_, r) =>
              r.flags.map((f) => (
                <Tooltip key={f.kind} title={f.message}>
                  <Tag color="orange">{t(`flagKind.${f.kind}`)}</Tag>
                </Tooltip>
              )),
          },
          {
            title: t('valueStatus'),
            dataIndex: 'status',
            render: (s: string) => <Tag>{t(`valueStatus.${s}`, { ns: 'common', defaultValue: s })}</Tag>,
          },
          {
            title: '',
            key: 'o',
            render: (_, r) => <Link to={`/verify?planId=${r.planId}&cycleId=${cycleId}`}>{t('open')}</Link>,
          },
        ]}
      />
      <Card size="small" title={t('benford')}>
        <Typography.Paragraph type="secondary">{t('benfordHint')}</Typography.Paragraph>
        <Table<Benford>
          rowKey="planId"
          size="small"
          dataSource={(q.data?.benford ?? []).slice().sort((a, b) => (b.mad ?? 0) - (a.mad ?? 0))}
          pagination={{ pageSize: 10 }}
          columns={[
            {
              title: t('appraisee'),
              key: 'a',
              render: (_, r) => pick(lang, r.appraiseeName, r.appraiseeNameEn),
            },
            { title: t('benfordN'), dataIndex: 'n' },
            {
              title: 'χ²',
              dataIndex: 'chiSquare',
              render: (v: number | null) => (v == null ? '—' : fmtNum(v, 2)),
            },
            {
              title: 'MAD',
              dataIndex: 'mad',
              render: (v: number | null) => (v == null ? '—' : fmtNum(v, 4)),
            },
            {
              title: t('status'),
              key: 'c',
              render: (_, r) => (
                <Space size={4}>
                  {t(`conformity.${r.conformity}`)}
                  {r.flagged && <Tag color="red">{t('flagged')}</Tag>}
                </Space>
              ),
            },
          ]}
        />
      </Card>
    </Space>
  );
}

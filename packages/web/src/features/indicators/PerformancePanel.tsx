import { useMemo, useState } from 'react';
import { Alert, Descriptions, Select, Space, Table, Typography } from 'antd';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { HistoryReply, PeersReply } from '@perfcommons/contracts';
import { useCycles, useOrgs } from '../../console/queries';
import { errorText } from '../../console/errors';
import { pick } from '../../i18n';
import { api, qs } from '../../shared/api';
import { fmtNum, peerGroupLabel } from '../../shared/format';

/**
 * The performance database of one library indicator: a peer group's values in a cycle with quartiles and
 * the best performer, and one appraisee's history by year with its trend. Others' values of a cycle not
 * yet published are withheld by the server.
 */
export function PerformancePanel({ code, unit }: { code: string; unit: string | null }) {
  const { t, i18n } = useTranslation('indicators');
  const lang = i18n.language;
  const cycles = useCycles();
  const orgs = useOrgs();
  const annual = useMemo(
    () =>
      (cycles.data ?? [])
        .filter((c) => c.type !== 'term')
        .sort((a, b) => b.periodStart.localeCompare(a.periodStart)),
    [cycles.data],
  );
  const groups = useMemo(
    () => [...new Set((orgs.data ?? []).map((o) => o.peerGroup).filter((g): g is string => !!g))].sort(),
    [orgs.data],
  );
  const [cycleId, setCycleId] = useState<string | undefined>();
  const [group, setGroup] = useState<string | undefined>();
  const [unitId, setUnitId] = useState<string | undefined>();
  const cycle = cycleId ?? annual.find((c) => c.resultsPublishedAt)?.id;
  const peerGroup = group ?? groups[0];
  const peers = useQuery({
    queryKey: ['performance', 'peers', code, cycle, peerGroup],
    queryFn: () =>
      api.get<PeersReply>(`/api/performance/peers${qs({ libraryCode: code, cycleId: cycle, peerGroup })}`),
    enabled: !!cycle && !!peerGroup,
  });
  const history = useQuery({
    queryKey: ['performance', 'history', code, unitId],
    queryFn: () =>
      api.get<HistoryReply>(`/api/performance/history${qs({ libraryCode: code, orgUnitId: unitId })}`),
    enabled: !!unitId,
  });
  const u = unit ?? '';
  const p = peers.data;
  return (
    <Space direction="vertical" style={{ width: '100%' }} data-testid="performance-panel">
      <Typography.Text type="secondary">{t('perf.intro')}</Typography.Text>
      <Space wrap>
        <Select
          style={{ width: 200 }}
          value={cycle}
          onChange={setCycleId}
          options={annual.map((c) => ({ value: c.id, label: pick(lang, c.name, c.nameEn) }))}
        />
        <Select
          style={{ width: 160 }}
          data-testid="performance-group"
          value={peerGroup}
          onChange={setGroup}
          options={groups.map((g) => ({ value: g, label: peerGroupLabel(t, g) }))}
        />
      </Space>
      {peers.error && <Alert type="error" showIcon message={errorText(peers.error)} />}
      {p?.withheld && <Alert type="info" showIcon message={t('aid.withheld')} />}
      {p?.quartiles && (
        <Descriptions size="small" column={3} bordered>
          <Descriptions.Item label={t('aid.q1')}>{fmtNum(p.quartiles.q1)}</Descriptions.Item>
          <Descriptions.Item label={t('aid.median')}>{fmtNum(p.quartiles.median)}</Descriptions.Item>
          <Descriptions.Item label={t('aid.q3')}>{fmtNum(p.quartiles.q3)}</Descriptions.Item>
          {p.best && (
            <Descriptions.Item label={t('aid.best')} span={3}>
              {fmtNum(p.best.value)}
              {u} · {pick(lang, p.best.appraiseeName, p.best.appraiseeNameEn)}
            </Descriptions.Item>
          )}
        </Descriptions>
      )}
      {p && !p.withheld && (
        <Table
          size="small"
          rowKey="planId"
          pagination={false}
          dataSource={p.values}
          locale={{ emptyText: t('aid.noPeers') }}
          onRow={(r) => ({
            onClick: () => setUnitId(r.orgUnitId),
            style: { cursor: 'pointer' },
          })}
          columns={[
            {
              title: t('appraisee'),
              key: 'a',
              render: (_: unknown, r) => pick(lang, r.appraiseeName, r.appraiseeNameEn),
            },
            {
              title: t('aid.value'),
              dataIndex: 'value',
              align: 'right' as const,
              render: (v: number) => `${fmtNum(v)}${u}`,
            },
          ]}
          data-testid="performance-peers"
        />
      )}
      <Typography.Text strong>{t('perf.history')}</Typography.Text>
      <Select
        showSearch
        allowClear
        optionFilterProp="label"
        style={{ width: 280 }}
        placeholder={t('appraisee')}
        value={unitId}
        onChange={setUnitId}
        options={(orgs.data ?? [])
          .filter((o) => o.kind !== 'government')
          .map((o) => ({ value: o.id, label: pick(lang, o.name, o.nameEn) }))}
      />
      {history.error && <Alert type="error" showIcon message={errorText(history.error)} />}
      {history.data && (
        <>
          <Table
            size="small"
            rowKey={(r) => `${r.cycleId}-${r.period}`}
            pagination={false}
            dataSource={history.data.points}
            locale={{ emptyText: t('aid.noHistory') }}
            columns={[
              {
                title: t('cycle'),
                key: 'c',
                render: (_: unknown, r) => pick(lang, r.cycleName, r.cycleNameEn),
              },
              { title: t('perf.period'), dataIndex: 'period' },
              {
                title: t('aid.value'),
                dataIndex: 'value',
                align: 'right' as const,
                render: (v: number) => `${fmtNum(v)}${u}`,
              },
              {
                title: t('target'),
                dataIndex: 'target',
                align: 'right' as const,
                render: (v: number | null) => fmtNum(v),
              },
              {
                title: t('status'),
                dataIndex: 'status',
                render: (s: string) => t(`common:valueStatus.${s}`, { defaultValue: s }),
              },
            ]}
            data-testid="performance-history"
          />
          {history.data.trend && (
            <Typography.Text>
              {t('aid.trend', { slope: fmtNum(history.data.trend.slope), r2: fmtNum(history.data.trend.r2) })}{' '}
              · {t('aid.projection', { year: history.data.trend.projectionYear })}:{' '}
              {fmtNum(history.data.trend.projection)}
              {u}
            </Typography.Text>
          )}
        </>
      )}
    </Space>
  );
}

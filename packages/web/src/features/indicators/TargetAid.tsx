import { Alert, Button, Descriptions, Space, Spin, Table, Typography } from 'antd';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { TargetAidReply } from '@perfcommons/contracts';
import { pick } from '../../i18n';
import { ApiError, api, qs } from '../../shared/api';
import { fmtNum } from '../../shared/format';

/**
 * Target-setting aid of a saved leaf: the appraisee's verified values by year, the trend projection,
 * and the peer group's quartiles and best performer; any figure can be taken as the target.
 */
export function TargetAid({
  planId,
  code,
  saved,
  editable,
  onUseTarget,
}: {
  planId: string;
  code: string;
  /** Whether the leaf is stored as shown (the server reads the saved node). */
  saved: boolean;
  editable: boolean;
  onUseTarget: (value: number) => void;
}) {
  const { t, i18n } = useTranslation('indicators');
  const lang = i18n.language;
  const aid = useQuery({
    queryKey: ['target-aid', planId, code],
    queryFn: () => api.get<TargetAidReply>(`/api/plans/${planId}/target-aid${qs({ code })}`),
    enabled: saved,
    retry: false,
  });
  if (!saved) return <Typography.Text type="secondary">{t('aid.unsaved')}</Typography.Text>;
  if (aid.isLoading) return <Spin size="small" />;
  if (aid.error)
    return aid.error instanceof ApiError && aid.error.status === 404 ? (
      <Typography.Text type="secondary">{t('aid.unsaved')}</Typography.Text>
    ) : (
      <Alert type="warning" showIcon message={(aid.error as Error).message} />
    );
  const d = aid.data!;
  const unit = d.leaf.unit ?? '';
  const use = (v: number | null) =>
    editable && v !== null ? (
      <Button size="small" type="link" onClick={() => onUseTarget(Math.round(v * 100) / 100)}>
        {t('aid.useAsTarget')}
      </Button>
    ) : null;
  const fig = (v: number | null) => (v === null ? '—' : `${fmtNum(v)}${unit}`);
  const p = d.peers;
  return (
    <Space direction="vertical" style={{ width: '100%' }} data-testid="target-aid">
      <Typography.Text type="secondary" style={{ fontSize: 12 }}>
        {t('aid.intro')}
      </Typography.Text>
      {d.history.annual.length ? (
        <Table
          size="small"
          pagination={false}
          rowKey="year"
          dataSource={d.history.annual}
          columns={[
            { title: t('aid.year'), dataIndex: 'year' },
            { title: t('aid.value'), dataIndex: 'value', render: (v: number) => fig(v) },
          ]}
        />
      ) : (
        <Typography.Text type="secondary">{t('aid.noHistory')}</Typography.Text>
      )}
      <Descriptions size="small" column={1} bordered>
        <Descriptions.Item label={t('aid.latest')}>
          {fig(d.suggestion.baseline)} {use(d.suggestion.baseline)}
        </Descriptions.Item>
        {d.history.trend && (
          <Descriptions.Item label={t('aid.projection', { year: d.history.trend.projectionYear })}>
            {fig(d.history.trend.projection)} {use(d.history.trend.projection)}
            <div style={{ fontSize: 12, color: '#888' }}>
              {t('aid.trend', { slope: fmtNum(d.history.trend.slope), r2: fmtNum(d.history.trend.r2) })}
            </div>
          </Descriptions.Item>
        )}
      </Descriptions>
      {p ? (
        <>
          <Typography.Text strong>
            {t('aid.peers', { group: p.peerGroup, cycle: pick(lang, p.cycleName, p.cycleNameEn) })}
          </Typography.Text>
          {p.withheld ? (
            <Typography.Text type="secondary">{t('aid.withheld')}</Typography.Text>
          ) : p.quartiles ? (
            <Descriptions size="small" column={1} bordered data-testid="target-aid-peers">
              <Descriptions.Item label={t('aid.quartiles')}>
                {fmtNum(p.quartiles.min)} · {fmtNum(p.quartiles.q1)} · {fmtNum(p.quartiles.median)} ·{' '}
                {fmtNum(p.quartiles.q3)} · {fmtNum(p.quartiles.max)} (n = {p.quartiles.n})
              </Descriptions.Item>
              <Descriptions.Item label={t('aid.median')}>
                {fig(p.quartiles.median)} {use(p.quartiles.median)}
              </Descriptions.Item>
              <Descriptions.Item label={d.leaf.polarity === 'higher' ? t('aid.q3') : t('aid.q1')}>
                {fig(d.suggestion.peerUpperQuartile)} {use(d.suggestion.peerUpperQuartile)}
              </Descriptions.Item>
              {p.best && (
                <Descriptions.Item label={t('aid.best')}>
                  {fig(p.best.value)} · {pick(lang, p.best.appraiseeName, p.best.appraiseeNameEn)}{' '}
                  {use(p.best.value)}
                </Descriptions.Item>
              )}
            </Descriptions>
          ) : (
            <Typography.Text type="secondary">{t('aid.noPeers')}</Typography.Text>
          )}
        </>
      ) : (
        <Typography.Text type="secondary">{t('aid.noPeers')}</Typography.Text>
      )}
    </Space>
  );
}

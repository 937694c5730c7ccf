import { useState } from 'react';
import {
  Alert,
  App,
  Button,
  Card,
  Form,
  Input,
  Popconfirm,
  Select,
  Space,
  Table,
  Tag,
  Typography,
} from 'antd';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { LinkageFeedReply, LinkageMapping, LinkageMappingListReply } from '@perfcommons/contracts';
import { LINKAGE_METRICS, type LinkageMetric } from '@perfcommons/domain';
import { applyFieldErrors, errorText } from '../../console/errors';
import { usePlans } from '../../console/queries';
import { pick } from '../../i18n';
import { api } from '../../shared/api';
import { RateCell } from './ImportTab';

type Feed = LinkageFeedReply['feed'];

/**
 * The office maps indicator codes of a cycle to computed rates and feeds a period's rates into the
 * cycle's plans as reported values (verified afterwards like any value).
 */
export function FeedTab({ cycleId }: { cycleId: string }) {
  const { t, i18n } = useTranslation('linkage');
  const { message } = App.useApp();
  const qc = useQueryClient();
  const [form] = Form.useForm<{ indicatorCode: string; metric: LinkageMetric }>();
  const [period, setPeriod] = useState('');
  const [feed, setFeed] = useState<Feed | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const plans = usePlans(cycleId);
  const mappings = useQuery({
    queryKey: ['linkage-mappings', cycleId],
    queryFn: () => api.get<LinkageMappingListReply>(`/api/cycles/${cycleId}/linkage/mappings`),
  });
  const refresh = () => qc.invalidateQueries({ queryKey: ['linkage-mappings', cycleId] });
  const planName = (id: string) => {
    const p = plans.data?.find((x) => x.id === id);
    return p
      ? pick(i18n.language, p.appraiseeName ?? p.title, p.appraiseeNameEn ?? p.titleEn)
      : id.slice(0, 8);
  };

  const add = async (v: { indicatorCode: string; metric: LinkageMetric }) => {
    setError(null);
    try {
      await api.post(`/api/cycles/${cycleId}/linkage/mappings`, v);
      void message.success(t('feed.saved', { code: v.indicatorCode, metric: t(`metric.${v.metric}`) }));
      form.resetFields();
      void refresh();
    } catch (e) {
      setError(applyFieldErrors(form, e, ['indicatorCode', 'metric']).join('; ') || null);
    }
  };
  const remove = async (m: LinkageMapping) => {
    try {
      await api.del(`/api/cycles/${cycleId}/linkage/mappings/${m.id}`);
      void message.success(t('feed.removed'));
      void refresh();
    } catch (e) {
      setError(errorText(e));
    }
  };
  const run = async () => {
    setBusy(true);
    setError(null);
    try {
      const res = await api.post<LinkageFeedReply>(
        `/api/cycles/${cycleId}/linkage/feed`,
        period.trim() ? { period: period.trim() } : {},
      );
      setFeed(res.feed);
      const n = res.feed.items.filter((i) => !i.skipped).length;
      void message.success(n ? t('feed.ran', { n }) : t('feed.ranNone'));
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Space direction="vertical" style={{ width: '100%' }} size="middle">
      <Typography.Paragraph type="secondary">{t('feed.intro')}</Typography.Paragraph>
      {error && <Alert type="error" showIcon message={error} />}
      <Card size="small" title={t('feed.mappings')}>
        <Form form={form} layout="inline" onFinish={(v) => void add(v)} style={{ marginBottom: 12 }}>
          <Form.Item name="indicatorCode" rules={[{ required: true, message: t('required') }]}>
            <Input placeholder={t('feed.indicatorCode')} style={{ width: 160 }} data-testid="mapping-code" />
          </Form.Item>
          <Form.Item name="metric" rules={[{ required: true, message: t('required') }]}>
            <Select
              placeholder={t('feed.metric')}
              aria-label={t('feed.metric')}
              style={{ width: 200 }}
              options={LINKAGE_METRICS.map((m) => ({ value: m, label: t(`metric.${m}`) }))}
              data-testid="mapping-metric"
            />
          </Form.Item>
          <Button htmlType="submit" data-testid="mapping-add">
            {t('feed.add')}
          </Button>
        </Form>
        <Table
          size="small"
          rowKey="id"
          loading={mappings.isLoading}
          dataSource={mappings.data?.items ?? []}
          pagination={false}
          locale={{ emptyText: t('feed.noMappings') }}
          data-testid="mappings-table"
          columns={[
            { title: t('feed.indicatorCode'), dataIndex: 'indicatorCode' },
            { title: t('feed.metric'), render: (_, m) => t(`metric.${m.metric}`) },
            {
              key: 'remove',
              render: (_, m) => (
                <Popconfirm title={t('feed.remove')} onConfirm={() => void remove(m)}>
                  <Button size="small" type="link" danger>
                    {t('feed.remove')}
                  </Button>
                </Popconfirm>
              ),
            },
          ]}
        />
      </Card>
      <Card size="small">
        <Space wrap>
          <Input
            style={{ width: 280 }}
            placeholder={t('feed.periodHint')}
            value={period}
            onChange={(e) => setPeriod(e.target.value)}
            addonBefore={t('feed.period')}
            data-testid="feed-period"
          />
          <Button
            type="primary"
            loading={busy}
            disabled={!mappings.data?.items.length}
            onClick={() => void run()}
            data-testid="feed-run"
          >
            {t('feed.run')}
          </Button>
        </Space>
        {feed && (
          <Table
            style={{ marginTop: 12 }}
            size="small"
            rowKey={(i) => `${i.planId}|${i.indicatorCode}`}
            dataSource={feed.items}
            pagination={{ pageSize: 20, hideOnSinglePage: true }}
            data-testid="feed-result"
            columns={[
              { title: t('feed.plan'), render: (_, i) => planName(i.planId) },
              { title: t('feed.indicatorCode'), dataIndex: 'indicatorCode' },
              { title: t('feed.metric'), render: (_, i) => t(`metric.${i.metric}`) },
              { title: `${feed.period}`, render: (_, i) => <RateCell r={i.denominator ? i : undefined} /> },
              {
                title: t('feed.outcome'),
                render: (_, i) =>
                  i.skipped ? (
                    <Tag>{t(`feed.skipped.${i.skipped}`)}</Tag>
                  ) : (
                    <Space size={4}>
                      <Tag color="blue">{t('feed.reported')}</Tag>
                      <Typography.Text type="secondary">
                        {t('feed.batches', { n: i.batchIds.length })}
                      </Typography.Text>
                    </Space>
                  ),
              },
            ]}
          />
        )}
      </Card>
    </Space>
  );
}

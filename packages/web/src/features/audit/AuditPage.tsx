import { useState } from 'react';
import { Alert, Button, Card, Input, Space, Table, Typography } from 'antd';
import { SafetyCertificateOutlined } from '@ant-design/icons';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { useCrumbs } from '../../console/crumbs';
import { errorText } from '../../console/errors';
import { api, qs } from '../../shared/api';
import { fmtDateTime } from '../../shared/format';
import type { AuditEntry, AuditListReply, AuditReport } from '@perfcommons/contracts';

export default function AuditPage() {
  const { t } = useTranslation('audit');
  useCrumbs([{ title: t('title') }]);
  const [page, setPage] = useState(1);
  const [pageSize, setPageSize] = useState(20);
  const [q, setQ] = useState('');
  const list = useQuery({
    queryKey: ['audit', page, pageSize],
    queryFn: () =>
      api.get<AuditListReply>(`/api/audit${qs({ limit: pageSize, offset: (page - 1) * pageSize })}`),
    placeholderData: (prev) => prev,
  });
  const verify = useMutation({ mutationFn: () => api.get<AuditReport>('/api/audit/verify') });
  const needle = q.trim().toLowerCase();
  const rows = (list.data?.items ?? []).filter(
    (e) => !needle || `${e.action} ${e.entityType}`.toLowerCase().includes(needle),
  );

  return (
    <Card
      title={t('title')}
      extra={
        <Button
          type="primary"
          icon={<SafetyCertificateOutlined />}
          loading={verify.isPending}
          onClick={() => verify.mutate()}
          data-testid="audit-verify"
        >
          {t('verify')}
        </Button>
      }
    >
      <Typography.Paragraph type="secondary">{t('intro')}</Typography.Paragraph>
      {verify.error && (
        <Alert type="error" showIcon message={errorText(verify.error)} style={{ marginBottom: 12 }} />
      )}
      {verify.data && (
        <Alert
          style={{ marginBottom: 12 }}
          type={verify.data.ok ? 'success' : 'error'}
          showIcon
          data-testid="audit-status"
          message={
            verify.data.ok
              ? t('ok', { n: verify.data.checked })
              : t('bad', { n: verify.data.problems.length, checked: verify.data.checked })
          }
          description={
            verify.data.problems.length > 0 && (
              <Table
                size="small"
                rowKey={(p) => `${p.seq}-${p.kind}`}
                pagination={{ pageSize: 5 }}
                dataSource={verify.data.problems}
                columns={[
                  { title: t('seq'), dataIndex: 'seq', width: 80 },
                  { title: t('kind'), dataIndex: 'kind', width: 140 },
                  { title: t('message'), dataIndex: 'message' },
                ]}
              />
            )
          }
        />
      )}
      <Space style={{ marginBottom: 12 }}>
        <Input.Search
          allowClear
          placeholder={t('search')}
          onChange={(e) => setQ(e.target.value)}
          style={{ width: 260 }}
        />
      </Space>
      <Table<AuditEntry>
        rowKey="seq"
        size="small"
        loading={list.isFetching}
        dataSource={rows}
        pagination={{
          current: page,
          pageSize,
          total: list.data?.total ?? 0,
          showSizeChanger: true,
          showTotal: (total) => t('console:common.total', { total }),
          onChange: (p, s) => {
            setPage(p);
            setPageSize(s);
          },
        }}
        columns={[
          { title: t('seq'), dataIndex: 'seq', width: 80 },
          { title: t('at'), dataIndex: 'at', width: 180, render: fmtDateTime },
          // The log's own codes (as written, searchable, the same in every language): shown as code.
          {
            title: t('action'),
            dataIndex: 'action',
            render: (a: string) => <Typography.Text code>{a}</Typography.Text>,
          },
          {
            title: t('entity'),
            key: 'entity',
            render: (_, e) => (
              <span>
                <Typography.Text code>{e.entityType}</Typography.Text>{' '}
                <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                  {e.entityId?.slice(0, 8)}
                </Typography.Text>
              </span>
            ),
          },
          {
            title: t('actor'),
            dataIndex: 'actorId',
            render: (v: string | null) => (v ? v.slice(0, 8) : '—'),
          },
          {
            title: t('hash'),
            dataIndex: 'hash',
            render: (h: string) => (
              <Typography.Text code copyable={{ text: h }} style={{ fontSize: 12 }}>
                {h.slice(0, 12)}…
              </Typography.Text>
            ),
          },
        ]}
      />
    </Card>
  );
}

import { App, Button, Select, Space, Table, Tag } from 'antd';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { errorText } from '../../console/errors';
import { pick } from '../../i18n';
import { api, qs } from '../../shared/api';
import type { NeedListReply, PlanDetailReply, PlanListReply } from '@perfcommons/contracts';
import { StatusTag, useModeration } from './moderation';

type TreeNode = PlanDetailReply['tree'][number];

const flatten = (nodes: TreeNode[]): TreeNode[] => nodes.flatMap((n) => [n, ...flatten(n.children ?? [])]);

export function NeedsTab({ cycleId, unitId }: { cycleId: string; unitId: string }) {
  const { t, i18n } = useTranslation('participation');
  const { message } = App.useApp();
  const qc = useQueryClient();
  const key = ['part-needs', cycleId, unitId];
  const needs = useQuery({
    queryKey: key,
    queryFn: () => api.get<NeedListReply>(`/api/participation/needs${qs({ cycleId, orgUnitId: unitId })}`),
  });
  const plan = useQuery({
    queryKey: ['part-unit-plan', cycleId, unitId],
    queryFn: async () => {
      const list = await api.get<PlanListReply>(
        `/api/plans${qs({ cycleId, orgUnitId: unitId, appraiseeType: 'unit' })}`,
      );
      return list.items[0] ? api.get<PlanDetailReply>(`/api/plans/${list.items[0].id}`) : null;
    },
  });
  const moderate = useModeration(key);
  const link = useMutation({
    mutationFn: (b: { id: string; code: string }) =>
      api.post(`/api/participation/needs/${b.id}/links`, { indicatorCode: b.code }),
    onSuccess: () => qc.invalidateQueries({ queryKey: key }),
    onError: (e) => message.error(errorText(e)),
  });
  const nodes = flatten(plan.data?.tree ?? []);
  return (
    <Table
      rowKey="id"
      size="small"
      loading={needs.isLoading}
      dataSource={needs.data?.items ?? []}
      pagination={{ pageSize: 20 }}
      data-testid="part-needs"
      columns={[
        { title: t('title2'), dataIndex: 'title', width: 180 },
        { title: t('content'), dataIndex: 'body' },
        { title: t('supports'), dataIndex: 'supports', width: 80 },
        {
          title: t('links'),
          width: 220,
          render: (_, n) => (
            <Space wrap size={4}>
              {(n.links ?? []).map((l) => (
                <Tag key={l.indicatorCode}>{l.indicatorCode}</Tag>
              ))}
              {n.status === 'visible' && nodes.length > 0 && (
                <Select
                  size="small"
                  style={{ width: 120 }}
                  placeholder={t('link')}
                  aria-label={t('link')}
                  value={null}
                  onChange={(code: string) => link.mutate({ id: n.id, code })}
                  options={nodes.map((x) => ({
                    value: x.code,
                    label: `${x.code} ${pick(i18n.language, x.name, x.nameEn)}`,
                  }))}
                />
              )}
            </Space>
          ),
        },
        { title: '', width: 90, render: (_, n) => <StatusTag status={n.status} reason={n.hiddenReason} /> },
        {
          title: '',
          width: 100,
          render: (_, n) => (
            <Button
              size="small"
              onClick={() => moderate('need', n.id, n.status === 'hidden')}
              data-testid="part-moderate"
            >
              {t(n.status === 'hidden' ? 'show' : 'hide')}
            </Button>
          ),
        },
      ]}
    />
  );
}

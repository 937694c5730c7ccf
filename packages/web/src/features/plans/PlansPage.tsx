import { useMemo, useState } from 'react';
import { App, Button, Card, Input, Select, Space, Table, Tag, Tooltip } from 'antd';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { useMe } from '../../console/auth';
import { useCrumbs } from '../../console/crumbs';
import { CycleSelect, useCycleParam } from '../../console/CycleSelect';
import { errorText } from '../../console/errors';
import { usePlans } from '../../console/queries';
import { pick } from '../../i18n';
import { peerGroupLabel } from '../../shared/format';
import { APPRAISEE_TYPES } from '@perfcommons/contracts/enums';
import { BulkApproveModal, OwnerModal } from './OwnerModals';
import { assignDefaultOwners, ownerName, type PlanWithOwner } from './setupApi';

const STATUS_COLOR: Record<string, string> = {
  draft: 'default',
  published_for_comment: 'blue',
  approved: 'green',
  closed: 'default',
};

export default function PlansPage() {
  const { t, i18n } = useTranslation('plans');
  const lang = i18n.language;
  useCrumbs([{ title: t('title') }]);
  const { cycle, setCycleId } = useCycleParam();
  const plans = usePlans(cycle?.id);
  /** The staff list carries each plan's owner. */
  const list = plans.data as PlanWithOwner[] | undefined;
  const can = useMe().data?.capabilities;
  const { message } = App.useApp();
  const qc = useQueryClient();
  const [selected, setSelected] = useState<string[]>([]);
  const [approveOpen, setApproveOpen] = useState(false);
  const [ownerOf, setOwnerOf] = useState<PlanWithOwner>();
  const defaults = useMutation({
    mutationFn: () => assignDefaultOwners(cycle!.id),
    onSuccess: (r) => {
      void message.success(t('owner.defaultsDone', { ...r }));
      void qc.invalidateQueries({ queryKey: ['plans'] });
    },
    onError: (e) => void message.error(errorText(e)),
  });
  const [q, setQ] = useState('');
  const [type, setType] = useState<string>();
  const [status, setStatus] = useState<string>();
  const rows = useMemo(() => {
    const needle = q.trim().toLowerCase();
    return (list ?? []).filter(
      (p) =>
        (!needle ||
          `${p.title} ${p.titleEn ?? ''} ${p.appraiseeName ?? ''} ${p.appraiseeNameEn ?? ''}`
            .toLowerCase()
            .includes(needle)) &&
        (!type || p.appraiseeType === type) &&
        (!status || p.status === status),
    );
  }, [list, q, type, status]);

  return (
    <Card title={t('title')} extra={<CycleSelect value={cycle?.id} onChange={setCycleId} />}>
      <Space wrap style={{ marginBottom: 16 }}>
        <Input.Search
          allowClear
          placeholder={t('search')}
          onChange={(e) => setQ(e.target.value)}
          style={{ width: 260 }}
        />
        <Select
          allowClear
          placeholder={t('appraiseeType')}
          aria-label={t('appraiseeType')}
          style={{ width: 150 }}
          value={type}
          onChange={setType}
          options={APPRAISEE_TYPES.map((v) => ({
            value: v,
            label: t(`common:appraiseeType.${v}`),
          }))}
        />
        <Select
          allowClear
          placeholder={t('common:misc.status')}
          aria-label={t('common:misc.status')}
          style={{ width: 170 }}
          value={status}
          onChange={setStatus}
          options={(['draft', 'published_for_comment', 'approved', 'closed'] as const).map((v) => ({
            value: v,
            label: t(`common:planStatus.${v}`),
          }))}
        />
        {can?.approvePlans && (
          <Button
            type="primary"
            disabled={!selected.length}
            onClick={() => setApproveOpen(true)}
            data-testid="bulk-approve"
          >
            {t('bulk.approve', { n: selected.length })}
          </Button>
        )}
        {can?.assignPlanOwners && (
          <Tooltip title={t('owner.defaultsHint')}>
            <Button loading={defaults.isPending} disabled={!cycle} onClick={() => defaults.mutate()}>
              {t('owner.defaults')}
            </Button>
          </Tooltip>
        )}
      </Space>
      <Table<PlanWithOwner>
        rowKey="id"
        loading={plans.isLoading}
        dataSource={rows}
        rowSelection={
          can?.approvePlans
            ? {
                selectedRowKeys: selected,
                onChange: (keys) => setSelected(keys as string[]),
                getCheckboxProps: (p) => ({
                  disabled: !p.can?.approve,
                  'aria-label': p.title,
                }),
              }
            : undefined
        }
        pagination={{ pageSize: 20, showTotal: (total) => t('console:common.total', { total }) }}
        columns={[
          {
            title: t('titleCol'),
            dataIndex: 'title',
            sorter: (a, b) => a.title.localeCompare(b.title),
            render: (_, p) => (
              <Link to={`/plans/${p.id}`} data-testid="plan-link">
                {pick(lang, p.title, p.titleEn)}
              </Link>
            ),
          },
          {
            title: t('appraisee'),
            dataIndex: 'appraiseeName',
            sorter: (a, b) => (a.appraiseeName ?? '').localeCompare(b.appraiseeName ?? ''),
            render: (_, p) => pick(lang, p.appraiseeName, p.appraiseeNameEn),
          },
          {
            title: t('appraiseeType'),
            dataIndex: 'appraiseeType',
            render: (v: string) => t(`common:appraiseeType.${v}`),
          },
          {
            title: t('common:misc.peerGroup'),
            dataIndex: 'peerGroup',
            sorter: (a, b) => (a.peerGroup ?? '').localeCompare(b.peerGroup ?? ''),
            render: (g: string) => peerGroupLabel(t, g),
          },
          {
            title: t('common:misc.status'),
            dataIndex: 'status',
            render: (v: string) => <Tag color={STATUS_COLOR[v]}>{t(`common:planStatus.${v}`)}</Tag>,
          },
          {
            title: t('owner.column'),
            dataIndex: 'ownerId',
            render: (_, p) => (
              <Space size={4}>
                {p.owner ? ownerName(lang, p.owner) : <Tag color="orange">{t('owner.none')}</Tag>}
                {can?.assignPlanOwners && p.status !== 'closed' && (
                  <Button size="small" type="link" onClick={() => setOwnerOf(p)} data-testid="owner-assign">
                    {t('owner.assign')}
                  </Button>
                )}
              </Space>
            ),
          },
          { title: t('version'), dataIndex: 'version', width: 80 },
          {
            title: t('console:common.actions'),
            key: 'a',
            render: (_, p) => (
              <Space>
                <Link to={`/plans/${p.id}`}>{t('open')}</Link>
                <Link to={`/plans/${p.id}/values`}>{t('values')}</Link>
              </Space>
            ),
          },
        ]}
      />
      <OwnerModal plan={ownerOf} onClose={() => setOwnerOf(undefined)} />
      <BulkApproveModal
        open={approveOpen}
        plans={(list ?? []).filter((p) => selected.includes(p.id))}
        onClose={(done) => {
          setApproveOpen(false);
          if (done) setSelected([]);
        }}
      />
    </Card>
  );
}

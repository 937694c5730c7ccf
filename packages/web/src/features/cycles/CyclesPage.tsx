import { useMemo, useState } from 'react';
import { App, Button, Card, DatePicker, Form, Input, Modal, Select, Space, Table, Tag } from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import type { Dayjs } from 'dayjs';
import { useMe } from '../../console/auth';
import { useCrumbs } from '../../console/crumbs';
import { applyFieldErrors } from '../../console/errors';
import { useCycles } from '../../console/queries';
import { pick } from '../../i18n';
import { api } from '../../shared/api';
import { fmtDate } from '../../shared/format';
import { STAGES } from '@perfcommons/contracts/enums';
import type { Cycle, CycleReply } from '@perfcommons/contracts';
import { CYCLE_TYPES } from '@perfcommons/contracts/enums';

export default function CyclesPage() {
  const { t, i18n } = useTranslation('cycles');
  useCrumbs([{ title: t('title') }]);
  const me = useMe().data;
  const cycles = useCycles();
  const [q, setQ] = useState('');
  const [type, setType] = useState<string | undefined>();
  const [stage, setStage] = useState<string | undefined>();
  const [open, setOpen] = useState(false);

  const rows = useMemo(() => {
    const needle = q.trim().toLowerCase();
    return (cycles.data ?? []).filter(
      (c) =>
        (!needle || `${c.code} ${c.name} ${c.nameEn ?? ''}`.toLowerCase().includes(needle)) &&
        (!type || c.type === type) &&
        (!stage || c.stage === stage),
    );
  }, [cycles.data, q, type, stage]);

  return (
    <Card
      title={t('title')}
      extra={
        me?.capabilities.createCycles && (
          <Button
            type="primary"
            icon={<PlusOutlined />}
            onClick={() => setOpen(true)}
            data-testid="cycle-create"
          >
            {t('create')}
          </Button>
        )
      }
    >
      <Space wrap style={{ marginBottom: 16 }}>
        <Input.Search
          allowClear
          placeholder={t('searchPlaceholder')}
          onChange={(e) => setQ(e.target.value)}
          style={{ width: 260 }}
        />
        <Select
          allowClear
          placeholder={t('type')}
          aria-label={t('type')}
          style={{ width: 160 }}
          value={type}
          onChange={setType}
          options={CYCLE_TYPES.map((v) => ({
            value: v,
            label: t(`common:cycleType.${v}`),
          }))}
        />
        <Select
          allowClear
          placeholder={t('stage')}
          aria-label={t('stage')}
          style={{ width: 200 }}
          value={stage}
          onChange={setStage}
          options={STAGES.map((v) => ({ value: v, label: t(`common:stage.${v}`) }))}
        />
      </Space>
      <Table<Cycle>
        rowKey="id"
        loading={cycles.isLoading}
        dataSource={rows}
        pagination={{ pageSize: 10, showTotal: (total) => t('console:common.total', { total }) }}
        columns={[
          {
            title: t('name'),
            dataIndex: 'name',
            sorter: (a, b) => a.name.localeCompare(b.name),
            render: (_, c) => (
              <Link to={`/cycles/${c.id}`} data-testid="cycle-link">
                {pick(i18n.language, c.name, c.nameEn)}
              </Link>
            ),
          },
          { title: t('code'), dataIndex: 'code', sorter: (a, b) => a.code.localeCompare(b.code) },
          { title: t('type'), dataIndex: 'type', render: (v: string) => t(`common:cycleType.${v}`) },
          {
            title: t('period'),
            dataIndex: 'periodStart',
            defaultSortOrder: 'descend',
            sorter: (a, b) => a.periodStart.localeCompare(b.periodStart),
            render: (_, c) => `${fmtDate(c.periodStart)} ~ ${fmtDate(c.periodEnd)}`,
          },
          {
            title: t('stage'),
            dataIndex: 'stage',
            sorter: (a, b) => STAGES.indexOf(a.stage) - STAGES.indexOf(b.stage),
            render: (v: string) => (
              <Tag color={v === 'closed' ? 'default' : 'blue'}>{t(`common:stage.${v}`)}</Tag>
            ),
          },
          {
            title: t('published'),
            dataIndex: 'resultsPublishedAt',
            render: (v: string | null) => (v ? <Tag color="green">{fmtDate(v)}</Tag> : '—'),
          },
        ]}
      />
      <CreateCycleModal open={open} onClose={() => setOpen(false)} />
    </Card>
  );
}

interface CycleForm {
  code: string;
  name: string;
  nameEn?: string;
  type: Cycle['type'];
  period: [Dayjs, Dayjs];
}

function CreateCycleModal({ open, onClose }: { open: boolean; onClose: () => void }) {
  const { t } = useTranslation('cycles');
  const [form] = Form.useForm<CycleForm>();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const [other, setOther] = useState<string[]>([]);
  const create = useMutation({
    mutationFn: (v: CycleForm) =>
      api.post<CycleReply>('/api/cycles', {
        code: v.code,
        name: v.name,
        nameEn: v.nameEn || undefined,
        type: v.type,
        periodStart: v.period[0].format('YYYY-MM-DD'),
        periodEnd: v.period[1].format('YYYY-MM-DD'),
      }),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: ['cycles'] });
      void message.success(t('created'));
      form.resetFields();
      onClose();
    },
    onError: (e) => {
      const rest = applyFieldErrors(form, e, ['code', 'name', 'nameEn', 'type']);
      // period errors come back on periodStart / periodEnd
      setOther(rest);
    },
  });
  return (
    <Modal
      open={open}
      title={t('create')}
      onCancel={onClose}
      onOk={() => form.submit()}
      confirmLoading={create.isPending}
      okText={t('console:common.save')}
      cancelText={t('console:common.cancel')}
      destroyOnHidden
    >
      <Form
        form={form}
        layout="vertical"
        initialValues={{ type: 'annual' }}
        onFinish={(v) => {
          setOther([]);
          create.mutate(v);
        }}
      >
        <Form.Item name="code" label={t('code')} rules={[{ required: true }]}>
          <Input placeholder="2026-annual" />
        </Form.Item>
        <Form.Item name="name" label={t('name')} rules={[{ required: true }]}>
          <Input />
        </Form.Item>
        <Form.Item name="nameEn" label={t('nameEn')}>
          <Input />
        </Form.Item>
        <Form.Item name="type" label={t('type')} rules={[{ required: true }]}>
          <Select
            options={CYCLE_TYPES.map((v) => ({
              value: v,
              label: t(`common:cycleType.${v}`),
            }))}
          />
        </Form.Item>
        <Form.Item
          name="period"
          label={t('period')}
          rules={[{ required: true }]}
          help={other.length ? other.join('; ') : undefined}
          validateStatus={other.length ? 'error' : undefined}
        >
          <DatePicker.RangePicker style={{ width: '100%' }} />
        </Form.Item>
      </Form>
    </Modal>
  );
}

import { App, Button, Form, Input, Popconfirm, Space, Table, Tag, Typography, Upload } from 'antd';
import { DeleteOutlined, LinkOutlined, UploadOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { CycleMaterial, CycleMaterialListReply, Cycle } from '@perfcommons/contracts';
import { EVIDENCE_MAX_BYTES } from '@perfcommons/contracts/enums';
import { applyFieldErrors, errorText } from '../../console/errors';
import { api } from '../../shared/api';
import { fmtDateTime } from '../../shared/format';

/** Raters' training material of a cycle: files and links; the office uploads, adds and removes. */
export function MaterialsTab({ cycle }: { cycle: Cycle }) {
  const { t } = useTranslation('evaluation');
  const { message } = App.useApp();
  const qc = useQueryClient();
  const [form] = Form.useForm<{ title: string; url: string }>();
  const key = ['cycle-materials', cycle.id];
  const list = useQuery({
    queryKey: key,
    queryFn: () => api.get<CycleMaterialListReply>(`/api/cycles/${cycle.id}/materials`),
  });
  const refresh = () => qc.invalidateQueries({ queryKey: key });
  const upload = useMutation({
    mutationFn: (file: File) => {
      const body = new FormData();
      body.append('file', file, file.name);
      return api.post(`/api/cycles/${cycle.id}/materials`, body);
    },
    onSuccess: () => {
      void message.success(t('materials.uploaded'));
      void refresh();
    },
    onError: (e) => void message.error(errorText(e)),
  });
  const addLink = useMutation({
    mutationFn: (v: { title: string; url: string }) => api.post(`/api/cycles/${cycle.id}/material-links`, v),
    onSuccess: () => {
      form.resetFields();
      void message.success(t('materials.linked'));
      void refresh();
    },
    onError: (e) => {
      const rest = applyFieldErrors(form, e, ['title', 'url']);
      if (rest.length) void message.error(rest.join('；'));
    },
  });
  const remove = useMutation({
    mutationFn: (id: string) => api.del(`/api/cycle-materials/${id}`),
    onSuccess: () => void refresh(),
    onError: (e) => void message.error(errorText(e)),
  });
  const manage = list.data?.can.manage ?? false;

  return (
    <Space direction="vertical" style={{ width: '100%' }} data-testid="materials-tab">
      <Typography.Paragraph type="secondary">{t('materials.intro')}</Typography.Paragraph>
      {manage && (
        <Space wrap align="start">
          <Upload
            showUploadList={false}
            beforeUpload={(file) => {
              if (file.size > EVIDENCE_MAX_BYTES)
                void message.error(t('materials.tooLarge', { name: file.name }));
              else upload.mutate(file);
              return false;
            }}
          >
            <Button icon={<UploadOutlined />} loading={upload.isPending}>
              {t('materials.upload')}
            </Button>
          </Upload>
          <Form form={form} layout="inline" onFinish={(v) => addLink.mutate(v)}>
            <Form.Item name="title" rules={[{ required: true, message: t('materials.titleRequired') }]}>
              <Input placeholder={t('materials.title')} style={{ width: 200 }} />
            </Form.Item>
            <Form.Item
              name="url"
              rules={[{ required: true, type: 'url', message: t('materials.urlInvalid') }]}
            >
              <Input placeholder="https://" style={{ width: 280 }} />
            </Form.Item>
            <Button htmlType="submit" icon={<LinkOutlined />} loading={addLink.isPending}>
              {t('materials.addLink')}
            </Button>
          </Form>
        </Space>
      )}
      <Table<CycleMaterial>
        rowKey="id"
        size="small"
        loading={list.isLoading}
        dataSource={list.data?.items ?? []}
        pagination={false}
        locale={{ emptyText: t('materials.none') }}
        columns={[
          {
            title: t('materials.title'),
            render: (_, m) =>
              m.kind === 'link' ? (
                <a href={m.url ?? undefined} target="_blank" rel="noopener noreferrer">
                  {m.title}
                </a>
              ) : (
                <a href={`/api/cycle-materials/${m.id}`}>{m.title}</a>
              ),
          },
          {
            title: t('materials.kind'),
            render: (_, m) => <Tag>{t(`materials.kinds.${m.kind}`)}</Tag>,
          },
          {
            title: t('materials.size'),
            render: (_, m) => (m.size === null ? '—' : `${Math.max(1, Math.round(m.size / 1024))} KB`),
          },
          { title: t('materials.at'), render: (_, m) => fmtDateTime(m.uploadedAt) },
          ...(manage
            ? [
                {
                  title: '',
                  key: 'actions',
                  render: (_: unknown, m: CycleMaterial) => (
                    <Popconfirm title={t('materials.confirmDelete')} onConfirm={() => remove.mutate(m.id)}>
                      <Button
                        size="small"
                        danger
                        icon={<DeleteOutlined />}
                        aria-label={t('materials.delete')}
                      />
                    </Popconfirm>
                  ),
                },
              ]
            : []),
        ]}
      />
    </Space>
  );
}

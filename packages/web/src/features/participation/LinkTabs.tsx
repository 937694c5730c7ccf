import { useState } from 'react';
import {
  Alert,
  App,
  Button,
  DatePicker,
  Form,
  Input,
  List,
  Modal,
  Select,
  Space,
  Table,
  Tag,
  Typography,
} from 'antd';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { errorText } from '../../console/errors';
import { pick } from '../../i18n';
import { ActionFields } from './ActionFields';
import { api, qs } from '../../shared/api';
import { fmtDate } from '../../shared/format';

interface Need {
  id: string;
  title: string;
  body: string;
  status: 'visible' | 'hidden';
  hiddenReason: string | null;
  supports: number;
  links: { indicatorCode: string }[];
}
interface Comment {
  id: string;
  indicatorCode: string | null;
  body: string;
  status: 'visible' | 'hidden';
  hiddenReason: string | null;
  answer: string | null;
}
interface Post {
  id: string;
  authorRole: string;
  authorName: string | null;
  body: string;
  status: 'visible' | 'hidden';
  hiddenReason: string | null;
}
interface Thread {
  id: string;
  title: string;
  indicatorCode: string | null;
  posts: Post[];
}
interface TreeNode {
  code: string;
  name: string;
  nameEn?: string | null;
  children?: TreeNode[];
}

const flatten = (nodes: TreeNode[]): TreeNode[] => nodes.flatMap((n) => [n, ...flatten(n.children ?? [])]);

/** Hide (with a public reason) or show an item again. */
function useModeration(invalidate: unknown[]) {
  const { t } = useTranslation('participation');
  const { message, modal } = App.useApp();
  const qc = useQueryClient();
  const m = useMutation({
    mutationFn: (b: { kind: string; id: string; action: 'hide' | 'show'; reason?: string }) =>
      api.post('/api/participation/moderate', b),
    onSuccess: () => qc.invalidateQueries({ queryKey: invalidate }),
    onError: (e) => message.error(errorText(e)),
  });
  return (kind: string, id: string, hidden: boolean) => {
    if (hidden) return m.mutate({ kind, id, action: 'show' });
    let reason = '';
    modal.confirm({
      title: t('hideReason'),
      content: (
        <Input.TextArea
          autoFocus
          rows={2}
          onChange={(e) => (reason = e.target.value)}
          data-testid="hide-reason"
        />
      ),
      onOk: () => {
        if (!reason.trim()) {
          message.error(t('reasonRequired'));
          return Promise.reject(new Error('reason'));
        }
        m.mutate({ kind, id, action: 'hide', reason });
      },
    });
  };
}

function StatusTag({ status, reason }: { status: string; reason: string | null }) {
  const { t } = useTranslation('participation');
  return (
    <Tag color={status === 'hidden' ? 'default' : 'green'} title={reason ?? undefined}>
      {t(`status.${status}`)}
    </Tag>
  );
}

export function NeedsTab({ cycleId, unitId }: { cycleId: string; unitId: string }) {
  const { t, i18n } = useTranslation('participation');
  const { message } = App.useApp();
  const qc = useQueryClient();
  const key = ['part-needs', cycleId, unitId];
  const needs = useQuery({
    queryKey: key,
    queryFn: () =>
      api.get<{ items: Need[] }>(`/api/participation/needs${qs({ cycleId, orgUnitId: unitId })}`),
  });
  const plan = useQuery({
    queryKey: ['part-unit-plan', cycleId, unitId],
    queryFn: async () => {
      const list = await api.get<{ items: { id: string; appraiseeType: string }[] }>(
        `/api/plans${qs({ cycleId, orgUnitId: unitId, appraiseeType: 'unit' })}`,
      );
      return list.items[0] ? api.get<{ tree: TreeNode[] }>(`/api/plans/${list.items[0].id}`) : null;
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
              {n.links.map((l) => (
                <Tag key={l.indicatorCode}>{l.indicatorCode}</Tag>
              ))}
              {n.status === 'visible' && nodes.length > 0 && (
                <Select
                  size="small"
                  style={{ width: 120 }}
                  placeholder={t('link')}
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

export function CommentsTab({ planId }: { planId: string }) {
  const { t } = useTranslation('participation');
  const { message } = App.useApp();
  const qc = useQueryClient();
  const key = ['part-comments', planId];
  const comments = useQuery({
    queryKey: key,
    queryFn: () => api.get<{ items: Comment[] }>(`/api/participation/plans/${planId}/comments`),
  });
  const [drafts, setDrafts] = useState<Record<string, string>>({});
  const answer = useMutation({
    mutationFn: (b: { id: string; answer: string }) =>
      api.post(`/api/participation/comments/${b.id}/answer`, { answer: b.answer }),
    onSuccess: () => {
      message.success(t('saved'));
      void qc.invalidateQueries({ queryKey: key });
    },
    onError: (e) => message.error(errorText(e)),
  });
  const moderate = useModeration(key);
  const open = (comments.data?.items ?? []).filter((c) => c.status === 'visible' && !c.answer).length;
  return (
    <>
      {open > 0 && (
        <Alert
          type="warning"
          showIcon
          style={{ marginBottom: 12 }}
          message={t('unansweredNote', { n: open })}
        />
      )}
      <List
        loading={comments.isLoading}
        dataSource={comments.data?.items ?? []}
        locale={{ emptyText: t('empty') }}
        renderItem={(c) => (
          <List.Item
            actions={[
              <Button key="m" size="small" onClick={() => moderate('comment', c.id, c.status === 'hidden')}>
                {t(c.status === 'hidden' ? 'show' : 'hide')}
              </Button>,
            ]}
          >
            <Space direction="vertical" style={{ width: '100%' }}>
              <Space wrap>
                <Tag>{c.indicatorCode ?? t('wholePlan')}</Tag>
                <StatusTag status={c.status} reason={c.hiddenReason} />
                <Tag color={c.answer ? 'green' : 'orange'}>{t(c.answer ? 'answered' : 'unanswered')}</Tag>
              </Space>
              <Typography.Text>{c.body}</Typography.Text>
              <Space.Compact style={{ width: '100%' }}>
                <Input.TextArea
                  rows={1}
                  placeholder={t('answerPlaceholder')}
                  value={drafts[c.id] ?? c.answer ?? ''}
                  onChange={(e) => setDrafts({ ...drafts, [c.id]: e.target.value })}
                  data-testid="part-answer"
                />
                <Button
                  type="primary"
                  loading={answer.isPending}
                  onClick={() => answer.mutate({ id: c.id, answer: drafts[c.id] ?? c.answer ?? '' })}
                >
                  {t('answer')}
                </Button>
              </Space.Compact>
            </Space>
          </List.Item>
        )}
      />
    </>
  );
}

export function ThreadsTab({ planId }: { planId: string }) {
  const { t } = useTranslation('participation');
  const { message } = App.useApp();
  const qc = useQueryClient();
  const key = ['part-threads', planId];
  const threads = useQuery({
    queryKey: key,
    queryFn: () => api.get<{ items: Thread[] }>(`/api/participation/plans/${planId}/threads`),
  });
  const [drafts, setDrafts] = useState<Record<string, string>>({});
  const [form] = Form.useForm<{ title: string; body: string }>();
  const post = useMutation({
    mutationFn: (b: { id: string; body: string }) =>
      api.post(`/api/participation/threads/${b.id}/posts`, { body: b.body }),
    onSuccess: (_, b) => {
      setDrafts({ ...drafts, [b.id]: '' });
      void qc.invalidateQueries({ queryKey: key });
    },
    onError: (e) => message.error(errorText(e)),
  });
  const open = useMutation({
    mutationFn: (b: { title: string; body: string }) =>
      api.post(`/api/participation/plans/${planId}/threads`, b),
    onSuccess: () => {
      form.resetFields();
      void qc.invalidateQueries({ queryKey: key });
    },
    onError: (e) => message.error(errorText(e)),
  });
  const moderate = useModeration(key);
  return (
    <>
      {(threads.data?.items ?? []).map((th) => (
        <div key={th.id} style={{ marginBottom: 16 }}>
          <Typography.Title level={5}>
            {th.title} {th.indicatorCode && <Tag>{th.indicatorCode}</Tag>}
          </Typography.Title>
          <List
            size="small"
            bordered
            dataSource={th.posts}
            renderItem={(p) => (
              <List.Item
                actions={[
                  <Button
                    key="m"
                    size="small"
                    type="link"
                    onClick={() => moderate('post', p.id, p.status === 'hidden')}
                  >
                    {t(p.status === 'hidden' ? 'show' : 'hide')}
                  </Button>,
                ]}
              >
                <Space wrap>
                  <Tag color={p.authorRole === 'stakeholder' ? 'blue' : 'gold'}>
                    {t(`role.${p.authorRole}`)}
                    {p.authorName ? ` · ${p.authorName}` : ''}
                  </Tag>
                  <Typography.Text delete={p.status === 'hidden'}>{p.body}</Typography.Text>
                  {p.status === 'hidden' && (
                    <Typography.Text type="secondary">({p.hiddenReason})</Typography.Text>
                  )}
                </Space>
              </List.Item>
            )}
          />
          <Space.Compact style={{ width: '100%', marginTop: 8 }}>
            <Input
              placeholder={t('reply')}
              value={drafts[th.id] ?? ''}
              onChange={(e) => setDrafts({ ...drafts, [th.id]: e.target.value })}
            />
            <Button type="primary" onClick={() => post.mutate({ id: th.id, body: drafts[th.id] ?? '' })}>
              {t('reply')}
            </Button>
          </Space.Compact>
        </div>
      ))}
      <Form form={form} layout="inline" onFinish={(v) => open.mutate(v)}>
        <Form.Item name="title" rules={[{ required: true }]}>
          <Input placeholder={t('title2')} />
        </Form.Item>
        <Form.Item name="body" rules={[{ required: true }]}>
          <Input placeholder={t('content')} style={{ width: 320 }} />
        </Form.Item>
        <Button htmlType="submit" loading={open.isPending}>
          {t('newThread')}
        </Button>
      </Form>
    </>
  );
}

interface Counseling {
  id: string;
  heldOn: string;
  attendees: string[];
  issues: string[];
  actions: { action: string; owner: string; deadline: string }[];
  summary: string | null;
}

const lines = (s?: string) =>
  (s ?? '')
    .split('\n')
    .map((x) => x.trim())
    .filter(Boolean);

export function CounselingTab({ planId }: { planId: string }) {
  const { t } = useTranslation('participation');
  const { message } = App.useApp();
  const qc = useQueryClient();
  const key = ['part-counseling', planId];
  const list = useQuery({
    queryKey: key,
    queryFn: () => api.get<{ items: Counseling[] }>(`/api/public/participation/plans/${planId}/counseling`),
  });
  const [open, setOpen] = useState(false);
  const [form] = Form.useForm();
  const save = useMutation({
    mutationFn: (v: {
      heldOn: { format(f: string): string };
      attendees?: string;
      issues?: string;
      summary?: string;
      actions?: { action: string; owner: string; deadline: { format(f: string): string } }[];
    }) =>
      api.post(`/api/participation/plans/${planId}/counseling`, {
        heldOn: v.heldOn.format('YYYY-MM-DD'),
        attendees: lines(v.attendees),
        issues: lines(v.issues),
        summary: v.summary || undefined,
        actions: (v.actions ?? []).map((a) => ({ ...a, deadline: a.deadline.format('YYYY-MM-DD') })),
      }),
    onSuccess: () => {
      setOpen(false);
      form.resetFields();
      void qc.invalidateQueries({ queryKey: key });
    },
    onError: (e) => message.error(errorText(e)),
  });
  return (
    <>
      <Button
        type="primary"
        onClick={() => setOpen(true)}
        style={{ marginBottom: 12 }}
        data-testid="part-counseling-new"
      >
        {t('tabs.counseling')} +
      </Button>
      <Table
        rowKey="id"
        size="small"
        dataSource={list.data?.items ?? []}
        pagination={false}
        columns={[
          { title: t('heldOn'), dataIndex: 'heldOn', width: 110, render: (d: string) => fmtDate(d) },
          { title: t('attendees'), dataIndex: 'attendees', render: (a: string[]) => a.join('、') },
          { title: t('issues'), dataIndex: 'issues', render: (a: string[]) => a.join('；') },
          {
            title: t('actions'),
            dataIndex: 'actions',
            render: (a: Counseling['actions']) =>
              a.map((x, i) => <div key={i}>{`${x.action}（${x.owner}，${fmtDate(x.deadline)}）`}</div>),
          },
        ]}
      />
      <Modal
        open={open}
        title={t('tabs.counseling')}
        onCancel={() => setOpen(false)}
        onOk={() => form.submit()}
        confirmLoading={save.isPending}
        width={640}
      >
        <Form form={form} layout="vertical" onFinish={(v) => save.mutate(v)}>
          <Form.Item name="heldOn" label={t('heldOn')} rules={[{ required: true }]}>
            <DatePicker />
          </Form.Item>
          <Form.Item name="attendees" label={t('attendees')} rules={[{ required: true }]}>
            <Input.TextArea rows={3} />
          </Form.Item>
          <Form.Item name="issues" label={t('issues')}>
            <Input.TextArea rows={3} />
          </Form.Item>
          <ActionFields />
          <Form.Item name="summary" label={t('summary')} style={{ marginTop: 12 }}>
            <Input.TextArea rows={2} />
          </Form.Item>
        </Form>
      </Modal>
    </>
  );
}

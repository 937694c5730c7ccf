import { useState } from 'react';
import {
  Alert,
  App,
  Button,
  Card,
  Form,
  Input,
  Modal,
  Progress,
  Select,
  Space,
  Table,
  Tag,
  Tooltip,
  Typography,
} from 'antd';
import { TeamOutlined, UserAddOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { applyFieldErrors, errorText } from '../../console/errors';
import { usePlans } from '../../console/queries';
import { pick } from '../../i18n';
import { api, qs } from '../../shared/api';
import type { Cycle, Plan as PlanSummary } from '@perfcommons/contracts';
import type {
  AssignTasksReply,
  Panel,
  PanelListReply,
  RulesReply,
  UserListReply,
} from '@perfcommons/contracts';
import { PANEL_SUBJECTS } from '@perfcommons/contracts/enums';

/** The role whose holders usually sit on a panel of this subject (heads rate their peers). */
const roleFor = (subject: string) =>
  subject === 'peer' || subject === 'subordinate' ? 'appraisee' : 'evaluator';

export function PanelsTab({ cycle }: { cycle: Cycle }) {
  const { t, i18n } = useTranslation('evaluation');
  const lang = i18n.language;
  const panels = useQuery({
    queryKey: ['panels', cycle.id],
    queryFn: () => api.get<PanelListReply>(`/api/cycles/${cycle.id}/panels`).then((r) => r.items),
  });
  const rules = useQuery({
    queryKey: ['rules', cycle.id],
    queryFn: () => api.get<RulesReply>(`/api/cycles/${cycle.id}/rules`),
  });
  const plans = usePlans(cycle.id);
  const planById = new Map((plans.data ?? []).map((p) => [p.id, p]));
  const minRaters = rules.data?.rules.minRaters ?? 1;
  const [assignOpen, setAssignOpen] = useState(false);
  const [tpOpen, setTpOpen] = useState(false);
  const [subject, setSubject] = useState<string>();

  const rows = (panels.data ?? [])
    .filter((p) => !subject || p.subjectType === subject)
    .slice()
    .sort(
      (a, b) =>
        pick(
          lang,
          planById.get(a.planId)?.appraiseeName,
          planById.get(a.planId)?.appraiseeNameEn,
        ).localeCompare(
          pick(lang, planById.get(b.planId)?.appraiseeName, planById.get(b.planId)?.appraiseeNameEn),
        ) || a.subjectType.localeCompare(b.subjectType),
    );
  const subjects = [...new Set((panels.data ?? []).map((p) => p.subjectType))];

  return (
    <Card
      title={t('panels.title')}
      extra={
        <Space wrap>
          <Button icon={<UserAddOutlined />} onClick={() => setTpOpen(true)} data-testid="third-party-open">
            {t('panels.thirdParty')}
          </Button>
          <Button
            type="primary"
            icon={<TeamOutlined />}
            onClick={() => setAssignOpen(true)}
            data-testid="assign-open"
          >
            {t('panels.assign')}
          </Button>
        </Space>
      }
    >
      <Typography.Paragraph type="secondary">{t('panels.intro')}</Typography.Paragraph>
      {panels.error && <Alert type="error" message={errorText(panels.error)} />}
      <Space style={{ marginBottom: 12 }}>
        <Select
          allowClear
          placeholder={t('panels.subject')}
          aria-label={t('panels.subject')}
          style={{ width: 180 }}
          value={subject}
          onChange={setSubject}
          options={subjects.map((s) => ({ value: s, label: t(`common:subject.${s}`) }))}
        />
      </Space>
      <Table<Panel>
        rowKey={(p) => `${p.planId}|${p.subjectType}`}
        size="small"
        loading={panels.isLoading}
        dataSource={rows}
        data-testid="panels-table"
        locale={{ emptyText: t('panels.empty') }}
        pagination={{ defaultPageSize: 20, showTotal: (total) => t('console:common.total', { total }) }}
        columns={[
          {
            title: t('panels.appraisee'),
            render: (_, p) => {
              const plan = planById.get(p.planId);
              return plan ? (
                <span>
                  <strong>{pick(lang, plan.appraiseeName, plan.appraiseeNameEn)}</strong>{' '}
                  <Tag>{t(`common:appraiseeType.${plan.appraiseeType}`)}</Tag>
                </span>
              ) : (
                p.planId.slice(0, 8)
              );
            },
          },
          {
            title: t('panels.plan'),
            render: (_, p) => {
              const plan = planById.get(p.planId);
              return plan ? pick(lang, plan.title, plan.titleEn) : '—';
            },
          },
          {
            title: t('panels.subject'),
            dataIndex: 'subjectType',
            render: (v: string) => <Tag color="blue">{t(`common:subject.${v}`)}</Tag>,
          },
          {
            title: t('panels.assigned'),
            dataIndex: 'raters',
            width: 150,
            sorter: (a, b) => a.raters - b.raters,
            render: (v: number) =>
              v < minRaters ? (
                <Tooltip title={t('panels.belowMin', { n: minRaters })}>
                  <Tag color="orange">{v}</Tag>
                </Tooltip>
              ) : (
                v
              ),
          },
          {
            title: t('panels.rated'),
            key: 'rated',
            width: 220,
            sorter: (a, b) => a.rated / a.raters - b.rated / b.raters,
            render: (_, p) => (
              <Progress
                size="small"
                percent={p.raters ? Math.round((100 * p.rated) / p.raters) : 0}
                format={() => `${p.rated} / ${p.raters}`}
                status={p.rated < minRaters ? 'exception' : undefined}
              />
            ),
          },
        ]}
      />
      <AssignModal
        open={assignOpen}
        onClose={() => setAssignOpen(false)}
        cycle={cycle}
        plans={plans.data ?? []}
      />
      <ThirdPartyModal open={tpOpen} onClose={() => setTpOpen(false)} />
    </Card>
  );
}

interface AssignForm {
  planIds: string[];
  subjectType: string;
  raterIds: string[];
}

function AssignModal({
  open,
  onClose,
  cycle,
  plans,
}: {
  open: boolean;
  onClose: () => void;
  cycle: Cycle;
  plans: PlanSummary[];
}) {
  const { t, i18n } = useTranslation('evaluation');
  const lang = i18n.language;
  const { message } = App.useApp();
  const qc = useQueryClient();
  const [form] = Form.useForm<AssignForm>();
  const subjectType = Form.useWatch('subjectType', form);
  const [role, setRole] = useState<string>();
  const activeRole = role ?? (subjectType ? roleFor(subjectType) : 'evaluator');
  const users = useQuery({
    queryKey: ['users', activeRole],
    enabled: open,
    queryFn: () => api.get<UserListReply>(`/api/users${qs({ role: activeRole })}`).then((r) => r.items),
  });
  const [answer, setAnswer] = useState<AssignTasksReply>();
  const eligible = plans.filter((p) => p.status === 'approved' || p.status === 'closed');
  const assign = useMutation({
    mutationFn: (body: AssignForm) => api.post<AssignTasksReply>(`/api/cycles/${cycle.id}/tasks`, body),
    onSuccess: (r) => {
      setAnswer(r);
      void message.success(t('panels.assigned_', { n: r.created }));
      void qc.invalidateQueries({ queryKey: ['panels', cycle.id] });
    },
    onError: (e) => {
      const rest = applyFieldErrors(form, e, ['planIds', 'raterIds', 'subjectType']);
      if (rest.length) void message.error(rest.join('; '));
    },
  });
  const planName = (id: string) => {
    const p = plans.find((x) => x.id === id);
    return p ? pick(lang, p.appraiseeName, p.appraiseeNameEn) : id;
  };
  const userName = (id: string) => {
    const u = users.data?.find((x) => x.id === id);
    return u ? `${pick(lang, u.displayName, u.displayNameEn)} (${u.username})` : id.slice(0, 8);
  };
  const close = () => {
    setAnswer(undefined);
    form.resetFields();
    onClose();
  };

  return (
    <Modal
      open={open}
      title={t('panels.assignTitle')}
      width={760}
      onCancel={close}
      okText={t('panels.assignSubmit')}
      cancelText={t('console:common.cancel')}
      okButtonProps={{ loading: assign.isPending, 'data-testid': 'assign-submit' }}
      onOk={() => form.submit()}
      destroyOnHidden
    >
      <Form<AssignForm> form={form} layout="vertical" onFinish={(v) => assign.mutate(v)}>
        <Form.Item
          name="planIds"
          label={
            <Space>
              {t('panels.plans')}
              {(['unit', 'cadre'] as const).map((ty) => (
                <Button
                  key={ty}
                  size="small"
                  type="link"
                  onClick={() =>
                    form.setFieldValue(
                      'planIds',
                      eligible.filter((p) => p.appraiseeType === ty).map((p) => p.id),
                    )
                  }
                >
                  {t('panels.allOfType', { type: t(`common:appraiseeType.${ty}`) })}
                </Button>
              ))}
            </Space>
          }
          rules={[{ required: true }]}
        >
          <Select
            mode="multiple"
            allowClear
            maxTagCount="responsive"
            optionFilterProp="label"
            data-testid="assign-plans"
            options={eligible.map((p) => ({
              value: p.id,
              label: `${pick(lang, p.appraiseeName, p.appraiseeNameEn)} · ${pick(lang, p.title, p.titleEn)}`,
            }))}
          />
        </Form.Item>
        <Form.Item name="subjectType" label={t('panels.subject')} rules={[{ required: true }]}>
          <Select
            data-testid="assign-subject"
            onChange={() => setRole(undefined)}
            options={PANEL_SUBJECTS.map((s) => ({ value: s, label: t(`common:subject.${s}`) }))}
          />
        </Form.Item>
        <Form.Item
          name="raterIds"
          label={
            <Space>
              {t('panels.raters')}
              <Select
                size="small"
                style={{ width: 150 }}
                value={activeRole}
                onChange={setRole}
                aria-label={t('panels.roleFilter')}
                options={['evaluator', 'appraisee', 'unit_manager', 'verifier', 'public'].map((r) => ({
                  value: r,
                  label: t(`console:role.${r}`),
                }))}
              />
            </Space>
          }
          rules={[{ required: true }]}
        >
          <Select
            mode="multiple"
            allowClear
            loading={users.isLoading}
            optionFilterProp="label"
            maxTagCount="responsive"
            data-testid="assign-raters"
            options={(users.data ?? []).map((u) => ({
              value: u.id,
              label: `${pick(lang, u.displayName, u.displayNameEn)} (${u.username})${u.roles
                .filter((r) => r.orgName)
                .map((r) => ` · ${pick(lang, r.orgName, r.orgNameEn)}`)
                .join('')}`,
            }))}
          />
        </Form.Item>
      </Form>
      {answer && (
        <Space direction="vertical" style={{ width: '100%' }} data-testid="assign-answer">
          <Alert type="success" showIcon message={t('panels.assigned_', { n: answer.created })} />
          {answer.skipped.length > 0 && (
            <>
              <Alert type="warning" showIcon message={t('panels.skipped', { n: answer.skipped.length })} />
              <Table
                size="small"
                rowKey={(s) => `${s.planId}|${s.raterId}`}
                pagination={{ pageSize: 5 }}
                dataSource={answer.skipped}
                data-testid="assign-skipped"
                columns={[
                  { title: t('panels.appraisee'), render: (_, s) => planName(s.planId) },
                  { title: t('panels.rater'), render: (_, s) => userName(s.raterId) },
                  {
                    title: t('panels.reason'),
                    render: (_, s) =>
                      s.reason === 'self-rating' ? t('panels.reasonSelf') : t('panels.reasonOwnUnit'),
                  },
                ]}
              />
            </>
          )}
        </Space>
      )}
    </Modal>
  );
}

interface ThirdPartyForm {
  username: string;
  displayName: string;
  displayNameEn?: string;
}

function ThirdPartyModal({ open, onClose }: { open: boolean; onClose: () => void }) {
  const { t } = useTranslation('evaluation');
  const [form] = Form.useForm<ThirdPartyForm>();
  const qc = useQueryClient();
  const [created, setCreated] = useState<{ user: { username: string }; password: string }>();
  const create = useMutation({
    mutationFn: (body: ThirdPartyForm) =>
      api.post<{ user: { username: string }; password: string }>('/api/evaluation/third-parties', {
        ...body,
        displayNameEn: body.displayNameEn?.trim() || undefined,
      }),
    onSuccess: (r) => {
      setCreated(r);
      void qc.invalidateQueries({ queryKey: ['users'] });
    },
    onError: (e) => void applyFieldErrors(form, e, ['username', 'displayName', 'displayNameEn']),
  });
  const close = () => {
    setCreated(undefined);
    form.resetFields();
    onClose();
  };
  return (
    <Modal
      open={open}
      title={t('panels.thirdParty')}
      onCancel={close}
      cancelText={t('console:common.cancel')}
      okText={created ? t('console:common.confirm') : t('panels.create')}
      okButtonProps={{ loading: create.isPending }}
      onOk={() => (created ? close() : form.submit())}
      destroyOnHidden
    >
      {created ? (
        <Space direction="vertical" style={{ width: '100%' }} data-testid="third-party-created">
          <Alert type="success" showIcon message={t('panels.created', { username: created.user.username })} />
          <Typography.Paragraph>{t('panels.passwordOnce')}</Typography.Paragraph>
          <Typography.Text code copyable style={{ fontSize: 16 }} data-testid="third-party-password">
            {created.password}
          </Typography.Text>
        </Space>
      ) : (
        <Form<ThirdPartyForm> form={form} layout="vertical" onFinish={(v) => create.mutate(v)}>
          <Form.Item
            name="username"
            label={t('panels.username')}
            rules={[{ required: true, pattern: /^[a-zA-Z0-9._-]{3,60}$/ }]}
          >
            <Input autoComplete="off" />
          </Form.Item>
          <Form.Item name="displayName" label={t('panels.orgName')} rules={[{ required: true }]}>
            <Input maxLength={200} />
          </Form.Item>
          <Form.Item name="displayNameEn" label={t('panels.orgNameEn')}>
            <Input maxLength={200} />
          </Form.Item>
        </Form>
      )}
    </Modal>
  );
}

import { useState } from 'react';
import { Alert, App, Button, Form, Modal, Select, Space, Table } from 'antd';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { applyFieldErrors } from '../../console/errors';
import { pick } from '../../i18n';
import { api, qs } from '../../shared/api';
import type { Cycle, Plan as PlanSummary } from '@perfcommons/contracts';
import type { AssignTasksReply, UserListReply } from '@perfcommons/contracts';
import { PANEL_SUBJECTS } from '@perfcommons/contracts/enums';

/** The role whose holders usually sit on a panel of this subject (heads rate their peers). */
const roleFor = (subject: string) =>
  subject === 'peer' || subject === 'subordinate' ? 'appraisee' : 'evaluator';

interface AssignForm {
  planIds: string[];
  subjectType: string;
  raterIds: string[];
}

export function AssignModal({
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
  const eligible = plans.filter((p) => p.can?.assignPanel);
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

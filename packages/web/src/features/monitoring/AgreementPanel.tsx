import { useState } from 'react';
import {
  App,
  Button,
  Card,
  Descriptions,
  Form,
  Input,
  InputNumber,
  List,
  Modal,
  Select,
  Space,
  Typography,
} from 'antd';
import { MinusCircleOutlined, PlusOutlined, PrinterOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { errorText } from '../../console/errors';
import { pick } from '../../i18n';
import { api } from '../../shared/api';
import { fmtDateTime } from '../../shared/format';
import type { Items } from '@perfcommons/contracts';
import type { PlanPermissions, PlanRevision as Revision, Signoff } from '@perfcommons/contracts';
import { ChangeList, RevisionTag } from './parts';
import type { IndicatorNode } from '../../shared/tree';

interface LeafOption {
  code: string;
  name: string;
  nameEn?: string;
}

const flatten = (nodes: IndicatorNode[]): LeafOption[] =>
  nodes.flatMap((n) => [{ code: n.code, name: n.name, nameEn: n.nameEn }, ...flatten(n.children ?? [])]);

/**
 * Target responsibility agreement 目标责任书 of an approved plan: sign-offs of both sides, and
 * mid-cycle revisions of targets or weights (request by the unit, decision by the office). Who may sign,
 * request or decide comes from the plan's `can` (computed by the server).
 */
export default function AgreementPanel({
  planId,
  can,
  tree,
}: {
  planId: string;
  /** What the user may do with the plan (the server's policy sent with it). */
  can: PlanPermissions;
  /** The plan's indicator tree (its nodes can be revised). */
  tree: IndicatorNode[];
}) {
  const { t, i18n } = useTranslation('monitoring');
  const lang = i18n.language;
  const { message, modal } = App.useApp();
  const qc = useQueryClient();
  const signoffs = useQuery({
    queryKey: ['signoffs', planId],
    queryFn: () => api.get<Items<Signoff>>(`/api/plans/${planId}/signoffs`).then((r) => r.items),
  });
  const revisions = useQuery({
    queryKey: ['revisions', planId],
    queryFn: () => api.get<Items<Revision>>(`/api/plans/${planId}/revisions`).then((r) => r.items),
  });
  const refresh = () => {
    void qc.invalidateQueries({ queryKey: ['signoffs', planId] });
    void qc.invalidateQueries({ queryKey: ['revisions', planId] });
    void qc.invalidateQueries({ queryKey: ['plan', planId] });
  };
  const onError = (e: unknown) => void message.error(errorText(e));
  const sign = useMutation({
    mutationFn: (side: string) => api.post(`/api/plans/${planId}/signoffs`, { side }),
    onSuccess: refresh,
    onError,
  });
  const decide = useMutation({
    mutationFn: (v: { id: string; decision: 'approved' | 'rejected'; reason?: string }) =>
      api.post(`/api/revisions/${v.id}/decide`, { decision: v.decision, reason: v.reason }),
    onSuccess: refresh,
    onError,
  });
  const [requesting, setRequesting] = useState(false);

  const sideRow = (side: 'appraisee' | 'office') => {
    const s = signoffs.data?.find((x) => x.side === side);
    const mine = side === 'office' ? can.signOffice : can.signAppraisee;
    return {
      key: side,
      label: t(`side.${side}`),
      children: s ? (
        t('signed', {
          name: pick(lang, s.userName, s.userNameEn),
          at: fmtDateTime(s.signedAt),
          v: s.planVersion,
        })
      ) : (
        <Space>
          <Typography.Text type="secondary">{t('unsigned')}</Typography.Text>
          {mine && (
            <Button
              size="small"
              type="primary"
              loading={sign.isPending}
              onClick={() => sign.mutate(side)}
              data-testid={`sign-${side}`}
            >
              {t('sign')}
            </Button>
          )}
        </Space>
      ),
    };
  };

  const reject = (id: string) => {
    let reason = '';
    modal.confirm({
      title: t('reject'),
      content: (
        <Input.TextArea
          rows={3}
          placeholder={t('rejectReason')}
          onChange={(e) => (reason = e.target.value)}
        />
      ),
      onOk: () => decide.mutateAsync({ id, decision: 'rejected', reason: reason.trim() }),
    });
  };

  return (
    <Card
      size="small"
      title={t('agreement')}
      data-testid="agreement-panel"
      className="pc-agreement"
      extra={
        // Prints the page as the agreement: the plan's indicators and targets above, this card, and
        // lines for both sides' signatures (console.css @media print).
        <Button
          size="small"
          icon={<PrinterOutlined />}
          onClick={() => window.print()}
          data-testid="print-agreement"
        >
          {t('printAgreement')}
        </Button>
      }
    >
      <Typography.Paragraph type="secondary">{t('signNote')}</Typography.Paragraph>
      <Descriptions size="small" column={1} items={[sideRow('appraisee'), sideRow('office')]} />
      <div className="pc-print-only pc-signatures" data-testid="agreement-signatures">
        <p>{t('signatureLine', { side: t('side.appraisee') })}</p>
        <p>{t('signatureLine', { side: t('side.office') })}</p>
      </div>
      <Space style={{ marginTop: 16, marginBottom: 8 }}>
        <Typography.Text strong>{t('revisions')}</Typography.Text>
        {can.requestRevision && (
          <Button
            size="small"
            icon={<PlusOutlined />}
            onClick={() => setRequesting(true)}
            data-testid="request-revision"
          >
            {t('requestRevision')}
          </Button>
        )}
      </Space>
      <List<Revision>
        size="small"
        loading={revisions.isLoading}
        locale={{ emptyText: t('noRevisions') }}
        dataSource={revisions.data ?? []}
        renderItem={(r) => (
          <List.Item
            actions={
              can.decideRevisions && r.status === 'pending'
                ? [
                    <Button
                      key="a"
                      size="small"
                      type="primary"
                      onClick={() => decide.mutate({ id: r.id, decision: 'approved' })}
                    >
                      {t('approve')}
                    </Button>,
                    <Button key="r" size="small" danger onClick={() => reject(r.id)}>
                      {t('reject')}
                    </Button>,
                  ]
                : []
            }
          >
            <Space direction="vertical" size={2}>
              <Space>
                <RevisionTag status={r.status} />
                <Typography.Text type="secondary">{fmtDateTime(r.requestedAt)}</Typography.Text>
                {r.newVersion && (
                  <Typography.Text type="secondary">
                    {t('versions', { from: r.previousVersion, to: r.newVersion })}
                  </Typography.Text>
                )}
              </Space>
              <ChangeList changes={r.changes} />
              <Typography.Text>{r.justification}</Typography.Text>
              {r.decisionReason && (
                <Typography.Text type="secondary">
                  {t('decisionReason')}: {r.decisionReason}
                </Typography.Text>
              )}
            </Space>
          </List.Item>
        )}
      />
      {requesting && (
        <RevisionModal
          planId={planId}
          nodes={flatten(tree)}
          onClose={() => {
            setRequesting(false);
            refresh();
          }}
        />
      )}
    </Card>
  );
}

function RevisionModal({
  planId,
  nodes,
  onClose,
}: {
  planId: string;
  nodes: LeafOption[];
  onClose: () => void;
}) {
  const { t, i18n } = useTranslation('monitoring');
  const { message } = App.useApp();
  const [form] = Form.useForm<{
    justification: string;
    changes: { code: string; field: 'target' | 'weight'; to: number }[];
  }>();
  const submit = useMutation({
    mutationFn: async () => api.post(`/api/plans/${planId}/revisions`, await form.validateFields()),
    onSuccess: onClose,
    onError: (e) => void message.error(errorText(e)),
  });
  return (
    <Modal
      open
      title={t('requestRevision')}
      onCancel={onClose}
      onOk={() => submit.mutate()}
      okText={t('submit')}
      confirmLoading={submit.isPending}
      width={640}
    >
      <Form form={form} layout="vertical" initialValues={{ changes: [{ field: 'target' }] }}>
        <Form.List name="changes">
          {(fields, { add, remove }) => (
            <>
              {fields.map((f) => (
                <Space key={f.key} align="baseline">
                  <Form.Item name={[f.name, 'code']} rules={[{ required: true }]}>
                    <Select
                      showSearch
                      optionFilterProp="label"
                      style={{ width: 260 }}
                      placeholder={t('indicator')}
                      options={nodes.map((n) => ({
                        value: n.code,
                        label: `${n.code} ${pick(i18n.language, n.name, n.nameEn)}`,
                      }))}
                    />
                  </Form.Item>
                  <Form.Item name={[f.name, 'field']} rules={[{ required: true }]}>
                    <Select
                      style={{ width: 100 }}
                      options={(['target', 'weight'] as const).map((v) => ({
                        value: v,
                        label: t(`field.${v}`),
                      }))}
                    />
                  </Form.Item>
                  <Form.Item name={[f.name, 'to']} rules={[{ required: true }]}>
                    <InputNumber placeholder={t('to')} />
                  </Form.Item>
                  {fields.length > 1 && <MinusCircleOutlined onClick={() => remove(f.name)} />}
                </Space>
              ))}
              <Button type="dashed" icon={<PlusOutlined />} onClick={() => add({ field: 'weight' })}>
                {t('addChange')}
              </Button>
            </>
          )}
        </Form.List>
        <Form.Item
          name="justification"
          label={t('justification')}
          extra={t('justificationHint')}
          rules={[{ required: true, min: 10 }]}
          style={{ marginTop: 16 }}
        >
          <Input.TextArea rows={3} maxLength={4000} />
        </Form.Item>
      </Form>
    </Modal>
  );
}

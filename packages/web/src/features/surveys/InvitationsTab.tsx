import { useState } from 'react';
import { Alert, App, Button, Select, Space, Table, Tag, Typography, type ButtonProps } from 'antd';
import { DownloadOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { useStrataLabel } from './useStrataLabel';
import { errorText } from '../../console/errors';
import { api, qs } from '../../shared/api';
import { fmtDateTime } from '../../shared/format';
import {
  INVITATION_OUTCOMES as OUTCOMES,
  type InvitationOutcome as Outcome,
} from '@perfcommons/contracts/enums';
import type {
  Invitation as InvitationRow,
  InvitationListReply,
  IssuedInvitation as Issued,
  IssuedInvitationsReply,
  SurveyDetailReply as SurveyDetail,
} from '@perfcommons/contracts';

function downloadCsv(name: string, rows: (string | number | null)[][]) {
  const esc = (x: unknown) => {
    let s = String(x ?? '');
    // A cell a spreadsheet would run as a formula is written as text (as the server's lib/export.ts does).
    if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
    return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  const blob = new Blob(['\uFEFF' + rows.map((r) => r.map(esc).join(',')).join('\r\n')], {
    type: 'text/csv',
  });
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = name;
  a.click();
  URL.revokeObjectURL(a.href);
}

/** Invitations of the sample: issue links and codes, list them, record outcomes. */
export function InvitationsTab({ detail }: { detail: SurveyDetail }) {
  const { t } = useTranslation('surveys');
  const stratumLabel = useStrataLabel(detail.survey.strataFields);
  const { message, modal } = App.useApp();
  const qc = useQueryClient();
  const id = detail.survey.id;
  const [status, setStatus] = useState<string>();
  const [page, setPage] = useState(1);
  const [issued, setIssued] = useState<Issued[]>();
  const list = useQuery({
    queryKey: ['survey-invitations', id, status, page],
    queryFn: () =>
      api.get<InvitationListReply>(
        `/api/surveys/${id}/invitations${qs({ status, limit: 50, offset: (page - 1) * 50 })}`,
      ),
  });
  const save = (items: Issued[]) =>
    downloadCsv(`invitations-${detail.survey.code}.csv`, [
      ['externalId', 'stratum', 'contact', 'shortCode', 'link'],
      ...items.map((x) => [x.externalId, x.stratum, x.contact, x.shortCode, `${location.origin}${x.link}`]),
    ]);
  const issue = useMutation({
    mutationFn: () => api.post<IssuedInvitationsReply>(`/api/surveys/${id}/invitations/issue`, {}),
    onSuccess: (r) => {
      setIssued(r.items);
      if (r.items.length) save(r.items);
      void qc.invalidateQueries({ queryKey: ['survey-invitations', id] });
    },
    onError: (e) => void message.error(errorText(e)),
  });
  // The file again after leaving the page: only hashes are kept, so the invitations not answered yet
  // get new links and codes (the old ones stop working), after an explicit confirmation.
  const regenerate = useMutation({
    mutationFn: () =>
      api.post<IssuedInvitationsReply>(`/api/surveys/${id}/invitations/regenerate`, { confirm: true }),
    onSuccess: (r) => {
      setIssued(r.items);
      if (r.items.length) save(r.items);
      void message.success(t('inv.regenerated', { n: r.items.length }));
      void qc.invalidateQueries({ queryKey: ['survey-invitations', id] });
    },
    onError: (e) => void message.error(errorText(e)),
  });
  const confirmRegenerate = () =>
    modal.confirm({
      title: t('inv.regenerate'),
      content: t('inv.regenerateConfirm'),
      okText: t('inv.regenerateOk'),
      okButtonProps: { danger: true, 'data-testid': 'inv-regenerate-ok' } as ButtonProps,
      onOk: () => regenerate.mutateAsync(),
    });
  const setOutcome = useMutation({
    mutationFn: (x: { invitationId: string; outcome: Outcome | null }) =>
      api.put(`/api/surveys/${id}/invitations/${x.invitationId}/outcome`, { outcome: x.outcome }),
    onSuccess: () => {
      void message.success(t('oc.saved'));
      void qc.invalidateQueries({ queryKey: ['survey-invitations', id] });
      void qc.invalidateQueries({ queryKey: ['survey-fieldwork', id] });
    },
    onError: (e) => void message.error(errorText(e)),
  });
  const { can } = detail;
  return (
    <>
      <Space style={{ marginBottom: 12 }} wrap>
        <Button
          type="primary"
          onClick={() => issue.mutate()}
          loading={issue.isPending}
          disabled={!can.issueInvitations || !detail.sample}
        >
          {t('inv.issue')}
        </Button>
        {issued && issued.length > 0 && (
          <Button icon={<DownloadOutlined />} onClick={() => save(issued)}>
            {t('inv.download')}
          </Button>
        )}
        {!issued?.length && (
          <Button
            icon={<DownloadOutlined />}
            onClick={confirmRegenerate}
            loading={regenerate.isPending}
            disabled={!can.issueInvitations || !detail.sample}
            data-testid="inv-regenerate"
          >
            {t('inv.regenerate')}
          </Button>
        )}
        <Select
          allowClear
          style={{ width: 160 }}
          value={status}
          onChange={(v) => {
            setStatus(v);
            setPage(1);
          }}
          placeholder={t('list.status')}
          aria-label={t('list.status')}
          options={(['sampled', 'issued', 'partial', 'answered'] as const).map((v) => ({
            value: v,
            label: t(`inv.status.${v}`),
          }))}
        />
      </Space>
      {issued && (
        <Alert
          style={{ marginBottom: 12 }}
          type={issued.length ? 'success' : 'info'}
          showIcon
          message={issued.length ? t('inv.issued', { n: issued.length }) : t('inv.none')}
        />
      )}
      <Typography.Paragraph type="secondary">{t('inv.hint')}</Typography.Paragraph>
      <Table<InvitationRow>
        rowKey="id"
        size="small"
        loading={list.isLoading}
        dataSource={list.data?.items ?? []}
        pagination={{
          current: page,
          pageSize: 50,
          total: list.data?.total ?? 0,
          showSizeChanger: false,
          onChange: setPage,
          showTotal: (n) => t('inv.total', { n }),
        }}
        columns={[
          { title: t('inv.externalId'), dataIndex: 'externalId' },
          { title: t('sample.stratum'), dataIndex: 'stratum', render: (k: string) => stratumLabel(k) },
          {
            title: t('list.status'),
            dataIndex: 'status',
            render: (v: InvitationRow['status']) => (
              <Tag
                color={
                  v === 'answered' ? 'green' : v === 'partial' ? 'gold' : v === 'issued' ? 'blue' : 'default'
                }
              >
                {t(`inv.status.${v}`)}
              </Tag>
            ),
          },
          {
            title: t('oc.outcome'),
            dataIndex: 'outcome',
            render: (v: Outcome | null, r) =>
              r.status === 'answered' ? (
                t('oc.outcomes.completed')
              ) : can.recordOutcomes ? (
                <Select<Outcome>
                  size="small"
                  allowClear
                  style={{ width: 140 }}
                  value={v ?? undefined}
                  placeholder={t('oc.outcomes.unknown')}
                  aria-label={t('oc.outcomes.unknown')}
                  onChange={(o) => setOutcome.mutate({ invitationId: r.id, outcome: o ?? null })}
                  options={OUTCOMES.map((o) => ({ value: o, label: t(`oc.outcomes.${o}`) }))}
                />
              ) : v ? (
                t(`oc.outcomes.${v}`)
              ) : (
                ''
              ),
          },
          {
            title: t('inv.mode'),
            dataIndex: 'mode',
            render: (v: string | null) => (v ? t(`fw.modes.${v as 'web'}`) : ''),
          },
          {
            title: t('inv.submittedAt'),
            dataIndex: 'submittedAt',
            render: (v: string | null) => fmtDateTime(v),
          },
        ]}
      />
    </>
  );
}

/** The selected result's published revisions (what changed and why) and the office's correction of a value. */
import { useState } from 'react';
import {
  Alert,
  App,
  Button,
  Card,
  Empty,
  Form,
  Input,
  InputNumber,
  Modal,
  Space,
  Tag,
  Timeline,
  Typography,
} from 'antd';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { applyFieldErrors, errorText } from '../../console/errors';
import { pick } from '../../i18n';
import { api } from '../../shared/api';
import { fmtDateTime, fmtNum } from '../../shared/format';
import type { Cycle, ResultItem as Result, ResultRevision } from '@perfcommons/contracts';
import './publication-i18n';

/** "What changed" of a revision, in words. */
export function RevisionChanges({ r }: { r: ResultRevision }) {
  const { t } = useTranslation('publication');
  const fields = Object.entries(r.changes.fields ?? {});
  const show = (v: unknown): string =>
    Array.isArray(v)
      ? v
          .map((c: { kind?: string }) => t(`common:consequence.${c.kind}`, { defaultValue: c.kind }))
          .join('、') || '—'
      : typeof v === 'number'
        ? fmtNum(v)
        : v === null || v === undefined
          ? '—'
          : typeof v === 'string'
            ? t(`common:grade.${v}`, { defaultValue: v })
            : '…';
  return (
    <Space direction="vertical" size={0}>
      {r.changes.input && (
        <span>
          {t('input', {
            code: r.changes.input.indicatorCode,
            period: r.changes.input.period,
            from: r.changes.input.from === null ? '—' : fmtNum(r.changes.input.from),
            to: fmtNum(r.changes.input.to),
          })}
        </span>
      )}
      {r.changes.cause && r.changes.cause in { peer: 1, republication: 1 } && (
        <Typography.Text type="secondary">{t(`cause.${r.changes.cause}`)}</Typography.Text>
      )}
      {r.revision > 1 &&
        (fields.length ? (
          <span>
            {t('changed')}
            {fields
              .map(([f, c]) => `${t(`field.${f}`, { defaultValue: f })} ${show(c.from)} → ${show(c.to)}`)
              .join('；')}
          </span>
        ) : (
          <Typography.Text type="secondary">{t('unchanged')}</Typography.Text>
        ))}
    </Space>
  );
}

/** Published revisions of the selected result, with the office's correction of a value. */
export function ResultRevisionsCard({
  result,
  cycle,
  office,
}: {
  result?: Result;
  cycle: Cycle;
  office: boolean;
}) {
  const { t, i18n } = useTranslation('publication');
  const lang = i18n.language;
  const [correcting, setCorrecting] = useState(false);
  const revisions = useQuery({
    queryKey: ['revisions', result?.id],
    enabled: !!result,
    queryFn: () =>
      api.get<{ items: ResultRevision[] }>(`/api/results/${result!.id}/revisions`).then((r) => r.items),
  });
  const name = result ? pick(lang, result.appraiseeName, result.appraiseeNameEn) : '';
  return (
    <Card
      title={result ? t('revisions', { name }) : t('revisionsEmpty')}
      size="small"
      data-testid="result-revisions"
      extra={
        office &&
        result &&
        cycle.resultsPublishedAt && (
          <Button size="small" data-testid="correct-value" onClick={() => setCorrecting(true)}>
            {t('correct')}
          </Button>
        )
      }
    >
      {!result && <Empty description={t('revisionsHint')} />}
      {revisions.error && <Alert type="error" message={errorText(revisions.error)} />}
      {result && revisions.data?.length === 0 && <Empty description={t('noRevisions')} />}
      {result && (revisions.data?.length ?? 0) > 0 && (
        <Timeline
          items={revisions.data!.map((r) => ({
            color: r.kind === 'publication' ? 'blue' : 'orange',
            children: (
              <Space direction="vertical" size={0}>
                <span>
                  <Tag color={r.kind === 'publication' ? 'blue' : 'orange'}>
                    {t('revision', { n: r.revision })}
                  </Tag>
                  {t(`kind.${r.kind}`)} · <strong>{fmtNum(r.snapshot.total)}</strong>
                  {r.snapshot.grade ? ` · ${t(`common:grade.${r.snapshot.grade}`)}` : ''}
                  {r.snapshot.rank != null ? ` · #${r.snapshot.rank}` : ''}
                </span>
                <RevisionChanges r={r} />
                {r.reason && <Typography.Text>{r.reason}</Typography.Text>}
                <Typography.Text type="secondary">
                  {t('approvedBy', {
                    name: pick(lang, r.approverName, r.approverNameEn) || t('system'),
                    at: fmtDateTime(r.at),
                  })}
                </Typography.Text>
              </Space>
            ),
          }))}
        />
      )}
      {result && (
        <CorrectionModal
          open={correcting}
          result={result}
          cycle={cycle}
          onClose={() => setCorrecting(false)}
        />
      )}
    </Card>
  );
}

interface CorrectionForm {
  indicatorCode: string;
  period?: string;
  value: number;
  justification: string;
}

function CorrectionModal({
  open,
  result,
  cycle,
  onClose,
}: {
  open: boolean;
  result: Result;
  cycle: Cycle;
  onClose: () => void;
}) {
  const { t, i18n } = useTranslation('publication');
  const { message } = App.useApp();
  const qc = useQueryClient();
  const [form] = Form.useForm<CorrectionForm>();
  const correct = useMutation({
    mutationFn: (v: CorrectionForm) =>
      api.post<{ revisions: unknown[] }>(`/api/cycles/${cycle.id}/corrections`, {
        planId: result.planId,
        indicatorCode: v.indicatorCode.trim(),
        period: v.period?.trim() || undefined,
        value: v.value,
        justification: v.justification,
      }),
    onSuccess: (r) => {
      void message.success(t('corrected', { n: r.revisions.length }));
      void qc.invalidateQueries({ queryKey: ['results', cycle.id] });
      void qc.invalidateQueries({ queryKey: ['revisions'] });
      void qc.invalidateQueries({ queryKey: ['result'] });
      form.resetFields();
      onClose();
    },
    onError: (e) => {
      const rest = applyFieldErrors(form, e, ['indicatorCode', 'period', 'value', 'justification']);
      if (rest.length) void message.error(rest.join('; '));
    },
  });
  return (
    <Modal
      open={open}
      title={t('correctTitle', { name: pick(i18n.language, result.appraiseeName, result.appraiseeNameEn) })}
      okText={t('console:common.confirm')}
      cancelText={t('console:common.cancel')}
      onCancel={onClose}
      onOk={() => form.submit()}
      okButtonProps={{ loading: correct.isPending, 'data-testid': 'correct-submit' }}
      destroyOnHidden
    >
      <Typography.Paragraph type="secondary">{t('correctHelp')}</Typography.Paragraph>
      <Form<CorrectionForm> form={form} layout="vertical" onFinish={(v) => correct.mutate(v)}>
        <Form.Item name="indicatorCode" label={t('indicator')} rules={[{ required: true }]}>
          <Input style={{ width: 200 }} data-testid="correct-indicator" />
        </Form.Item>
        <Form.Item name="period" label={t('period')} rules={[{ pattern: /^\d{4}(-(Q[1-4]|H[12]|\d{2}))?$/ }]}>
          <Input style={{ width: 200 }} placeholder={cycle.periodEnd.slice(0, 4)} />
        </Form.Item>
        <Form.Item name="value" label={t('value')} rules={[{ required: true }]}>
          <InputNumber style={{ width: 200 }} data-testid="correct-value-input" />
        </Form.Item>
        <Form.Item name="justification" label={t('justification')} rules={[{ required: true, min: 5 }]}>
          <Input.TextArea rows={3} maxLength={5000} data-testid="correct-justification" />
        </Form.Item>
      </Form>
    </Modal>
  );
}

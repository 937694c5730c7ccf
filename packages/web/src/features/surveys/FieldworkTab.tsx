import { useState } from 'react';
import { App, Button, Card, Col, InputNumber, Progress, Row, Space, Table, Typography } from 'antd';
import { ReloadOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { useStrataLabel } from './useStrataLabel';
import { errorText } from '../../console/errors';
import { pick } from '../../i18n';
import { api } from '../../shared/api';
import { InterviewEntry } from './InterviewEntry';
import { OutcomeEntry } from './OutcomeEntry';
import type {
  Dispositions,
  FieldworkReply as Fieldwork,
  SurveyDetailReply as SurveyDetail,
} from '@perfcommons/contracts';

const pct = (x: number | null | undefined) => (x == null ? '—' : `${(x * 100).toFixed(1)}%`);

/** Live fieldwork per stratum, by mode and interviewer, quotas and AAPOR dispositions. */
export function FieldworkTab({ detail }: { detail: SurveyDetail }) {
  const { t, i18n } = useTranslation('surveys');
  const stratumLabel = useStrataLabel(detail.survey.strataFields);
  const { message } = App.useApp();
  const qc = useQueryClient();
  const id = detail.survey.id;
  const fw = useQuery({
    queryKey: ['survey-fieldwork', id],
    queryFn: () => api.get<Fieldwork>(`/api/surveys/${id}/fieldwork`),
    // Live while answers come in.
    refetchInterval: detail.can.enterInterviews ? 10_000 : false,
  });
  const [quotas, setQuotas] = useState<Record<string, number | null>>({});
  const saveQuotas = useMutation({
    mutationFn: () => {
      const merged: Record<string, number> = { ...detail.survey.quotas };
      for (const [k, v] of Object.entries(quotas)) {
        if (v == null) delete merged[k];
        else merged[k] = v;
      }
      return api.patch(`/api/surveys/${id}`, { quotas: merged });
    },
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: ['survey', id] });
      void qc.invalidateQueries({ queryKey: ['survey-fieldwork', id] });
      setQuotas({});
    },
    onError: (e) => void message.error(errorText(e)),
  });
  const d = fw.data;
  return (
    <Row gutter={[16, 16]}>
      <Col span={24}>
        <Space style={{ marginBottom: 8 }}>
          <Button icon={<ReloadOutlined />} onClick={() => void fw.refetch()}>
            {t('fw.refresh')}
          </Button>
          <Button
            onClick={() => saveQuotas.mutate()}
            disabled={!Object.keys(quotas).length}
            loading={saveQuotas.isPending}
          >
            {t('fw.saveQuotas')}
          </Button>
          {detail.can.enterInterviews && detail.version && (
            <InterviewEntry surveyId={id} definition={detail.version.definition} />
          )}
          {detail.can.recordOutcomes && <OutcomeEntry surveyId={id} />}
        </Space>
        <Table
          size="small"
          rowKey="stratum"
          loading={fw.isLoading}
          dataSource={d?.strata ?? []}
          pagination={{ pageSize: 24 }}
          data-testid="fieldwork-table"
          summary={() =>
            d && (
              <Table.Summary.Row>
                <Table.Summary.Cell index={0}>{t('fw.total')}</Table.Summary.Cell>
                <Table.Summary.Cell index={1} align="right">
                  {d.total.sampled}
                </Table.Summary.Cell>
                <Table.Summary.Cell index={2} />
                <Table.Summary.Cell index={3} />
                <Table.Summary.Cell index={4} align="right">
                  {d.total.responses}
                </Table.Summary.Cell>
                <Table.Summary.Cell index={5} align="right">
                  {d.total.open}
                </Table.Summary.Cell>
                <Table.Summary.Cell index={6}>{pct(d.total.responseRate)}</Table.Summary.Cell>
                <Table.Summary.Cell index={7} />
              </Table.Summary.Row>
            )
          }
          columns={[
            { title: t('sample.stratum'), dataIndex: 'stratum', render: (k: string) => stratumLabel(k) },
            { title: t('fw.sampled'), dataIndex: 'sampled', align: 'right' },
            { title: t('fw.issued'), dataIndex: 'issued', align: 'right' },
            { title: t('fw.partial'), dataIndex: 'partial', align: 'right' },
            { title: t('fw.responses'), dataIndex: 'responses', align: 'right' },
            { title: t('fw.open'), dataIndex: 'open', align: 'right' },
            {
              title: t('fw.rate'),
              dataIndex: 'responseRate',
              width: 180,
              render: (v: number | null) =>
                v == null ? '—' : <Progress percent={Math.round(v * 1000) / 10} size="small" />,
            },
            {
              title: t('fw.quota'),
              dataIndex: 'quota',
              render: (v: number | null, r) => (
                <InputNumber
                  size="small"
                  min={0}
                  value={r.stratum in quotas ? quotas[r.stratum] : v}
                  onChange={(x) => setQuotas({ ...quotas, [r.stratum]: x })}
                />
              ),
            },
          ]}
        />
      </Col>
      <Col span={24}>
        <Card size="small" title={t('oc.title')}>
          <Table<Dispositions & { stratum: string }>
            size="small"
            rowKey="stratum"
            pagination={false}
            scroll={{ x: true }}
            data-testid="outcomes-table"
            dataSource={d ? [...d.outcomes.strata, { stratum: t('fw.total'), ...d.outcomes.total }] : []}
            columns={[
              { title: t('sample.stratum'), dataIndex: 'stratum', render: (k: string) => stratumLabel(k) },
              ...(['complete', 'partial', 'refused', 'nonContact', 'ineligible', 'unknown'] as const).map(
                (k) => ({ title: t(`oc.${k}`), dataIndex: k, align: 'right' as const }),
              ),
              ...(['rr1', 'coop1', 'ref1', 'con1'] as const).map((k) => ({
                title: t(`oc.${k}`),
                dataIndex: k,
                align: 'right' as const,
                render: (v: number | null) => pct(v),
              })),
            ]}
          />
          <Typography.Paragraph type="secondary" style={{ marginTop: 8, marginBottom: 0 }}>
            {t('oc.hint')}
          </Typography.Paragraph>
        </Card>
      </Col>
      <Col xs={24} md={8}>
        <Card size="small" title={t('fw.byMode')}>
          <Table
            size="small"
            rowKey="mode"
            pagination={false}
            dataSource={d?.byMode ?? []}
            columns={[
              { title: t('inv.mode'), dataIndex: 'mode', render: (v: string) => t(`fw.modes.${v as 'web'}`) },
              { title: t('fw.count'), dataIndex: 'n', align: 'right' },
            ]}
          />
        </Card>
      </Col>
      <Col xs={24} md={16}>
        <Card size="small" title={t('fw.byInterviewer')}>
          <Table
            size="small"
            rowKey={(r) => `${r.interviewerId}|${r.mode}`}
            pagination={false}
            dataSource={d?.byInterviewer ?? []}
            columns={[
              { title: t('fw.interviewer'), render: (_, r) => pick(i18n.language, r.name, r.nameEn) },
              { title: t('inv.mode'), dataIndex: 'mode', render: (v: string) => t(`fw.modes.${v as 'web'}`) },
              { title: t('fw.count'), dataIndex: 'n', align: 'right' },
            ]}
          />
        </Card>
      </Col>
    </Row>
  );
}

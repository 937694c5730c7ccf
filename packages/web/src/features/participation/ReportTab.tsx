import { Alert, Space, Table, Tag } from 'antd';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { errorText } from '../../console/errors';
import { pick } from '../../i18n';
import { api, qs } from '../../shared/api';
import type { ParticipationReportReply } from '@perfcommons/contracts';

const pct = (x: number) => `${Math.round(x * 100)}%`;

export function ReportTab({ cycleId, unitId }: { cycleId: string; unitId?: string }) {
  const { t, i18n } = useTranslation('participation');
  const report = useQuery({
    queryKey: ['part-report', cycleId, unitId ?? ''],
    queryFn: () =>
      api.get<ParticipationReportReply>(`/api/participation/report${qs({ cycleId, orgUnitId: unitId })}`),
  });
  if (report.error) return <Alert type="error" showIcon message={errorText(report.error)} />;
  const cat = (o: Record<string, number>) =>
    Object.entries(o)
      .map(([k, v]) => `${t(`category2.${k}`, { defaultValue: k })} ${v}`)
      .join('，');
  return (
    <Table
      rowKey="planId"
      size="small"
      loading={report.isLoading}
      dataSource={report.data?.items ?? []}
      pagination={{ pageSize: 20 }}
      data-testid="part-report"
      expandable={{
        expandedRowRender: (item) => (
          <Table
            rowKey="link"
            size="small"
            pagination={false}
            dataSource={item.links}
            columns={[
              { title: '', dataIndex: 'link', render: (l: string) => t(`report.link.${l}`) },
              { title: t('report.participants'), dataIndex: 'n' },
              { title: t('report.high'), render: (_, l) => pct(l.summary.highRelevanceShare) },
              { title: t('report.highInput'), render: (_, l) => pct(l.highInputShare) },
              {
                title: t('report.meanRel'),
                render: (_, l) => (l.meanRelevance === null ? '–' : l.meanRelevance.toFixed(2)),
              },
              { title: t('report.categories'), render: (_, l) => cat(l.summary.byCategory) },
              {
                title: t('report.districts'),
                render: (_, l) =>
                  Object.entries(l.summary.byDistrict)
                    .map(([k, v]) => `${k} ${v}`)
                    .join('，'),
              },
              {
                title: t('report.warnings'),
                render: (_, l) =>
                  l.warnings.length
                    ? l.warnings.map((w) => (
                        <Tag key={w.kind} color="orange" title={w.message}>
                          {t(`report.warning.${w.kind}`)}
                        </Tag>
                      ))
                    : t('report.none'),
              },
            ]}
          />
        ),
      }}
      columns={[
        { title: '', render: (_, r) => pick(i18n.language, r.appraiseeName, r.appraiseeNameEn) },
        { title: t('report.participants'), dataIndex: 'participants', width: 100 },
        {
          title: t('report.warnings'),
          render: (_, r) => (
            <Space wrap size={4}>
              {r.warnings.map((w, i) => (
                <Tag key={i} color="orange" title={w.message}>
                  {t(`report.link.${w.link}`)}: {t(`report.warning.${w.kind}`)}
                </Tag>
              ))}
            </Space>
          ),
        },
      ]}
    />
  );
}

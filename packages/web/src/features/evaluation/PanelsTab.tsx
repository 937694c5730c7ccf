import { useState } from 'react';
import { Alert, Button, Card, Progress, Select, Space, Table, Tag, Tooltip, Typography } from 'antd';
import { TeamOutlined, UserAddOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { errorText } from '../../console/errors';
import { usePlans } from '../../console/queries';
import { pick } from '../../i18n';
import { api } from '../../shared/api';
import type { Cycle } from '@perfcommons/contracts';
import type { Panel, PanelListReply, RulesReply } from '@perfcommons/contracts';
import { AssignModal } from './AssignModal';
import { ThirdPartyModal } from './ThirdPartyModal';

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

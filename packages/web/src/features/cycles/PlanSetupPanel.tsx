import { useMemo, useState } from 'react';
import { Alert, App, Button, Card, Form, Radio, Select, Space, Table, Tag, Typography } from 'antd';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { errorText } from '../../console/errors';
import { useCycles, useOrgs } from '../../console/queries';
import { pick } from '../../i18n';
import { peerGroupLabel } from '../../shared/format';
import type { Cycle } from '@perfcommons/contracts';
import {
  bulkCreatePlans,
  ownerName,
  usePlanTemplates,
  type PlanSource,
  type PlanTarget,
  type SetupOutcome,
  type SetupResult,
} from '../plans/setupApi';

type Who = 'allUnits' | 'peerGroupUnits' | 'cadres';
interface SetupForm {
  who: Who;
  peerGroup?: string;
  sourceKind: 'template' | 'copy';
  template?: string;
  fromCycleId?: string;
  fallbackTemplate?: string;
}

const OUTCOME_COLOR = { created: 'green', exists: 'default', skipped: 'orange' } as const;

/**
 * 生成考核计划: the office creates the cycle's draft plans in bulk (units, one peer group, or cadres
 * whose term overlaps the cycle) from a template or from an earlier cycle's plans, and sees what
 * happened to each appraisee. Shown in mission analysis and planning only.
 */
export function PlanSetupPanel({ cycle }: { cycle: Cycle }) {
  const { t, i18n } = useTranslation('plans');
  const lang = i18n.language;
  const { message } = App.useApp();
  const qc = useQueryClient();
  const [form] = Form.useForm<SetupForm>();
  const who = Form.useWatch('who', form) ?? 'allUnits';
  const sourceKind = Form.useWatch('sourceKind', form) ?? 'template';
  const templates = usePlanTemplates();
  const orgs = useOrgs();
  const cycles = useCycles();
  const [result, setResult] = useState<SetupResult>();
  const appraiseeType = who === 'cadres' ? 'cadre' : 'unit';

  const peerGroups = useMemo(
    () => [...new Set((orgs.data ?? []).map((o) => o.peerGroup).filter((g): g is string => !!g))].sort(),
    [orgs.data],
  );
  const templateOptions = (templates.data ?? [])
    .filter((x) => x.appraiseeTypes.includes(appraiseeType))
    .map((x) => ({
      value: x.id,
      label: `${pick(lang, x.name, x.nameEn)}（${t('setup.leaves', { n: x.leaves })}）`,
      title: pick(lang, x.description, x.descriptionEn),
    }));
  const templateName = (id?: string) => {
    const x = templates.data?.find((y) => y.id === id);
    return x ? pick(lang, x.name, x.nameEn) : (id ?? '');
  };
  // Earlier cycles, the latest first.
  const earlier = (cycles.data ?? [])
    .filter((c) => c.id !== cycle.id && c.periodStart < cycle.periodStart)
    .sort((a, b) => b.periodStart.localeCompare(a.periodStart));

  const run = useMutation({
    mutationFn: (v: SetupForm) => {
      const target: PlanTarget = { appraiseeType };
      if (v.peerGroup && who !== 'allUnits') target.peerGroup = v.peerGroup;
      const source: PlanSource =
        v.sourceKind === 'template'
          ? { kind: 'template', template: v.template! }
          : {
              kind: 'copy',
              fromCycleId: v.fromCycleId!,
              ...(v.fallbackTemplate ? { fallbackTemplate: v.fallbackTemplate } : {}),
            };
      return bulkCreatePlans({ cycleId: cycle.id, target, source });
    },
    onSuccess: (r) => {
      setResult(r);
      void qc.invalidateQueries({ queryKey: ['plans'] });
      if (r.created) void message.success(t('setup.summary', counts(r)));
      else void message.info(t('setup.noneCreated'));
    },
    onError: (e) => void message.error(errorText(e)),
  });

  if (!cycle.can?.setUpPlans) return null;

  const how = (o: SetupOutcome) => {
    if (o.outcome !== 'created') return null;
    if (o.source === 'copy')
      return (
        <Space size={4}>
          <Tag color="blue">{t('setup.copiedTag')}</Tag>
          {!!o.targetsToSet && <Tag color="gold">{t('setup.targetsToSet', { n: o.targetsToSet })}</Tag>}
        </Space>
      );
    return o.fallback ? (
      <Tag color="purple">{t('setup.fallbackTag', { name: templateName(o.templateId) })}</Tag>
    ) : (
      <Tag>{t('setup.fromTemplateTag', { name: templateName(o.templateId) })}</Tag>
    );
  };

  return (
    <Card title={t('setup.title')} data-testid="plan-setup">
      <Typography.Paragraph type="secondary">{t('setup.intro')}</Typography.Paragraph>
      <Form<SetupForm>
        form={form}
        layout="vertical"
        initialValues={{ who: 'allUnits', sourceKind: 'template' }}
        onFinish={(v) => run.mutate(v)}
        style={{ maxWidth: 720 }}
      >
        <Form.Item name="who" label={t('setup.target')}>
          <Radio.Group
            onChange={() => form.setFieldsValue({ template: undefined, fallbackTemplate: undefined })}
            options={(['allUnits', 'peerGroupUnits', 'cadres'] as const).map((v) => ({
              value: v,
              label: t(`setup.${v}`),
            }))}
          />
        </Form.Item>
        {who !== 'allUnits' && (
          <Form.Item
            name="peerGroup"
            label={t('setup.peerGroup')}
            rules={who === 'peerGroupUnits' ? [{ required: true }] : []}
          >
            <Select
              allowClear={who === 'cadres'}
              placeholder={who === 'cadres' ? t('setup.peerGroupAll') : undefined}
              data-testid="setup-peer-group"
              options={peerGroups.map((g) => ({ value: g, label: peerGroupLabel(t, g) }))}
            />
          </Form.Item>
        )}
        <Form.Item name="sourceKind" label={t('setup.source')}>
          <Radio.Group
            options={[
              { value: 'template', label: t('setup.fromTemplate') },
              { value: 'copy', label: t('setup.fromCycle'), disabled: earlier.length === 0 },
            ]}
          />
        </Form.Item>
        {sourceKind === 'template' ? (
          <Form.Item name="template" label={t('setup.template')} rules={[{ required: true }]}>
            <Select options={templateOptions} loading={templates.isLoading} data-testid="setup-template" />
          </Form.Item>
        ) : (
          <>
            <Form.Item name="fromCycleId" label={t('setup.fromCycleLabel')} rules={[{ required: true }]}>
              <Select
                data-testid="setup-from-cycle"
                options={earlier.map((c) => ({ value: c.id, label: pick(lang, c.name, c.nameEn) }))}
              />
            </Form.Item>
            <Form.Item name="fallbackTemplate" label={t('setup.fallback')}>
              <Select
                allowClear
                placeholder={t('setup.fallbackNone')}
                options={templateOptions}
                data-testid="setup-fallback"
              />
            </Form.Item>
            <Alert type="info" showIcon message={t('setup.copyHint')} style={{ marginBottom: 16 }} />
          </>
        )}
        <Button type="primary" htmlType="submit" loading={run.isPending} data-testid="setup-run">
          {run.isPending ? t('setup.running') : t('setup.run')}
        </Button>
      </Form>

      {result && (
        <div style={{ marginTop: 24 }} data-testid="setup-result">
          <Alert
            type={result.skipped ? 'warning' : 'success'}
            showIcon
            message={result.created ? t('setup.summary', counts(result)) : t('setup.noneCreated')}
            description={result.created ? undefined : t('setup.summary', counts(result))}
            style={{ marginBottom: 12 }}
          />
          <Table<SetupOutcome>
            size="small"
            rowKey={(o) => `${o.orgUnitId}|${o.personId ?? ''}`}
            dataSource={[...result.items].sort((a, b) => ORDER[a.outcome] - ORDER[b.outcome] || 0)}
            pagination={{ pageSize: 10 }}
            columns={[
              {
                title: t('appraisee'),
                render: (_, o) => pick(lang, o.appraiseeName, o.appraiseeNameEn),
              },
              {
                title: t('setup.outcome'),
                dataIndex: 'outcome',
                render: (v: SetupOutcome['outcome']) => (
                  <Tag color={OUTCOME_COLOR[v]}>{t(`setup.outcomes.${v}`)}</Tag>
                ),
              },
              {
                title: t('titleCol'),
                render: (_, o) =>
                  o.outcome === 'skipped' ? (
                    <Typography.Text type="warning">{t(`setup.reasons.${o.reason}`)}</Typography.Text>
                  ) : (
                    <Link to={`/plans/${o.planId}`}>{pick(lang, o.title, o.titleEn)}</Link>
                  ),
              },
              { title: t('setup.how'), render: (_, o) => how(o) },
              {
                title: t('owner.column'),
                render: (_, o) =>
                  o.outcome !== 'created' ? null : o.owner ? (
                    ownerName(lang, o.owner)
                  ) : (
                    <Tag color="orange">{t('owner.none')}</Tag>
                  ),
              },
            ]}
          />
        </div>
      )}
    </Card>
  );
}

const ORDER = { skipped: 0, created: 1, exists: 2 } as const;
const counts = ({ created, existing, skipped, withoutOwner }: SetupResult) => ({
  created,
  existing,
  skipped,
  withoutOwner,
});

import { useState } from 'react';
import { Card, Select, Space, Tabs } from 'antd';
import { useTranslation } from 'react-i18next';
import { useNavigate, useParams } from 'react-router-dom';
import { useMe } from '../../console/auth';
import { useCrumbs } from '../../console/crumbs';
import { CycleSelect, useCycleParam } from '../../console/CycleSelect';
import { useOrgs, usePlans } from '../../console/queries';
import { pick } from '../../i18n';
import { CommentsTab } from './CommentsTab';
import { CounselingTab } from './CounselingTab';
import { NeedsTab } from './NeedsTab';
import { ThreadsTab } from './ThreadsTab';
import { ImprovementsTab } from './ImprovementsTab';
import { InterviewsTab } from './InterviewsTab';
import { ReportTab } from './ReportTab';

const TABS = ['needs', 'comments', 'threads', 'counseling', 'interviews', 'improvements', 'report'] as const;
type Tab = (typeof TABS)[number];
/** Tabs working on one plan; the others work on a unit. */
const PLAN_TABS: Tab[] = ['comments', 'threads', 'counseling', 'interviews', 'improvements'];

/** Officials' side of public participation: moderation, answers, threads, counseling, feedback, report. */
export default function ParticipationPage() {
  const { t, i18n } = useTranslation('participation');
  const lang = i18n.language;
  useCrumbs([{ title: t('title') }]);
  const { tab: tabParam } = useParams();
  const tab: Tab = (TABS as readonly string[]).includes(tabParam ?? '') ? (tabParam as Tab) : 'needs';
  const navigate = useNavigate();
  const me = useMe().data;
  // The unit the user manages, as the server names it: participation opens on it.
  const managed = me?.capabilities.managedOrgUnitId ?? undefined;
  const { cycle, setCycleId } = useCycleParam();
  const orgs = useOrgs();
  const plans = usePlans(cycle?.id);
  const [unitId, setUnitId] = useState<string | undefined>(managed);
  const [planId, setPlanId] = useState<string>();
  const units = (orgs.data ?? []).filter((o) => o.kind !== 'government');
  const planOptions = (plans.data ?? [])
    .filter((p) => !unitId || p.orgUnitId === unitId)
    .map((p) => ({
      value: p.id,
      label: `${pick(lang, p.appraiseeName, p.appraiseeNameEn)} · ${pick(lang, p.title, p.titleEn)}`,
    }));
  const plan = planOptions.find((p) => p.value === planId) ? planId : undefined;

  const body = (k: Tab) => {
    if (!cycle) return null;
    if (k === 'needs') return unitId ? <NeedsTab cycleId={cycle.id} unitId={unitId} /> : null;
    if (k === 'report') return <ReportTab cycleId={cycle.id} unitId={unitId} />;
    if (!plan) return null;
    if (k === 'comments') return <CommentsTab planId={plan} />;
    if (k === 'threads') return <ThreadsTab planId={plan} />;
    if (k === 'counseling') return <CounselingTab planId={plan} />;
    if (k === 'interviews') return <InterviewsTab planId={plan} />;
    return <ImprovementsTab planId={plan} />;
  };

  return (
    <Card title={t('title')}>
      <Space wrap style={{ marginBottom: 12 }}>
        <CycleSelect value={cycle?.id} onChange={setCycleId} />
        <Select
          style={{ minWidth: 220 }}
          showSearch
          allowClear={!managed}
          optionFilterProp="label"
          placeholder={t('selectUnit')}
          aria-label={t('selectUnit')}
          value={unitId}
          onChange={(v) => {
            setUnitId(v);
            setPlanId(undefined);
          }}
          options={units.map((u) => ({ value: u.id, label: pick(lang, u.name, u.nameEn) }))}
          data-testid="part-unit"
        />
        {PLAN_TABS.includes(tab) && (
          <Select
            style={{ minWidth: 320 }}
            showSearch
            optionFilterProp="label"
            placeholder={t('selectPlan')}
            aria-label={t('selectPlan')}
            value={plan}
            onChange={setPlanId}
            options={planOptions}
            data-testid="part-plan"
          />
        )}
      </Space>
      <Tabs
        activeKey={tab}
        onChange={(k) => navigate(`/participation/${k}${location.search}`)}
        items={TABS.map((k) => ({ key: k, label: t(`tabs.${k}`), children: tab === k ? body(k) : null }))}
      />
    </Card>
  );
}

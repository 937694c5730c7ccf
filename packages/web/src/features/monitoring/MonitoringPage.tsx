import { Card, Tabs } from 'antd';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router-dom';
import { useMe } from '../../console/auth';
import { CycleSelect, useCycleParam } from '../../console/CycleSelect';
import { useCrumbs } from '../../console/crumbs';
import { FlagsTab } from './FlagsTab';
import { OverdueTab } from './OverdueTab';
import { RevisionsTab } from './RevisionsTab';
import { TasksTab } from './TasksTab';
import { TrajectoryTab } from './TrajectoryTab';
import { WarningsTab } from './WarningsTab';

/** Monitoring 绩效监控 of a cycle: one tab per concern. */
export default function MonitoringPage() {
  const { t } = useTranslation('monitoring');
  useCrumbs([{ title: t('title') }]);
  // What the user may do here comes from the server (`/api/auth/me`), as the rules the services enforce.
  const can = useMe().data!.monitoring;
  const { cycle, setCycleId } = useCycleParam((c) => c.type === 'annual');
  const [params, setParams] = useSearchParams();
  const tab = params.get('tab') ?? 'trajectory';
  const cycleId = cycle?.id;
  const tabs = [
    {
      key: 'trajectory',
      label: t('tabs.trajectory'),
      children: <TrajectoryTab cycleId={cycleId} canSetPeriods={can.configurePeriods} />,
    },
    {
      key: 'warnings',
      label: t('tabs.warnings'),
      children: <WarningsTab cycleId={cycleId} canRun={can.runWarnings} />,
    },
    {
      key: 'tasks',
      label: t('tabs.tasks'),
      children: <TasksTab cycleId={cycleId} />,
    },
    {
      key: 'overdue',
      label: t('tabs.overdue'),
      children: <OverdueTab cycleId={cycleId} canRemind={can.runReminders} />,
    },
    can.viewFlags && { key: 'flags', label: t('tabs.flags'), children: <FlagsTab cycleId={cycleId} /> },
    { key: 'revisions', label: t('tabs.revisions'), children: <RevisionsTab cycleId={cycleId} /> },
  ].filter(Boolean) as { key: string; label: string; children: React.ReactNode }[];
  return (
    <Card title={t('title')} extra={<CycleSelect value={cycleId} onChange={setCycleId} />}>
      <Tabs
        activeKey={tab}
        destroyOnHidden
        onChange={(k) => {
          const next = new URLSearchParams(params);
          next.set('tab', k);
          setParams(next, { replace: true });
        }}
        items={tabs}
      />
    </Card>
  );
}

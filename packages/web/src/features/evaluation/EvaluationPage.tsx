import { Alert, Card, Tabs } from 'antd';
import { useTranslation } from 'react-i18next';
import { useNavigate, useParams, useSearchParams } from 'react-router-dom';
import { useMe } from '../../console/auth';
import { useCrumbs } from '../../console/crumbs';
import { CycleSelect, useCycleParam } from '../../console/CycleSelect';
import { CalibrationTab } from '../calibration/CalibrationTab';
import { MaterialsTab } from './MaterialsTab';
import { PanelsTab } from './PanelsTab';
import { QualityTab } from './QualityTab';
import { RulesTab } from './RulesTab';

const TABS = ['rules', 'panels', 'quality', 'materials', 'calibration'] as const;
type Tab = (typeof TABS)[number];

/** The office's organisation of evaluation: rules, rater panels and rater quality of one cycle. */
export default function EvaluationPage() {
  const { t } = useTranslation('evaluation');
  const { tab: raw } = useParams();
  const tab: Tab = TABS.includes(raw as Tab) ? (raw as Tab) : 'rules';
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const me = useMe().data;
  // Panels and quality matter from evaluation on; rules are edited before it.
  const { cycle, setCycleId } = useCycleParam((c) =>
    tab === 'rules' || tab === 'materials' || tab === 'calibration'
      ? true
      : ['evaluation', 'feedback', 'results'].includes(c.stage),
  );
  useCrumbs([{ title: t('nav.evaluation') }, { title: t(`tabs.${tab}`) }]);

  if (!me?.capabilities.pages.evaluation)
    return <Alert type="warning" showIcon message={t('console:common.notAllowed')} />;

  return (
    <Card
      styles={{ body: { paddingTop: 0 } }}
      title={t('nav.evaluation')}
      extra={<CycleSelect value={cycle?.id} onChange={setCycleId} />}
    >
      <Tabs
        activeKey={tab}
        onChange={(k) => navigate({ pathname: `/evaluation/${k}`, search: params.toString() })}
        data-testid="evaluation-tabs"
        items={TABS.map((k) => ({
          key: k,
          label: t(`tabs.${k}`),
          children: cycle ? (
            k === 'rules' ? (
              <RulesTab cycle={cycle} />
            ) : k === 'panels' ? (
              <PanelsTab cycle={cycle} />
            ) : k === 'materials' ? (
              <MaterialsTab cycle={cycle} />
            ) : k === 'calibration' ? (
              <CalibrationTab cycle={cycle} />
            ) : (
              <QualityTab cycle={cycle} />
            )
          ) : null,
        }))}
        destroyOnHidden
      />
    </Card>
  );
}

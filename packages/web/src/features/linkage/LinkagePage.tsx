import { Space, Tabs, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { useNavigate, useParams } from 'react-router-dom';
import { useMe } from '../../console/auth';
import { CycleSelect, useCycleParam } from '../../console/CycleSelect';
import { useCrumbs } from '../../console/crumbs';
import { FeedTab } from './FeedTab';
import { FindingsTab } from './FindingsTab';
import { ImportTab } from './ImportTab';

const TABS = ['import', 'feed', 'findings'] as const;

/**
 * 数据联动: 12345 hotline and 好差评 data computed into rates and fed into a cycle, and findings of
 * audit, discipline inspection and finance that deduct points. The office writes; units read their own.
 */
export default function LinkagePage() {
  const { t } = useTranslation('linkage');
  // What the user may do here comes from the server (`/api/auth/me` capabilities), as its services decide.
  const can = useMe().data!.capabilities;
  const { tab = 'import' } = useParams();
  const navigate = useNavigate();
  const { cycle, setCycleId } = useCycleParam();
  useCrumbs([{ title: t('title') }]);
  const tabs = TABS.filter((k) => can.feedServiceData || k !== 'feed');
  const cycleBar = (
    <Space style={{ marginBottom: 12 }}>
      <Typography.Text>{t('cycle')}</Typography.Text>
      <CycleSelect value={cycle?.id} onChange={setCycleId} />
    </Space>
  );
  return (
    <div data-testid="linkage-page">
      <Typography.Title level={4}>{t('title')}</Typography.Title>
      <Tabs
        activeKey={tabs.includes(tab as (typeof TABS)[number]) ? tab : 'import'}
        onChange={(k) => navigate(`/linkage/${k}${window.location.search}`)}
        items={tabs.map((k) => ({
          key: k,
          label: t(`tabs.${k}`),
          children:
            k === 'import' ? (
              <ImportTab canImport={can.importServiceData} />
            ) : (
              <>
                {cycleBar}
                {cycle &&
                  (k === 'feed' ? (
                    <FeedTab cycleId={cycle.id} />
                  ) : (
                    <FindingsTab cycleId={cycle.id} canRecord={can.recordFindings} />
                  ))}
              </>
            ),
        }))}
      />
    </div>
  );
}

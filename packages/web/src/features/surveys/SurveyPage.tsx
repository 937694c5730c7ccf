import { lazy, Suspense, useState } from 'react';
import { DEFAULT_ANALYSIS } from '@perfcommons/contracts/enums';
import type { AnalysisSettings } from './AnalysisTab';
import { Alert, App, Button, Space, Spin, Tabs, Tag, Typography } from 'antd';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { useParams } from 'react-router-dom';
import { useCrumbs } from '../../console/crumbs';
import { errorText } from '../../console/errors';
import { pick } from '../../i18n';
import { api } from '../../shared/api';
import { Builder } from './Builder';
import { STATUS_COLORS } from './SurveysPage';
import type { SurveyDetailReply as SurveyDetail } from '@perfcommons/contracts';
import { FieldworkTab } from './FieldworkTab';
import { InvitationsTab } from './InvitationsTab';
import { SampleTab } from './SampleTab';

const AnalysisTab = lazy(() => import('./AnalysisTab'));

export default function SurveyPage() {
  const { id } = useParams();
  const { t, i18n } = useTranslation('surveys');
  const { message, modal } = App.useApp();
  const qc = useQueryClient();
  // The analysis tab's settings: a publication uses what the office looked at (weighting, variance).
  const [settings, setSettings] = useState<AnalysisSettings>(DEFAULT_ANALYSIS);
  const detail = useQuery({
    queryKey: ['survey', id],
    queryFn: () => api.get<SurveyDetail>(`/api/surveys/${id}`),
  });
  const s = detail.data?.survey;
  useCrumbs([
    { title: t('title'), to: '/surveys' },
    { title: s ? pick(i18n.language, s.title, s.titleEn) : '…' },
  ]);
  const action = useMutation({
    mutationFn: (what: 'start' | 'close' | 'publish') =>
      api.post(`/api/surveys/${id}/${what}`, what === 'publish' ? settings : {}),
    onSuccess: (_, what) => {
      if (what === 'publish') void message.success(t('actions.published'));
      void qc.invalidateQueries({ queryKey: ['survey', id] });
      void qc.invalidateQueries({ queryKey: ['surveys'] });
    },
    onError: (e) => void message.error(errorText(e)),
  });
  if (detail.isLoading || !detail.data || !s) return <Spin />;
  const { can } = detail.data;
  const confirm = (what: 'start' | 'close' | 'publish') =>
    modal.confirm({ content: t(`actions.${what}Confirm`), onOk: () => action.mutateAsync(what) });
  return (
    <>
      <Space style={{ marginBottom: 12 }} wrap>
        <Typography.Title level={4} style={{ margin: 0 }}>
          {pick(i18n.language, s.title, s.titleEn)}
        </Typography.Title>
        <Tag color={STATUS_COLORS[s.status]} data-testid="survey-status">
          {t(`status.${s.status}`)}
        </Tag>
        {can.start && (
          <Button type="primary" onClick={() => confirm('start')}>
            {t('actions.start')}
          </Button>
        )}
        {can.close && <Button onClick={() => confirm('close')}>{t('actions.close')}</Button>}
        {can.publish && (
          <Button type="primary" onClick={() => confirm('publish')}>
            {t('actions.publish')}
          </Button>
        )}
        {can.viewReport && (
          <Button type="link" href={`/surveys/${s.id}`} target="_blank">
            {t('actions.portal')}
          </Button>
        )}
      </Space>
      <Tabs
        destroyOnHidden
        items={[
          {
            key: 'q',
            label: t('tabs.questionnaire'),
            children: detail.data.version && <Builder detail={detail.data} />,
          },
          { key: 's', label: t('tabs.sample'), children: <SampleTab detail={detail.data} /> },
          { key: 'i', label: t('tabs.invitations'), children: <InvitationsTab detail={detail.data} /> },
          { key: 'f', label: t('tabs.fieldwork'), children: <FieldworkTab detail={detail.data} /> },
          {
            key: 'a',
            label: t('tabs.analysis'),
            children: can.analyse ? (
              <Suspense fallback={<Spin />}>
                <AnalysisTab surveyId={s.id} settings={settings} onSettings={setSettings} />
              </Suspense>
            ) : (
              <Alert type="info" message={t('an.notFielded')} />
            ),
          },
        ]}
      />
    </>
  );
}

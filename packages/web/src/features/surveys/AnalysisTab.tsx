import { useMemo, useState } from 'react';
import { errorText } from '../../console/errors';
import { Alert, Card, Col, Empty, InputNumber, Row, Select, Space, Spin, Typography } from 'antd';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { EChart } from '../../charts/EChart';
import { pick } from '../../i18n';
import { api, qs } from '../../shared/api';
import { ExportJobButton } from '../jobs/ExportJob';
import { ciChartOption } from './charts';
import type { SurveyAnalysis as Analysis } from '@perfcommons/contracts';
import {
  DEFAULT_ANALYSIS,
  VARIANCE_METHODS,
  WEIGHTING_METHODS,
  type VarianceMethod,
  type WeightingMethod,
} from '@perfcommons/contracts/enums';
import { AnalysisSummary, ByPlanTable, DimensionsCard, ReliabilityCard, StrataCard } from './AnalysisCards';
import { QuestionCard } from './AnalysisQuestions';
import { stratumLabelOf } from './analysis-format';

/** Settings of an analysis (and of the report published from it). */
export type AnalysisSettings = typeof DEFAULT_ANALYSIS;

/** Weighted analysis: indices with CIs per appraisee and dimension, reliability, strata, distributions, keywords. */
/**
 * The analysis of a survey with its settings (weighting, trimming, variance method); the survey page
 * keeps the settings, so a publication uses what the office looked at.
 */
export default function AnalysisTab({
  surveyId,
  settings,
  onSettings,
}: {
  surveyId: string;
  settings?: AnalysisSettings;
  onSettings?: (s: AnalysisSettings) => void;
}) {
  const { t, i18n } = useTranslation('surveys');
  const lang = i18n.language;
  const [own, setOwn] = useState<AnalysisSettings>(DEFAULT_ANALYSIS);
  const current = settings ?? own;
  const set = (patch: Partial<AnalysisSettings>) => (onSettings ?? setOwn)({ ...current, ...patch });
  const { weighting, trimMax, variance } = current;
  const q = useQuery({
    queryKey: ['survey-analysis', surveyId, weighting, trimMax, variance],
    queryFn: () =>
      api.get<Analysis>(`/api/surveys/${surveyId}/analysis${qs({ weighting, trimMax, variance })}`),
  });
  const a = q.data;
  const planChart = useMemo(
    () =>
      a &&
      ciChartOption(
        a.satisfaction.byPlan.map((p) => ({
          label: pick(lang, p.appraiseeName, p.appraiseeNameEn),
          est: p.index,
        })),
        t('an.ci'),
      ),
    [a, lang, t],
  );
  return (
    <div data-testid="survey-analysis">
      <Space style={{ marginBottom: 12 }} wrap>
        <span>{t('an.weighting')}</span>
        <Select
          style={{ width: 200 }}
          value={weighting}
          onChange={(v: WeightingMethod) => set({ weighting: v })}
          options={WEIGHTING_METHODS.map((m) => ({
            value: m,
            label: t(`an.methods.${m}`),
          }))}
        />
        {weighting === 'rake' && (
          <>
            <span>{t('an.trim')}</span>
            <InputNumber
              min={1}
              max={20}
              step={0.5}
              value={trimMax}
              onChange={(v) => set({ trimMax: v ?? DEFAULT_ANALYSIS.trimMax })}
            />
          </>
        )}
        <span>{t('an.variance')}</span>
        <Select
          style={{ width: 200 }}
          value={variance}
          data-testid="survey-variance"
          onChange={(v: VarianceMethod) => set({ variance: v })}
          options={VARIANCE_METHODS.map((m) => ({ value: m, label: t(`an.variances.${m}`) }))}
        />
        <ExportJobButton url={`/api/surveys/${surveyId}/export?format=csv`} testId="survey-export-csv">
          {t('an.export')} CSV
        </ExportJobButton>
        <ExportJobButton url={`/api/surveys/${surveyId}/export?format=xlsx`} testId="survey-export-xlsx">
          {t('an.export')} XLSX
        </ExportJobButton>
      </Space>
      {q.isLoading && <Spin />}
      {q.error && <Alert type="error" message={errorText(q.error)} />}
      {a && a.responses.sampled === 0 && <Empty description={t('an.none')} />}
      {a && a.responses.sampled > 0 && <AnalysisBody a={a} planChart={planChart!} />}
    </div>
  );
}

export function AnalysisBody({ a, planChart }: { a: Analysis; planChart: ReturnType<typeof ciChartOption> }) {
  const { t, i18n } = useTranslation('surveys');
  const lang = i18n.language;
  const stratumText = stratumLabelOf(a.labels, lang);
  return (
    <Row gutter={[16, 16]}>
      <Col span={24}>
        <AnalysisSummary a={a} />
      </Col>
      <Col xs={24} xl={14}>
        <Card size="small" title={t('an.byPlan')}>
          <EChart
            option={planChart}
            height={Math.max(200, a.satisfaction.byPlan.length * 34)}
            ariaLabel={t('an.byPlan')}
            testId="survey-ci-chart"
          />
        </Card>
      </Col>
      <Col xs={24} xl={10}>
        <ByPlanTable a={a} />
      </Col>
      <Col xs={24} md={12}>
        <DimensionsCard a={a} />
      </Col>
      <Col xs={24} md={12}>
        <ReliabilityCard a={a} />
      </Col>
      <Col span={24}>
        <StrataCard a={a} stratumText={stratumText} />
      </Col>
      <Col span={24}>
        <Typography.Title level={5}>{t('an.questions')}</Typography.Title>
      </Col>
      {a.questions.map((qr) => (
        <Col xs={24} xl={12} key={qr.id}>
          <QuestionCard qr={qr} stratumText={stratumText} />
        </Col>
      ))}
    </Row>
  );
}

import { useMemo, useState } from 'react';
import { errorText } from '../../console/errors';
import {
  Alert,
  Card,
  Col,
  Empty,
  InputNumber,
  Row,
  Select,
  Space,
  Spin,
  Statistic,
  Table,
  Tag,
  Typography,
} from 'antd';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { EChart } from '../../charts/EChart';
import { pick } from '../../i18n';
import { api, qs } from '../../shared/api';
import { ExportJobButton } from '../jobs/ExportJob';
import { ciChartOption, distributionOption } from './charts';
import type { Estimate, QuestionResult, SurveyAnalysis as Analysis } from '@perfcommons/contracts';
import {
  DEFAULT_ANALYSIS,
  VARIANCE_METHODS,
  WEIGHTING_METHODS,
  type VarianceMethod,
  type WeightingMethod,
} from '@perfcommons/contracts/enums';

/** Settings of an analysis (and of the report published from it). */
export type AnalysisSettings = typeof DEFAULT_ANALYSIS;

const f1 = (x: number | null | undefined) => (x == null ? '—' : x.toFixed(1));
const ci = (e: Estimate | null) => (e?.ci95[0] == null ? '—' : `${f1(e.ci95[0])} – ${f1(e.ci95[1])}`);
/** Margin of error beside an estimate: ± t·SE on the design degrees of freedom. */
const moe = (e: Estimate | null | undefined) => (e?.moe == null ? '—' : `± ${f1(e.moe)}`);

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
        <Space size="large" wrap>
          <Statistic
            title={t('an.overall')}
            value={f1(a.satisfaction.overall?.mean)}
            suffix={
              <Typography.Text type="secondary" data-testid="survey-overall-moe">
                {moe(a.satisfaction.overall)} ({ci(a.satisfaction.overall)}){' '}
                <Tag data-testid="survey-overall-method">
                  {t(`an.variances.${a.satisfaction.overall?.method ?? 'taylor'}`)}
                </Tag>
              </Typography.Text>
            }
          />
          <Typography.Text>
            {t('an.responses', { n: a.responses.sampled, open: a.responses.open })}
          </Typography.Text>
          {a.weighting.min != null && (
            <Typography.Text type="secondary">
              {t('an.weightRange', {
                min: a.weighting.min.toFixed(2),
                max: a.weighting.max?.toFixed(2),
                wef: a.weighting.weightingEffect?.toFixed(3) ?? '—',
              })}
              {a.weighting.iterations != null &&
                ` · ${t('an.calib', {
                  n: a.weighting.iterations,
                  state: t(a.weighting.converged ? 'an.converged' : 'an.notConverged'),
                })}`}
            </Typography.Text>
          )}
        </Space>
        {a.design && (
          <Typography.Paragraph type="secondary" style={{ marginTop: 8, marginBottom: 0 }}>
            {t('an.design', {
              strata: a.design.strata,
              fpc: t(a.design.fpc ? 'an.fpcYes' : 'an.fpcNo'),
              df: a.design.df,
            })}
            {a.design.replicates != null &&
              ` ${t('an.replicateLine', {
                method: t(`an.variances.${a.design.varianceMethod ?? 'taylor'}`),
                kind: a.design.replicateMethod ?? '',
                n: a.design.replicates,
              })}`}
          </Typography.Paragraph>
        )}
        {a.weighting.nonresponse && Object.keys(a.weighting.nonresponse).length > 0 && (
          <Typography.Paragraph type="secondary" style={{ marginBottom: 0 }} data-testid="survey-nonresponse">
            {(() => {
              const fs = Object.values(a.weighting.nonresponse).filter((x): x is number => x != null);
              return t('an.nonresponse', {
                min: Math.min(...fs).toFixed(3),
                max: Math.max(...fs).toFixed(3),
              });
            })()}
          </Typography.Paragraph>
        )}
        {a.weighting.warnings.length > 0 && (
          <Alert
            style={{ marginTop: 8 }}
            type="warning"
            message={t('an.warnings')}
            description={a.weighting.warnings.join('; ')}
          />
        )}
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
        <Card size="small" title={t('an.byPlan')}>
          <Table
            size="small"
            rowKey="planId"
            pagination={false}
            dataSource={a.satisfaction.byPlan}
            columns={[
              { title: t('an.appraisee'), render: (_, p) => pick(lang, p.appraiseeName, p.appraiseeNameEn) },
              { title: t('an.index'), render: (_, p) => f1(p.index?.mean), align: 'right' },
              { title: t('an.moe'), render: (_, p) => moe(p.index), align: 'right' },
              { title: t('an.ci'), render: (_, p) => ci(p.index) },
              {
                title: <span title={t('an.deffHint')}>{t('an.deff')}</span>,
                render: (_, p) => p.index?.designEffect?.toFixed(2) ?? '—',
                align: 'right',
              },
              { title: t('an.n'), render: (_, p) => p.index?.n ?? 0, align: 'right' },
              { title: t('an.neff'), render: (_, p) => f1(p.index?.effectiveN), align: 'right' },
            ]}
            expandable={{
              expandedRowRender: (p) => (
                <Space wrap>
                  {p.dimensions.map((d) => (
                    <Tag key={d.dimension ?? ''}>
                      {d.dimension ?? '—'}: {f1(d.index?.mean)} {moe(d.index)} ({ci(d.index)})
                    </Tag>
                  ))}
                  {p.openIndex && (
                    <Tag color="orange">
                      {t('an.openIndex')}: {f1(p.openIndex.mean)} (n={p.openIndex.n})
                    </Tag>
                  )}
                </Space>
              ),
            }}
          />
        </Card>
      </Col>
      <Col xs={24} md={12}>
        <Card size="small" title={t('an.dimensions')}>
          <Table
            size="small"
            rowKey="dimension"
            pagination={false}
            dataSource={a.satisfaction.dimensions}
            columns={[
              { title: t('builder.dimension'), dataIndex: 'dimension' },
              { title: t('an.index'), render: (_, d) => f1(d.index?.mean), align: 'right' },
              { title: t('an.moe'), render: (_, d) => moe(d.index), align: 'right' },
              { title: t('an.ci'), render: (_, d) => ci(d.index) },
              { title: t('an.se'), render: (_, d) => d.index?.se?.toFixed(2) ?? '—', align: 'right' },
            ]}
          />
        </Card>
      </Col>
      <Col xs={24} md={12}>
        <Card size="small" title={t('an.reliability')}>
          <Table
            size="small"
            rowKey="scale"
            pagination={false}
            dataSource={a.reliability}
            columns={[
              { title: t('an.scale'), render: (_, r) => pick(lang, r.label, r.labelEn) },
              { title: t('an.items'), dataIndex: 'items', align: 'right' },
              { title: t('an.n'), dataIndex: 'n', align: 'right' },
              {
                title: t('an.alpha'),
                dataIndex: 'alpha',
                align: 'right',
                render: (v: number | null) =>
                  v == null ? (
                    '—'
                  ) : (
                    <Tag color={v >= 0.7 ? 'green' : v >= 0.6 ? 'gold' : 'red'}>{v.toFixed(3)}</Tag>
                  ),
              },
              {
                title: t('an.alphaCi'),
                render: (_, r) =>
                  r.alphaCi?.[0] == null
                    ? '—'
                    : `${r.alphaCi[0].toFixed(3)} – ${r.alphaCi[1]?.toFixed(3) ?? '—'}`,
              },
            ]}
          />
        </Card>
      </Col>
      <Col span={24}>
        <Card size="small" title={t('an.strata')}>
          <Table
            size="small"
            rowKey="stratum"
            pagination={{ pageSize: 12 }}
            dataSource={a.strata}
            columns={[
              { title: t('sample.stratum'), render: (_, x) => stratumText(x.stratum) },
              { title: t('an.n'), dataIndex: 'n', align: 'right' },
              {
                title: t('an.weightShare'),
                dataIndex: 'weightShare',
                align: 'right',
                render: (v: number | null) => (v == null ? '—' : `${(v * 100).toFixed(1)}%`),
              },
              { title: t('an.index'), render: (_, s) => f1(s.index?.mean), align: 'right' },
              { title: t('an.moe'), render: (_, s) => moe(s.index), align: 'right' },
              { title: t('an.ci'), render: (_, s) => ci(s.index) },
            ]}
          />
        </Card>
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

function QuestionCard({ qr, stratumText }: { qr: QuestionResult; stratumText: (s: string) => string }) {
  const { t, i18n } = useTranslation('surveys');
  const lang = i18n.language;
  const title = `${qr.id} · ${pick(lang, qr.text, qr.textEn)}`;
  if (qr.type === 'text')
    return (
      <Card size="small" title={title}>
        <Table
          size="small"
          rowKey="word"
          pagination={{ pageSize: 10 }}
          dataSource={qr.keywords ?? []}
          columns={[
            { title: t('an.word'), dataIndex: 'word' },
            { title: t('an.mentions'), dataIndex: 'count', align: 'right' },
          ]}
        />
      </Card>
    );
  if (qr.type === 'matrix')
    return (
      <Card size="small" title={title}>
        <EChart
          height={Math.max(160, (qr.items?.length ?? 0) * 30)}
          ariaLabel={title}
          option={ciChartOption(
            (qr.items ?? []).map((it) => ({ label: pick(lang, it.text, it.textEn), est: it.index })),
            t('an.ci'),
          )}
        />
      </Card>
    );
  return (
    <Card
      size="small"
      title={title}
      extra={qr.estimate && <span>{`${f1(qr.estimate.mean)} ${moe(qr.estimate)} (${ci(qr.estimate)})`}</span>}
    >
      <EChart
        height={Math.max(140, (qr.distribution?.items.length ?? 0) * 26)}
        ariaLabel={title}
        option={distributionOption(
          (qr.distribution?.items ?? []).map((i) => ({ label: i.value, share: i.share })),
        )}
      />
      {qr.crossTab && <CrossTabView tab={qr.crossTab} stratumLabel={stratumText} />}
    </Card>
  );
}

/** A stratum key by its labels (the analysis carries them), else its values joined with ' · '. */
const stratumLabelOf = (labels: Analysis['labels'], lang: string) => (s: string) => {
  const l = labels?.strata[s];
  return l ? pick(lang, l.label, l.labelEn) : s.split('|').join(' · ');
};
const pFmt = (p: number | null) => (p == null ? '—' : p < 0.0001 ? '< 0.0001' : p.toFixed(4));

/** Row shares by stratum and the Rao–Scott test of independence of stratum and answer. */
function CrossTabView({
  tab,
  stratumLabel,
}: {
  tab: NonNullable<QuestionResult['crossTab']>;
  stratumLabel: (s: string) => string;
}) {
  const { t } = useTranslation('surveys');
  const r = tab.test;
  return (
    <div data-testid="survey-crosstab">
      <Table
        size="small"
        style={{ marginTop: 8 }}
        title={() => t('an.crossTab')}
        rowKey="stratum"
        pagination={false}
        scroll={{ x: true }}
        dataSource={tab.rowLevels.map((stratum, i) => ({ stratum, shares: tab.rowShares[i] }))}
        columns={[
          { title: t('sample.stratum'), render: (_, row) => stratumLabel(row.stratum) },
          ...tab.colLevels.map((c, j) => ({
            title: c,
            align: 'right' as const,
            render: (_: unknown, row: { shares: (number | null)[] }) =>
              row.shares[j] == null ? '—' : `${(row.shares[j]! * 100).toFixed(1)}%`,
          })),
        ]}
      />
      <Typography.Paragraph
        type={r && r.p != null && r.p < 0.05 ? 'warning' : 'secondary'}
        style={{ marginTop: 4, marginBottom: 0 }}
        data-testid="survey-raoscott"
      >
        <span title={t('an.raoScottHint')}>
          {r
            ? t('an.raoScott', {
                f: r.f?.toFixed(3) ?? '—',
                ndf: r.ndf?.toFixed(2) ?? '—',
                ddf: r.ddf?.toFixed(1) ?? '—',
                p: pFmt(r.p),
                chisq: r.chisq?.toFixed(3) ?? '—',
                df: r.df,
                chisqP: pFmt(r.chisqP),
                deff: r.meanDeff?.toFixed(2) ?? '—',
              })
            : t('an.raoScottNone')}
        </span>
      </Typography.Paragraph>
    </div>
  );
}

import { Alert, Card, Space, Statistic, Table, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { pick } from '../../i18n';
import type { SurveyAnalysis as Analysis } from '@perfcommons/contracts';
import { ci, f1, moe } from './analysis-format';

/** The overall index with its margin, the responses, the weighting and the design. */
export function AnalysisSummary({ a }: { a: Analysis }) {
  const { t } = useTranslation('surveys');
  return (
    <>
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
    </>
  );
}

/** Index per appraisee with margin, CI and design effect; its dimensions when expanded. */
export function ByPlanTable({ a }: { a: Analysis }) {
  const { t, i18n } = useTranslation('surveys');
  const lang = i18n.language;
  return (
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
  );
}

/** Index per dimension. */
export function DimensionsCard({ a }: { a: Analysis }) {
  const { t } = useTranslation('surveys');
  return (
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
  );
}

/** Cronbach's alpha per scale, with its CI. */
export function ReliabilityCard({ a }: { a: Analysis }) {
  const { t, i18n } = useTranslation('surveys');
  const lang = i18n.language;
  return (
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
  );
}

/** Responses, weight share and index per stratum. */
export function StrataCard({ a, stratumText }: { a: Analysis; stratumText: (s: string) => string }) {
  const { t } = useTranslation('surveys');
  return (
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
  );
}

import { Card, Table, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { EChart } from '../../charts/EChart';
import { pick } from '../../i18n';
import { ciChartOption, distributionOption } from './charts';
import type { QuestionResult } from '@perfcommons/contracts';
import { ci, f1, moe, pFmt } from './analysis-format';

export function QuestionCard({
  qr,
  stratumText,
}: {
  qr: QuestionResult;
  stratumText: (s: string) => string;
}) {
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

import { useState } from 'react';
import { Alert, Button, Descriptions, Drawer, Table, Tag, Typography } from 'antd';
import { ExclamationCircleOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { pick } from '../../i18n';
import { api } from '../../shared/api';
import { fmtNum } from '../../shared/format';
import type { BreakdownView, IndicatorNode } from '../../shared/tree';
import type { PlanDetailReply, ResultDetail } from '@perfcommons/contracts';
import { COMBINED_PART_CODES, SYNTHETIC_NODE_CODES, type CombinedPartCode } from '@perfcommons/domain';
import { GradeTag } from './GradeTag';
import { ConsequenceTags, IncompleteTag, missingLabel, SensitivityCell } from './ResultExtras';
import { ruleSummary } from '../plans/ruleSummary';
import { AppealModal } from '../appeals/AppealModal';
import { FindingNotes } from '../linkage/FindingNotes';

/** Parts of a combined total (人事结合 / term) that the domain adds as synthetic first-level nodes. */
const COMBINED: readonly string[] = COMBINED_PART_CODES;

/** English names by code, from the plan's tree (the breakdown carries the Chinese name only). */
export function useNamesEn(planId: string | undefined) {
  const q = useQuery({
    queryKey: ['plan', planId],
    enabled: !!planId,
    queryFn: () => api.get<PlanDetailReply>(`/api/plans/${planId}`),
  });
  const m = new Map<string, string>();
  const walk = (ns: IndicatorNode[]) =>
    ns.forEach((n) => {
      if (n.nameEn) m.set(n.code, n.nameEn);
      if (n.children) walk(n.children);
    });
  walk(q.data?.tree ?? []);
  return m;
}

export function useResultDetail(id: string | undefined) {
  return useQuery({
    queryKey: ['result', id],
    enabled: !!id,
    queryFn: () => api.get<ResultDetail>(`/api/results/${id}`),
  });
}

type Row = BreakdownView & { rowKey: string; children?: Row[] };
const withKeys = (ns: BreakdownView[], prefix = ''): Row[] =>
  ns.map((n, i) => ({
    ...n,
    rowKey: `${prefix}${n.code ?? i}`,
    children: n.children?.length ? withKeys(n.children, `${prefix}${n.code ?? i}/`) : undefined,
  }));

/** Explains one result from the total down to each input. */
export function BreakdownDrawer({ resultId, onClose }: { resultId?: string; onClose: () => void }) {
  const { t, i18n } = useTranslation('results');
  const lang = i18n.language;
  const detail = useResultDetail(resultId);
  const result = detail.data?.result;
  const namesEn = useNamesEn(result?.planId);
  // The server says whether this user may appeal (appraisee side, window open): no rule copied here.
  const canAppeal = !!result?.can?.appeal;
  const [appeal, setAppeal] = useState<{ code?: string }>();
  const syntheticName: Record<string, string> = {
    UNIT: t('drawer.unitName'),
    ANNUAL: t('drawer.annualName'),
    FLOOR: t('drawer.floorName'),
  };
  const name = (n: BreakdownView) =>
    syntheticName[n.code] || (lang === 'en' && n.code && namesEn.get(n.code)) || n.name || n.code || '';
  const combinedShare = (detail.data?.breakdown ?? [])
    .filter((n) => COMBINED.includes(n.code))
    .reduce((a, n) => a + n.weight, 0);
  /** The synthetic nodes explain themselves from their numbers; the server's note names the cycles. */
  const combinedNote = (n: BreakdownView) =>
    n.code === ('UNIT' satisfies CombinedPartCode)
      ? t('drawer.unitNote', {
          total: fmtNum(n.attainment),
          share: fmtNum(n.weight),
          own: fmtNum(100 - combinedShare),
        })
      : t('drawer.annualNote', {
          total: fmtNum(n.attainment),
          share: fmtNum(n.weight),
          cycles: /\(([^()]*)\)\s*×/.exec(n.notes?.[0] ?? '')?.[1] ?? '',
        });
  const veto = result?.veto;

  return (
    <Drawer
      open={!!resultId}
      onClose={onClose}
      width={Math.min(980, typeof window !== 'undefined' ? window.innerWidth - 40 : 980)}
      title={
        result ? t('drawer.title', { name: pick(lang, result.appraiseeName, result.appraiseeNameEn) }) : ''
      }
      loading={detail.isLoading}
      data-testid="breakdown-drawer"
      extra={
        canAppeal && (
          <Button
            icon={<ExclamationCircleOutlined />}
            onClick={() => setAppeal({})}
            data-testid="appeal-open"
          >
            {t('appeals:file')}
          </Button>
        )
      }
    >
      {result && detail.data && (
        <>
          <Descriptions size="small" column={{ xs: 1, md: 3 }} bordered>
            <Descriptions.Item label={t('drawer.total')}>
              <Typography.Text strong style={{ fontSize: 18 }} data-testid="breakdown-total">
                {fmtNum(result.total)}
              </Typography.Text>
            </Descriptions.Item>
            <Descriptions.Item label={t('grade')}>
              {result.complete === false ? (
                <IncompleteTag result={result} />
              ) : (
                <GradeTag grade={result.grade} />
              )}
              {result.gradeByScore && result.gradeByScore !== result.grade && (
                <Typography.Text type="secondary">
                  ({t('gradeByScore')}: {t(`common:grade.${result.gradeByScore}`)})
                </Typography.Text>
              )}
            </Descriptions.Item>
            <Descriptions.Item label={t('rank')}>
              {result.rank == null
                ? '—'
                : t('common:misc.of', { rank: result.rank, size: result.peerGroupSize })}
            </Descriptions.Item>
            <Descriptions.Item label={t('drawer.sensitivity')}>
              <SensitivityCell s={result.sensitivity} />
            </Descriptions.Item>
            <Descriptions.Item label={t('drawer.consequences')} span={2}>
              <ConsequenceTags items={result.consequences} />
            </Descriptions.Item>
          </Descriptions>
          <Typography.Paragraph type="secondary" style={{ marginTop: 8 }}>
            {t('drawer.formula', {
              weighted: fmtNum(result.weightedScore),
              bonus: fmtNum(result.bonus ?? 0),
              deduction: fmtNum(result.deduction ?? 0),
            })}
          </Typography.Paragraph>
          {result.stale && (
            <Alert
              type="warning"
              showIcon
              style={{ marginBottom: 12 }}
              data-testid="breakdown-stale"
              message={t('drawer.stale')}
            />
          )}
          {result.complete === false && (
            <Alert
              type="warning"
              showIcon
              style={{ marginBottom: 12 }}
              data-testid="breakdown-incomplete"
              message={t('drawer.incomplete')}
              description={
                <>
                  <ul style={{ margin: 0, paddingInlineStart: 18 }}>
                    {(result.missing ?? []).map((m, i) => (
                      <li key={i}>{missingLabel(t, lang, m)}</li>
                    ))}
                  </ul>
                  {result.missing?.some((m) => m.veto) && <div>{t('drawer.incompleteVeto')}</div>}
                </>
              }
            />
          )}
          {veto?.triggered && (
            <Alert
              type="error"
              showIcon
              style={{ marginBottom: 12 }}
              data-testid="breakdown-veto"
              message={t('drawer.vetoTriggered', {
                mode: veto.mode === 'downOne' ? t('drawer.vetoModeDownOne') : t('drawer.vetoModeUnqualified'),
                codes: veto.codes.join(', '),
              })}
            />
          )}
          {(result.reasons?.length ?? 0) > 0 && (
            <Alert
              type="warning"
              showIcon
              style={{ marginBottom: 12 }}
              message={t('drawer.reasons')}
              description={result.reasons!.join('; ')}
            />
          )}
          <Table<Row>
            rowKey="rowKey"
            size="small"
            pagination={false}
            dataSource={withKeys(detail.data.breakdown)}
            expandable={{ defaultExpandAllRows: true }}
            scroll={{ x: 860 }}
            onRow={(n) => (COMBINED.includes(n.code) ? { style: { background: '#f7f5fc' } } : {})}
            data-testid="breakdown-tree"
            columns={[
              {
                title: t('drawer.indicator'),
                key: 'name',
                width: 260,
                render: (_, n) => (
                  <span>
                    <Typography.Text type="secondary">{n.code}</Typography.Text> {name(n)}{' '}
                    {n.kind && n.kind !== 'normal' && <Tag>{t(`common:kind.${n.kind}`)}</Tag>}
                    {COMBINED.includes(n.code) && <Tag color="purple">{t('drawer.combined')}</Tag>}
                    {veto?.codes.includes(n.code ?? '') && <Tag color="red">{t('common:misc.veto')}</Tag>}
                    {n.missing && (
                      <Tag color="orange" data-testid={`missing-${n.code}`}>
                        {t(`missingReason.${n.missing}`)}
                      </Tag>
                    )}
                    {n.excluded && <Tag>{t('drawer.excluded')}</Tag>}
                  </span>
                ),
              },
              { title: t('drawer.weight'), dataIndex: 'weight', width: 70, render: (v) => fmtNum(v) },
              {
                title: t('drawer.attainment'),
                dataIndex: 'attainment',
                width: 90,
                render: (v) => fmtNum(v),
              },
              {
                title: t('drawer.contribution'),
                dataIndex: 'contribution',
                width: 90,
                render: (v) => <strong>{fmtNum(v, 3)}</strong>,
              },
              {
                title: t('drawer.value'),
                key: 'value',
                width: 150,
                render: (_, n) =>
                  n.children?.length ? null : (
                    <span>
                      {n.value !== undefined && n.value !== null ? fmtNum(n.value) : ''}
                      {n.rule && (
                        <div>
                          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                            {ruleSummary(t, n.rule)}
                          </Typography.Text>
                        </div>
                      )}
                    </span>
                  ),
              },
              {
                title: `${t('drawer.subjects')} / ${t('drawer.notes')}`,
                key: 'subjects',
                render: (_, n) => (
                  <div style={{ fontSize: 12 }}>
                    {(n.subjects ?? []).map((s, i) => (
                      <div key={i}>
                        {t('drawer.subjectLine', {
                          subject: t(`common:subject.${s.type}`),
                          weight: fmtNum(s.weight),
                          eff: fmtNum(s.effectiveWeight),
                          n: s.n,
                          mean: fmtNum(s.mean),
                          used: fmtNum(s.used),
                        })}
                        {s.insufficient && <Tag color="orange">{t('drawer.insufficient')}</Tag>}
                      </div>
                    ))}
                    {COMBINED.includes(n.code) ? (
                      <Typography.Text data-testid={`combined-${n.code}`}>{combinedNote(n)}</Typography.Text>
                    ) : (
                      (n.notes ?? []).map((x, i) => (
                        <div key={`n${i}`}>
                          <Typography.Text type="secondary">{x}</Typography.Text>
                        </div>
                      ))
                    )}
                    <FindingNotes node={n} />
                  </div>
                ),
              },
              ...(canAppeal
                ? [
                    {
                      title: '',
                      key: 'appeal',
                      width: 70,
                      render: (_: unknown, n: Row) =>
                        n.children?.length || SYNTHETIC_NODE_CODES.includes(n.code) ? null : (
                          <Button size="small" type="link" onClick={() => setAppeal({ code: n.code })}>
                            {t('drawer.appeal')}
                          </Button>
                        ),
                    },
                  ]
                : []),
            ]}
          />
          <AppealModal
            result={appeal ? result : undefined}
            breakdown={detail.data.breakdown}
            indicatorCode={appeal?.code}
            namesEn={namesEn}
            onClose={() => setAppeal(undefined)}
          />
        </>
      )}
    </Drawer>
  );
}

import { Alert, Descriptions, Drawer, Table, Tag, Typography } from 'antd';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { pick } from '../../i18n';
import { api } from '../../shared/api';
import { fmtNum } from '../../shared/format';
import type { BreakdownView, IndicatorNode } from '../../shared/tree';
import type { Result } from '../../shared/types';
import { GradeTag } from './GradeTag';
import { ruleSummary } from '../plans/ruleSummary';

/** English names by code, from the plan's tree (the breakdown carries the Chinese name only). */
export function useNamesEn(planId: string | undefined) {
  const q = useQuery({
    queryKey: ['plan', planId],
    enabled: !!planId,
    queryFn: () => api.get<{ tree: IndicatorNode[] }>(`/api/plans/${planId}`),
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
    queryFn: () => api.get<{ result: Result; breakdown: BreakdownView[] }>(`/api/results/${id}`),
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
  const name = (n: BreakdownView) =>
    (lang === 'en' && n.code && namesEn.get(n.code)) || n.name || n.code || '';
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
              <GradeTag grade={result.grade} />
              {result.gradeByScore && result.gradeByScore !== result.grade && (
                <Typography.Text type="secondary">
                  ({t('gradeByScore')}: {t(`common:grade.${result.gradeByScore}`)})
                </Typography.Text>
              )}
            </Descriptions.Item>
            <Descriptions.Item label={t('rank')}>
              {t('common:misc.of', { rank: result.rank, size: result.peerGroupSize })}
            </Descriptions.Item>
          </Descriptions>
          <Typography.Paragraph type="secondary" style={{ marginTop: 8 }}>
            {t('drawer.formula', {
              weighted: fmtNum(result.weightedScore),
              bonus: fmtNum(result.bonus ?? 0),
              deduction: fmtNum(result.deduction ?? 0),
            })}
          </Typography.Paragraph>
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
                    {veto?.codes.includes(n.code ?? '') && <Tag color="red">{t('common:misc.veto')}</Tag>}
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
                    {(n.notes ?? []).map((x, i) => (
                      <div key={`n${i}`}>
                        <Typography.Text type="secondary">{x}</Typography.Text>
                      </div>
                    ))}
                  </div>
                ),
              },
            ]}
          />
        </>
      )}
    </Drawer>
  );
}

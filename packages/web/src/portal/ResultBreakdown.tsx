import { InputNote } from './InputNote';
import { useTranslation } from 'react-i18next';
import { fmtNum } from '../shared/format';
import type { ResultDetail, ResultItem as Result } from '@perfcommons/contracts';
import { nodeName, type BreakdownView } from '../shared/tree';
import { useApi } from './useApi';

/** Flattens a breakdown tree into table rows with their depth. */
function flatten(nodes: BreakdownView[], depth = 0): { node: BreakdownView; depth: number }[] {
  return nodes.flatMap((n) => [{ node: n, depth }, ...flatten(n.children ?? [], depth + 1)]);
}

/**
 * 得分说明: every indicator of the published result in one table — weight, actual value, attainment
 * and the points it adds to the total; veto indicators and missing inputs are marked.
 */
export function ResultBreakdown({ resultId, result }: { resultId: string; result: Result }) {
  const { t, i18n } = useTranslation('portal');
  const { t: te } = useTranslation('portalExplain');
  const detail = useApi<ResultDetail>(`/api/public/results/${resultId}`);
  const nodes = detail.data?.breakdown ?? [];
  if (!nodes.length) return null;
  const vetoCodes = new Set(result.veto?.triggered ? result.veto.codes : []);
  return (
    <div className="pc-card pc-print-section" data-testid="portal-breakdown">
      <h3>{t('unit.breakdown')}</h3>
      <p className="pc-small pc-muted">{t('unit.breakdownHint')}</p>
      {/* Scrolls sideways on a phone: focusable, so a keyboard can scroll it too. */}
      <div className="pc-table-wrap" tabIndex={0} role="region" aria-label={t('unit.breakdown')}>
        <table className="pc-table pc-breakdown-table" data-testid="portal-breakdown-table">
          <thead>
            <tr>
              <th scope="col">{te('table.indicator')}</th>
              <th scope="col" className="pc-num">
                {te('table.weight')}
              </th>
              <th scope="col" className="pc-num">
                {te('table.actual')}
              </th>
              <th scope="col" className="pc-num">
                {te('table.attainment')}
              </th>
              <th scope="col" className="pc-num">
                {te('table.points')}
              </th>
            </tr>
          </thead>
          <tbody>
            {flatten(nodes).map(({ node: n, depth }) => {
              const special = n.kind === 'bonus' || n.kind === 'deduction';
              const vetoed = vetoCodes.has(n.code);
              return (
                <tr
                  key={n.code}
                  data-testid={`portal-breakdown-${n.code}`}
                  className={`pc-depth-${Math.min(depth, 3)}${vetoed ? ' pc-row-veto' : ''}`}
                >
                  <th scope="row" style={{ paddingLeft: `${0.5 + depth * 1.25}em` }}>
                    <span className="pc-code">{n.code}</span> {nodeName(i18n.language, n)}
                    {vetoed && <span className="pc-chip pc-chip-veto">{te('table.veto')}</span>}
                    {n.missing && <span className="pc-chip">{te('table.missing')}</span>}
                    <InputNote node={n} />
                  </th>
                  <td className="pc-num">{special ? '—' : fmtNum(n.weight)}</td>
                  <td className="pc-num">{n.value != null ? fmtNum(n.value, 4) : '—'}</td>
                  <td className="pc-num">{special ? '—' : fmtNum(n.attainment, 1)}</td>
                  <td className="pc-num">
                    {`${n.contribution > 0 && special ? '+' : ''}${fmtNum(n.contribution, 2)}`}
                  </td>
                </tr>
              );
            })}
          </tbody>
          <tfoot>
            <tr>
              <th scope="row" colSpan={4}>
                {te('table.total')}
              </th>
              <td className="pc-num">{fmtNum(result.total, 2)}</td>
            </tr>
          </tfoot>
        </table>
      </div>
    </div>
  );
}

/** 一票否决: which indicator's veto capped the grade, under which rule, and what the score alone earned. */
export function VetoNotice({ resultId, result }: { resultId: string; result: Result }) {
  const { t, i18n } = useTranslation('portalExplain');
  const { t: tc } = useTranslation();
  const detail = useApi<ResultDetail>(result.veto?.triggered ? `/api/public/results/${resultId}` : null);
  if (!result.veto?.triggered) return null;
  const rows = flatten(detail.data?.breakdown ?? []).map((r) => r.node);
  const failed = result.veto.codes.map(
    (code) => rows.find((n) => n.code === code) ?? { code, attainment: NaN },
  );
  const sep = i18n.language === 'en' ? ', ' : '、';
  const names = failed
    .map((n) => ('name' in n ? `${n.code} ${nodeName(i18n.language, n)}` : n.code))
    .join(sep);
  const att = failed
    .filter((n) => Number.isFinite(n.attainment))
    .map((n) => fmtNum(n.attainment, 1))
    .join(sep);
  const grade = (g: string | null | undefined) => (g ? tc(`grade.${g}`, { defaultValue: g }) : '');
  return (
    <div className="pc-veto" role="note" data-testid="portal-veto">
      <strong>{t('veto.title')}</strong>
      <p>{t('veto.failed', { names, a: att || '—' })}</p>
      <p>{result.veto.mode === 'downOne' ? t('veto.ruleDownOne') : t('veto.ruleUnqualified')}</p>
      {result.grade && (
        <p>
          {result.gradeByScore && result.gradeByScore !== result.grade
            ? t('veto.capped', { from: grade(result.gradeByScore), to: grade(result.grade) })
            : t('veto.cappedSame', { to: grade(result.grade) })}
        </p>
      )}
    </div>
  );
}

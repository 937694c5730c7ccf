import type { ReactNode } from 'react';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import type { PlanDetailReply } from '@perfcommons/contracts';
import { pick } from '../../i18n';
import { fmtNum } from '../../shared/format';
import { baselineOf, targetOf } from '../../shared/tree';
import './plan-sheet-i18n';

type TreeNode = PlanDetailReply['tree'][number];
type Rule = NonNullable<TreeNode['rule']>;

/** The scoring rule in words: what a value earns. */
function ruleText(t: TFunction, rule: Rule | undefined): string {
  if (!rule) return '';
  const cap = 'cap' in rule && rule.cap && rule.cap > 1 ? t('cap', { cap: fmtNum(rule.cap) }) : '';
  switch (rule.type) {
    case 'linear':
      return t('rules.linear', { baseline: fmtNum(rule.baseline), target: fmtNum(rule.target), cap });
    case 'ratio':
      return t('rules.ratio', { target: fmtNum(rule.target), cap });
    case 'banded':
      return t('rules.banded', {
        bands: rule.bands
          .map((b) =>
            t('band', {
              range: `${b.min !== undefined ? fmtNum(b.min) : ''}–${b.max !== undefined ? fmtNum(b.max) : ''}`,
              points: fmtNum(b.points),
            }),
          )
          .join('；'),
      });
    case 'perUnit':
      return t('rules.perUnit', { points: fmtNum(rule.points) });
    default:
      return t(`rules.${rule.type}`);
  }
}

function Rows({ nodes, depth }: { nodes: TreeNode[]; depth: number }) {
  const { t, i18n } = useTranslation('ppPlan');
  return (
    <>
      {nodes.map((n) => {
        const target = targetOf(n);
        const baseline = baselineOf(n);
        const leaf = !n.children?.length;
        return (
          <FragmentRow key={n.code} node={n} depth={depth}>
            <th scope="row" style={{ paddingLeft: 8 + depth * 14 }}>
              <span className="pc-code">{n.code}</span> {pick(i18n.language, n.name, n.nameEn)}
              {n.kind && n.kind !== 'normal' && <span className="pc-chip">{t(`kind.${n.kind}`)}</span>}
              {n.veto && <span className="pc-chip pc-chip-warn">{t('veto')}</span>}
            </th>
            <td className="pc-num">{fmtNum(n.weight)}</td>
            <td className="pp-target">
              {target !== undefined && (
                <>
                  {fmtNum(target)} {n.unit ?? ''}
                  {n.direction && <div className="pc-small pc-muted">{t(n.direction)}</div>}
                  {baseline !== undefined && (
                    <div className="pc-small pc-muted">{t('baseline', { v: fmtNum(baseline) })}</div>
                  )}
                </>
              )}
            </td>
            <td className="pc-small">{leaf ? ruleText(t, n.rule) : ''}</td>
          </FragmentRow>
        );
      })}
    </>
  );
}

/** One node's row, then its children's. */
function FragmentRow({ node, depth, children }: { node: TreeNode; depth: number; children: ReactNode }) {
  return (
    <>
      <tr className={depth === 0 ? 'pp-plan-top' : undefined} data-testid="pp-plan-row">
        {children}
      </tr>
      {node.children?.length ? <Rows nodes={node.children} depth={depth + 1} /> : null}
    </>
  );
}

/** The plan a citizen comments on: indicators, weights, targets and scoring rules. */
export function PlanSheet({ tree }: { tree: TreeNode[] }) {
  const { t } = useTranslation('ppPlan');
  return (
    <section className="pc-card pp-plan-sheet" aria-labelledby="pp-plan-sheet" data-testid="pp-plan-sheet">
      <h2 id="pp-plan-sheet">{t('title')}</h2>
      <p className="pc-small pc-muted">{t('hint')}</p>
      <div className="pc-table-wrap" tabIndex={0} role="region" aria-labelledby="pp-plan-sheet">
        <table className="pc-table">
          <thead>
            <tr>
              <th scope="col">{t('indicator')}</th>
              <th scope="col" className="pc-num">
                {t('weight')}
              </th>
              <th scope="col">{t('target')}</th>
              <th scope="col">{t('rule')}</th>
            </tr>
          </thead>
          <tbody>
            <Rows nodes={tree} depth={0} />
          </tbody>
        </table>
      </div>
    </section>
  );
}

import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { pick } from '../i18n';
import { fmtNum } from '../shared/format';
import type { Cycle, Plan as PlanSummary } from '@perfcommons/contracts';
import { baselineOf, nodeName, targetOf, type TreeNodeView } from '../shared/tree';
import { ErrorBox, Loading } from './ui';
import { useApi } from './useApi';
import { PlanRevisions, type PublicRevision } from './PlanRevisions';

export function PlanCard({
  plan,
  cycle,
  initiallyOpen,
}: {
  plan: PlanSummary;
  cycle?: Cycle;
  initiallyOpen: boolean;
}) {
  const { t, i18n } = useTranslation('portal');
  const [open, setOpen] = useState(initiallyOpen);
  const detail = useApi<{ tree: TreeNodeView[]; revisions?: PublicRevision[] }>(
    open ? `/api/public/plans/${plan.id}` : null,
  );
  return (
    <article className="pc-card" data-testid="portal-plan">
      <div className="pc-card-head">
        <h3>{pick(i18n.language, plan.title, plan.titleEn)}</h3>
        <span className="pc-chip">{t(`common:planStatus.${plan.status}`)}</span>
      </div>
      {cycle && <p className="pc-muted pc-small">{pick(i18n.language, cycle.name, cycle.nameEn)}</p>}
      <button type="button" className="pc-btn-link" onClick={() => setOpen(!open)} aria-expanded={open}>
        {open ? t('unit.hideTree') : t('unit.showTree')}
      </button>
      {open && detail.loading && <Loading />}
      {open && detail.error && <ErrorBox error={detail.error} />}
      {open && detail.data && <IndicatorList nodes={detail.data.tree} level={1} />}
      {open && detail.data && <PlanRevisions revisions={detail.data.revisions} />}
    </article>
  );
}

function IndicatorList({ nodes, level }: { nodes: TreeNodeView[]; level: number }) {
  const { t, i18n } = useTranslation();
  return (
    <ul className={`pc-tree pc-tree-l${level}`}>
      {nodes.map((n) => (
        <li key={n.code}>
          <div className="pc-tree-row">
            <span className="pc-tree-name">{nodeName(i18n.language, n)}</span>
            <span className="pc-tree-weight">{fmtNum(n.weight)}</span>
          </div>
          {targetOf(n) !== undefined && (
            <div className="pc-small pc-muted">
              {t('misc.target')}: {fmtNum(targetOf(n))} {n.unit ?? ''}
              {baselineOf(n) !== undefined && ` · ${t('misc.baseline')}: ${fmtNum(baselineOf(n))}`}
              {n.dataSource ? ` · ${t('misc.dataSource')}: ${n.dataSource}` : ''}
            </div>
          )}
          {n.children && n.children.length > 0 && <IndicatorList nodes={n.children} level={level + 1} />}
        </li>
      ))}
    </ul>
  );
}

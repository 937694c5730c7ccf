import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { pick } from '../i18n';
import { fmtDate, peerGroupLabel } from '../shared/format';
import type { Cycle, Items, OrgUnit, Person, Plan as PlanSummary } from '@perfcommons/contracts';
import { ErrorBox, Loading } from './ui';
import { useApi } from './useApi';
import './explain-i18n';
import { PrintBar } from './PrintBar';
import { UnitHistory } from './UnitHistory';
import { PlanCard } from './UnitPlans';
import { UnitResults } from './UnitResults';

export default function UnitPage({ id }: { id: string }) {
  const { t, i18n } = useTranslation('portal');
  const lang = i18n.language;
  const orgs = useApi<Items<OrgUnit>>('/api/public/orgs');
  const people = useApi<Items<Person>>(`/api/public/people?orgUnitId=${encodeURIComponent(id)}`);
  const plans = useApi<Items<PlanSummary>>(`/api/public/plans?orgUnitId=${encodeURIComponent(id)}`);
  const cycles = useApi<Items<Cycle>>('/api/public/cycles');
  const unit = orgs.data?.items.find((o) => o.id === id);
  const cycleById = useMemo(() => new Map((cycles.data?.items ?? []).map((c) => [c.id, c])), [cycles.data]);
  // The sections below the results come once the results are in: nothing on screen moves down then.
  const [resultsShown, setResultsShown] = useState(false);

  if (orgs.loading) return <Loading />;
  if (orgs.error) return <ErrorBox error={orgs.error} onRetry={orgs.reload} />;
  if (!unit) return <p>{t('unit.notFound')}</p>;

  const unitPlans = (plans.data?.items ?? []).filter((p) => p.appraiseeType === 'unit' || !p.personId);

  return (
    <>
      <h1 data-testid="portal-unit-name">{pick(lang, unit.name, unit.nameEn)}</h1>
      <p className="pc-muted">
        {t(`common:orgKind.${unit.kind}`, { defaultValue: unit.kind })}
        {unit.peerGroup ? ` · ${t('unit.peerGroup', { g: peerGroupLabel(t, unit.peerGroup) })}` : ''}
      </p>
      <PrintBar />

      <UnitResults unitId={id} cycles={cycles.data?.items} onShown={() => setResultsShown(true)} />

      {resultsShown && <UnitHistory unitId={id} />}

      {resultsShown && (
        <section aria-labelledby="plans" className="pc-print-section">
          <h2 id="plans">{t('unit.plans')}</h2>
          {plans.loading && <Loading />}
          {plans.error && <ErrorBox error={plans.error} onRetry={plans.reload} />}
          {plans.data && unitPlans.length === 0 && <p className="pc-muted">{t('unit.noPlans')}</p>}
          {unitPlans.map((p, i) => (
            <PlanCard key={p.id} plan={p} cycle={cycleById.get(p.cycleId)} initiallyOpen={i === 0} />
          ))}
        </section>
      )}

      {resultsShown && (people.data?.items.length ?? 0) > 0 && (
        <section aria-labelledby="cadres" className="pc-print-section">
          <h2 id="cadres">{t('unit.cadres')}</h2>
          <ul className="pc-list">
            {people.data!.items.map((p) => (
              <li key={p.id} className="pc-person">
                <strong>{pick(lang, p.name, p.nameEn)}</strong>
                <span className="pc-muted"> · {pick(lang, p.position, p.positionEn)}</span>
                {p.termStart && (
                  <div className="pc-small pc-muted">
                    {t('common:misc.term')} {fmtDate(p.termStart)} – {fmtDate(p.termEnd)}
                  </div>
                )}
              </li>
            ))}
          </ul>
        </section>
      )}
    </>
  );
}

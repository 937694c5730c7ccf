import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Cycle, DisclosureReply, Items, OrgUnit, Person, ResultItem } from '@perfcommons/contracts';
import { pick } from '../i18n';
import { api } from '../shared/api';
import { fmtDate, fmtNum } from '../shared/format';
import './cadre-i18n';
import { Link } from './router';
import { ErrorBox, GradeTag, Skeleton } from './ui';
import { useApi } from './useApi';

interface CycleRow {
  cycle: Cycle;
  policy: DisclosureReply;
  /** The cadre's result as the public sees it (the server applies the cycle's policy), if any. */
  result?: ResultItem;
}

/**
 * Each published cycle with its disclosure policy and the cadre's result from the public results
 * list, which the server already filters through that policy (no grade withheld by it reaches here,
 * consequences only where it allows them).
 */
function useCadreResults(personId: string, cycles: Cycle[] | undefined) {
  const [state, setState] = useState<{ rows?: CycleRow[]; error?: Error }>({});
  const key = (cycles ?? []).map((c) => c.id).join(',');
  useEffect(() => {
    if (!cycles) return;
    let live = true;
    const published = cycles
      .filter((c) => c.resultsPublishedAt)
      .sort((a, b) => b.periodStart.localeCompare(a.periodStart));
    Promise.all(
      published.map(async (cycle) => {
        const [policy, results] = await Promise.all([
          api.get<DisclosureReply>(`/api/public/cycles/${encodeURIComponent(cycle.id)}/disclosure`),
          api.get<Items<ResultItem>>(`/api/public/results?cycleId=${encodeURIComponent(cycle.id)}`),
        ]);
        return { cycle, policy, result: results.items.find((r) => r.personId === personId) };
      }),
    )
      .then((rows) => live && setState({ rows }))
      .catch((error: Error) => live && setState({ error }));
    return () => {
      live = false;
    };
    // cycles is re-created per fetch; the id list is the real dependency.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [personId, key]);
  return state;
}

/** A leading cadre's public page: position, unit, term and the grade of each published cycle. */
export default function CadrePage({ id }: { id: string }) {
  const { t, i18n } = useTranslation('portalCadre');
  const lang = i18n.language;
  const people = useApi<Items<Person>>('/api/public/people');
  const orgs = useApi<Items<OrgUnit>>('/api/public/orgs');
  const cycles = useApi<Items<Cycle>>('/api/public/cycles');
  const { rows, error } = useCadreResults(id, cycles.data?.items);
  const person = people.data?.items.find((p) => p.id === id);
  const org = person && orgs.data?.items.find((o) => o.id === person.orgUnitId);

  if (people.error) return <ErrorBox error={people.error} onRetry={people.reload} />;
  if (!people.data) return <Skeleton height={320} />;
  if (!person)
    return (
      <section className="pc-card" data-testid="cadre-not-found">
        <h1>{t('notFound')}</h1>
        <Link href="/cadres">{t('back')}</Link>
      </section>
    );

  return (
    <>
      <p className="pc-small">
        <Link href="/cadres">{t('back')}</Link>
      </p>
      <h1 data-testid="cadre-name">{pick(lang, person.name, person.nameEn)}</h1>
      <p className="pc-muted">
        {pick(lang, person.position, person.positionEn)}
        {org && (
          <>
            {' · '}
            <Link href={`/units/${org.id}`}>{pick(lang, org.name, org.nameEn)}</Link>
          </>
        )}
        {person.termStart && (
          <>
            {' · '}
            {t('term')} {fmtDate(person.termStart)} – {fmtDate(person.termEnd)}
          </>
        )}
      </p>
      <section aria-labelledby="cadre-results" className="pc-print-section">
        <h2 id="cadre-results">{t('results')}</h2>
        {error && <ErrorBox error={error} />}
        {!rows && !error && <Skeleton height={160} />}
        {rows && rows.length === 0 && <p className="pc-muted">{t('noResults')}</p>}
        {rows && rows.length > 0 && (
          <div className="pc-table-wrap" tabIndex={0} role="region" aria-labelledby="cadre-results">
            <table className="pc-table" data-testid="cadre-results">
              <thead>
                <tr>
                  <th scope="col">{t('cycle')}</th>
                  <th scope="col">{t('grade')}</th>
                  <th scope="col">{t('consequences')}</th>
                </tr>
              </thead>
              <tbody>
                {rows.map(({ cycle, policy, result }) => (
                  <tr key={cycle.id} data-testid="cadre-cycle">
                    <th scope="row">{pick(lang, cycle.name, cycle.nameEn)}</th>
                    <td>
                      {!policy.cadreGrades ? (
                        <span className="pc-muted pc-small">{t('gradesWithheld')}</span>
                      ) : result ? (
                        <GradeTag grade={result.grade} />
                      ) : (
                        <span className="pc-muted pc-small">{t('notPublished')}</span>
                      )}
                    </td>
                    <td data-testid="cadre-consequences">
                      {!policy.cadreGrades ? null : !policy.cadreConsequences ? (
                        <span className="pc-muted pc-small">{t('consequencesWithheld')}</span>
                      ) : result && result.consequences.length > 0 ? (
                        result.consequences.map((c) => (
                          <span key={c.kind} className={`pc-chip pc-cons-${c.kind}`} title={c.reason}>
                            {t(`common:consequence.${c.kind}`, { defaultValue: c.kind })}
                            {typeof c.value === 'number' ? ` ×${fmtNum(c.value)}` : ''}
                          </span>
                        ))
                      ) : (
                        <span className="pc-muted pc-small">{t('none')}</span>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        <p className="pc-muted pc-small">{t('policy')}</p>
      </section>
    </>
  );
}

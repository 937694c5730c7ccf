import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { pick } from '../i18n';
import { fmtDate } from '../shared/format';
import type { Items, OrgUnit, Person } from '@perfcommons/contracts';
import { Link } from './router';
import { ErrorBox } from './ui';
import { useApi } from './useApi';

function Search({ value, onChange, label }: { value: string; onChange: (v: string) => void; label: string }) {
  return (
    <input
      className="pc-search"
      type="search"
      value={value}
      placeholder={label}
      aria-label={label}
      onChange={(e) => onChange(e.target.value)}
    />
  );
}

export function UnitsPage() {
  const { t, i18n } = useTranslation('portal');
  const orgs = useApi<Items<OrgUnit>>('/api/public/orgs');
  const [q, setQ] = useState('');
  const items = useMemo(() => {
    const needle = q.trim().toLowerCase();
    return (orgs.data?.items ?? []).filter(
      (o) => !needle || `${o.name} ${o.nameEn ?? ''} ${o.code}`.toLowerCase().includes(needle),
    );
  }, [orgs.data, q]);

  return (
    <section>
      <h1>{t('units.title')}</h1>
      <Search value={q} onChange={setQ} label={t('units.search')} />
      {orgs.error && <ErrorBox error={orgs.error} onRetry={orgs.reload} />}
      {/* One line, loading or counting: the list below starts at the same place either way. */}
      <p className="pc-muted pc-small" role="status">
        {orgs.data ? t('units.count', { n: items.length }) : t('common:misc.loading')}
      </p>
      <ul className="pc-list">
        {items.map((o) => (
          <li key={o.id}>
            <Link href={`/units/${o.id}`} className="pc-list-link" data-testid="portal-unit-link">
              <span>{pick(i18n.language, o.name, o.nameEn)}</span>
              <span className="pc-chip">{t(`common:orgKind.${o.kind}`, { defaultValue: o.kind })}</span>
            </Link>
          </li>
        ))}
      </ul>
    </section>
  );
}

export function CadresPage() {
  const { t, i18n } = useTranslation('portal');
  const people = useApi<Items<Person>>('/api/public/people');
  const orgs = useApi<Items<OrgUnit>>('/api/public/orgs');
  const [q, setQ] = useState('');
  const orgById = useMemo(() => new Map((orgs.data?.items ?? []).map((o) => [o.id, o])), [orgs.data]);
  const items = useMemo(() => {
    const needle = q.trim().toLowerCase();
    return (people.data?.items ?? []).filter(
      (p) =>
        !needle ||
        `${p.name} ${p.nameEn ?? ''} ${p.position ?? ''} ${p.positionEn ?? ''}`
          .toLowerCase()
          .includes(needle),
    );
  }, [people.data, q]);

  return (
    <section>
      <h1>{t('cadres.title')}</h1>
      <Search value={q} onChange={setQ} label={t('cadres.search')} />
      {people.error && <ErrorBox error={people.error} onRetry={people.reload} />}
      <p className="pc-muted pc-small" role="status">
        {people.data ? t('cadres.count', { n: items.length }) : t('common:misc.loading')}
      </p>
      <ul className="pc-list">
        {items.map((p) => {
          const org = orgById.get(p.orgUnitId);
          return (
            <li key={p.id} className="pc-person">
              <div>
                <Link href={`/cadres/${p.id}`} data-testid="portal-cadre-link">
                  <strong>{pick(i18n.language, p.name, p.nameEn)}</strong>
                </Link>
                <span className="pc-muted"> · {pick(i18n.language, p.position, p.positionEn)}</span>
              </div>
              <div className="pc-small pc-muted">
                {org && <Link href={`/units/${org.id}`}>{pick(i18n.language, org.name, org.nameEn)}</Link>}
                {p.termStart && (
                  <span>
                    {' '}
                    · {t('common:misc.term')} {fmtDate(p.termStart)} – {fmtDate(p.termEnd)}
                  </span>
                )}
              </div>
            </li>
          );
        })}
      </ul>
    </section>
  );
}

import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, qs } from '../../shared/api';
import { useApi } from '../useApi';
import { Loading } from '../ui';
import { AccountBox } from './AccountPages';
import { CyclePicker, Field, Problem, UnitPicker, useAction } from './shared';
import { useSession } from './session';
import type { Need, NeedCluster as Cluster, NeedCoverageReply as Coverage } from '@perfcommons/contracts';

export function NeedsPage() {
  const { t } = useTranslation('participate');
  const session = useSession();
  const [cycleId, setCycleId] = useState('');
  const [orgUnitId, setOrgUnitId] = useState('');
  const [form, setForm] = useState({ title: '', body: '' });
  const [done, setDone] = useState(false);
  const submit = useAction();
  const support = useAction();
  const q = cycleId && orgUnitId ? qs({ cycleId, orgUnitId }) : null;
  const needs = useApi<{ items: Need[] }>(q && `/api/public/participation/needs${q}`);
  const clusters = useApi<{ items: Cluster[] }>(q && `/api/public/participation/needs/clusters${q}`);
  const coverage = useApi<Coverage>(q && `/api/public/participation/needs/coverage${q}`);
  const reload = () => {
    needs.reload();
    clusters.reload();
    coverage.reload();
  };

  return (
    <>
      <h1>{t('needs.title')}</h1>
      <div className="pc-card pp-form">
        <CyclePicker stages={['mission_analysis', 'planning']} value={cycleId} onChange={setCycleId} />
        <UnitPicker value={orgUnitId} onChange={setOrgUnitId} />
      </div>
      {q && (
        <>
          {session.participant ? (
            <form
              className="pc-card pp-form"
              onSubmit={(e) => {
                e.preventDefault();
                setDone(false);
                void submit
                  .run(() => api.post('/api/participation/needs', { cycleId, orgUnitId, ...form }))
                  .then((ok) => {
                    if (!ok) return;
                    setDone(true);
                    setForm({ title: '', body: '' });
                    reload();
                  });
              }}
            >
              <Field label={t('needs.newTitle')}>
                <input
                  value={form.title}
                  onChange={(e) => setForm({ ...form, title: e.target.value })}
                  data-testid="pp-need-title"
                />
              </Field>
              <Field label={t('needs.newBody')}>
                <textarea
                  rows={3}
                  value={form.body}
                  onChange={(e) => setForm({ ...form, body: e.target.value })}
                  data-testid="pp-need-body"
                />
              </Field>
              <Problem text={submit.error} />
              <button className="pc-btn" type="submit" disabled={submit.busy} data-testid="pp-need-submit">
                {t('needs.submit')}
              </button>
              {done && (
                <span className="pc-chip pc-chip-ok" data-testid="pp-need-done">
                  {t('needs.submitted')}
                </span>
              )}
            </form>
          ) : (
            <AccountBox />
          )}
          <Problem text={support.error} />
          {needs.loading && <Loading />}
          {needs.data?.items.length === 0 && <p className="pc-muted">{t('needs.empty')}</p>}
          <ul className="pc-list" data-testid="pp-needs">
            {needs.data?.items.map((n) =>
              n.status === 'hidden' ? (
                <li key={n.id} className="pc-card pc-muted pc-small" data-testid="pp-need-hidden">
                  {t('needs.hidden', { reason: n.hiddenReason })}
                </li>
              ) : (
                <li key={n.id} className="pc-card" data-testid="pp-need">
                  <div className="pc-card-head">
                    <h3>{n.title}</h3>
                    <span className="pc-chip">{t('needs.supports', { n: n.supports })}</span>
                  </div>
                  <p>{n.body}</p>
                  {!!n.links?.length && (
                    <p className="pc-small pc-muted">
                      {t('needs.linked', { codes: n.links.map((l) => l.indicatorCode).join(', ') })}
                    </p>
                  )}
                  {session.participant &&
                    (n.mine ? (
                      <span className="pc-chip">{t('needs.mine')}</span>
                    ) : (
                      <button
                        type="button"
                        className="pc-btn pc-btn-ghost pp-btn-small"
                        disabled={n.supportedByMe || support.busy}
                        onClick={() =>
                          void support
                            .run(() => api.post(`/api/participation/needs/${n.id}/support`))
                            .then(reload)
                        }
                        data-testid="pp-need-support"
                      >
                        {t(n.supportedByMe ? 'needs.supported' : 'needs.support')}
                      </button>
                    ))}
                </li>
              ),
            )}
          </ul>
          {!!clusters.data?.items.some((c) => c.size > 1) && (
            <section>
              <h2>{t('needs.clusters')}</h2>
              <ul className="pc-list">
                {clusters.data.items
                  .filter((c) => c.size > 1)
                  .map((c) => (
                    <li key={c.representativeId} className="pc-card">
                      <strong>{c.title}</strong>
                      <p className="pc-small pc-muted">
                        {t('needs.clusterSize', { n: c.size, s: c.supports })}
                      </p>
                    </li>
                  ))}
              </ul>
            </section>
          )}
          {coverage.data && coverage.data.items.length > 0 && (
            <section data-testid="pp-coverage">
              <h2>{t('needs.coverage')}</h2>
              <p className="pc-muted">
                {t('needs.coverageSummary', { n: coverage.data.items.length, c: coverage.data.covered })}
              </p>
              <ul className="pc-list">
                {coverage.data.items.map((i) => (
                  <li key={i.needId} className="pc-card pp-row">
                    <span>
                      {i.title} <span className="pc-muted pc-small">({i.supports})</span>
                    </span>
                    <span className={`pc-chip ${i.covered ? 'pc-chip-ok' : ''}`}>
                      {i.covered
                        ? `${t('needs.covered')} · ${i.indicators.map((x) => x.name).join('、')}`
                        : t('needs.uncovered')}
                    </span>
                  </li>
                ))}
              </ul>
            </section>
          )}
        </>
      )}
    </>
  );
}

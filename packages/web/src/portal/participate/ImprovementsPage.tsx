import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { pick } from '../../i18n';
import { api, qs } from '../../shared/api';
import { fmtDate } from '../../shared/format';
import { Loading } from '../ui';
import { useApi } from '../useApi';
import { Problem, useAction } from './shared';
import { useSession } from './session';
import type {
  FeedbackInterviewWithSeats as Interview,
  PublicImprovement as Improvement,
} from '@perfcommons/contracts';

export function ImprovementsPage() {
  const { t, i18n } = useTranslation('participate');
  const session = useSession();
  const [onlyMine, setOnlyMine] = useState(false);
  const list = useApi<{ items: Improvement[] }>(
    session.user === undefined
      ? null
      : `/api/public/participation/improvements${qs({ followed: onlyMine ? 'true' : undefined })}`,
  );
  const follow = useAction();
  return (
    <>
      <h1>{t('improvements.title')}</h1>
      {session.participant && (
        <label className="pp-check">
          <input
            type="checkbox"
            checked={onlyMine}
            onChange={(e) => setOnlyMine(e.target.checked)}
            data-testid="pp-only-followed"
          />{' '}
          {t('improvements.onlyFollowed')}
        </label>
      )}
      <Problem text={follow.error} />
      {list.loading && <Loading />}
      {list.data?.items.length === 0 && <p className="pc-muted">{t('improvements.none')}</p>}
      {list.data?.items.map((ip) => (
        <div key={ip.id} className="pc-card" data-testid="pp-improvement">
          <div className="pc-card-head">
            <h3>
              {pick(i18n.language, ip.appraiseeName, ip.appraiseeNameEn)} · {ip.title}
            </h3>
            {session.participant && (
              <button
                type="button"
                className={`pc-btn pp-btn-small ${ip.followedByMe ? 'pc-btn-ghost' : ''}`}
                disabled={follow.busy}
                data-testid="pp-follow"
                onClick={() =>
                  void follow
                    .run(() =>
                      api.post(`/api/participation/improvements/${ip.id}/follow`, {
                        follow: !ip.followedByMe,
                      }),
                    )
                    .then(list.reload)
                }
              >
                {t(ip.followedByMe ? 'improvements.unfollow' : 'improvements.follow')}
              </button>
            )}
          </div>
          {ip.summary && <p className="pc-small">{ip.summary}</p>}
          <p className="pc-small pc-muted">
            {t('improvements.progress', { done: ip.done, n: ip.actions.length })} ·{' '}
            <span data-testid="pp-followers">{t('improvements.followers', { n: ip.followers })}</span>
          </p>
          <ul className="pc-list">
            {ip.actions.map((a) => (
              <li key={a.id} className="pp-action">
                <span className={`pc-chip ${a.status === 'done' ? 'pc-chip-ok' : ''}`}>
                  {t(`improvements.status.${a.status}`)}
                </span>
                {a.overdue && <span className="pc-chip pp-overdue">{t('improvements.overdue')}</span>}{' '}
                {a.action}
                <div className="pc-small pc-muted">
                  {t('improvements.owner', { v: a.owner })} ·{' '}
                  {t('improvements.deadline', { v: fmtDate(a.deadline) })}
                </div>
                {a.evidence && (
                  <div className="pc-small">{t('improvements.evidence', { v: a.evidence })}</div>
                )}
              </li>
            ))}
          </ul>
          <Interviews planId={ip.planId} />
        </div>
      ))}
    </>
  );
}

function Interviews({ planId }: { planId: string }) {
  const { t } = useTranslation('participate');
  const list = useApi<{ items: Interview[] }>(`/api/public/participation/plans/${planId}/interviews`);
  if (!list.data?.items.length) return null;
  return (
    <details className="pc-small">
      <summary>{t('improvements.interviews')}</summary>
      {list.data.items.map((iv) => (
        <div key={iv.id}>
          <strong>
            {fmtDate(iv.heldOn)} {iv.title}
          </strong>
          <p className="pc-muted">
            {t('improvements.seats', {
              n: iv.seats.length,
              r: iv.seats.length
                ? (iv.seats.reduce((s, x) => s + x.relevance, 0) / iv.seats.length).toFixed(2)
                : '–',
              a: iv.seats.filter((s) => s.status === 'attended').length,
            })}
          </p>
          {iv.record && <p>{iv.record}</p>}
        </div>
      ))}
    </details>
  );
}

import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { pick } from '../../i18n';
import { api } from '../../shared/api';
import { Link } from '../router';
import { Loading } from '../ui';
import { useApi } from '../useApi';
import { Field, Problem, UnitPicker, useAction } from './shared';
import { useSession } from './session';
import { MyData } from './MyData';
import {
  PARTICIPANT_CATEGORIES as CATEGORIES,
  PRIVACY_NOTICE_VERSION,
  RELATIONSHIP_KINDS as KINDS,
} from '@perfcommons/contracts/enums';
import type { ProfileReply as Profile, Items, OrgUnit, SessionUser as User } from '@perfcommons/contracts';

export { CATEGORIES, KINDS };

/** Log in or register; shown wherever a participant action needs an account. */
export function AccountBox() {
  const { t } = useTranslation('participate');
  const session = useSession();
  const [mode, setMode] = useState<'login' | 'register'>('login');
  const [f, setF] = useState<Record<string, string>>({});
  const { busy, error, run } = useAction();
  const val = (k: string) => f[k] ?? '';
  const on = (k: string) => (e: { target: { value: string } }) => setF({ ...f, [k]: e.target.value });

  if (session.user === undefined) return <Loading />;
  if (session.user)
    return (
      <div className="pc-card pp-account" data-testid="pp-account">
        <div className="pc-card-head">
          <strong>{t('account.hello', { name: session.user.displayName })}</strong>
          <button type="button" className="pc-btn-link" onClick={() => void session.logout()}>
            {t('account.logout')}
          </button>
        </div>
        {!session.participant && <p className="pc-muted pc-small">{t('account.notParticipant')}</p>}
        {session.user.contact && (
          <p className="pc-small pc-muted" data-testid="pp-contact">
            {t('account.contact', { contact: session.user.contact })}
          </p>
        )}
        <LastLogin user={session.user} />
      </div>
    );

  const submit = (e: FormEvent) => {
    e.preventDefault();
    void run(() =>
      mode === 'login'
        ? session.login(val('username'), val('password'))
        : session.register({
            email: val('email') || undefined,
            phone: val('phone') || undefined,
            password: val('password'),
            displayName: val('displayName'),
            invitationToken: val('invitationToken') || undefined,
            privacyNotice: f.consent === 'yes' ? PRIVACY_NOTICE_VERSION : undefined,
          }),
    );
  };
  return (
    <form className="pc-card pp-form" onSubmit={submit} data-testid="pp-account-form">
      <p className="pc-muted pc-small">{t('account.needLogin')}</p>
      <div className="pp-tabs" role="tablist">
        {(['login', 'register'] as const).map((m) => (
          <button
            key={m}
            type="button"
            role="tab"
            aria-selected={mode === m}
            className={mode === m ? 'active' : ''}
            onClick={() => setMode(m)}
            data-testid={`pp-tab-${m}`}
          >
            {t(`account.${m}`)}
          </button>
        ))}
      </div>
      {mode === 'login' ? (
        <Field label={t('account.username')}>
          <input
            value={val('username')}
            onChange={on('username')}
            autoComplete="username"
            data-testid="pp-username"
          />
        </Field>
      ) : (
        <>
          <p className="pc-small pc-muted">{t('account.emailOrPhone')}</p>
          <Field label={t('account.email')}>
            <input type="email" value={val('email')} onChange={on('email')} data-testid="pp-email" />
          </Field>
          <Field label={t('account.phone')}>
            <input type="tel" value={val('phone')} onChange={on('phone')} data-testid="pp-phone" />
          </Field>
          <Field label={t('account.displayName')}>
            <input value={val('displayName')} onChange={on('displayName')} data-testid="pp-display-name" />
          </Field>
          <Field label={t('account.invitation')}>
            <input value={val('invitationToken')} onChange={on('invitationToken')} />
          </Field>
        </>
      )}
      <Field label={t('account.password')}>
        <input
          type="password"
          value={val('password')}
          onChange={on('password')}
          autoComplete={mode === 'login' ? 'current-password' : 'new-password'}
          data-testid="pp-password"
        />
      </Field>
      {mode === 'register' && (
        <>
          <details className="pc-small">
            <summary>{t('privacy.title', { version: PRIVACY_NOTICE_VERSION })}</summary>
            <p className="pc-muted">{t('privacy.text')}</p>
          </details>
          <label className="pc-small">
            <input
              type="checkbox"
              required
              checked={f.consent === 'yes'}
              onChange={(e) => setF({ ...f, consent: e.target.checked ? 'yes' : '' })}
              data-testid="pp-consent"
            />{' '}
            {t('privacy.consent', { version: PRIVACY_NOTICE_VERSION })}
          </label>
        </>
      )}
      <Problem text={error} />
      <button type="submit" className="pc-btn" disabled={busy} data-testid="pp-account-submit">
        {t(mode === 'login' ? 'account.submitLogin' : 'account.submitRegister')}
      </button>
    </form>
  );
}

/** Version of the privacy notice shown at registration (the server records consent to it). */

/** The previous login and the failed attempts since (MLPS: the user can notice misuse of the account). */
function LastLogin({ user }: { user: User }) {
  const { t, i18n } = useTranslation('participate');
  const last = user.lastLogin;
  if (!last) return null;
  const failed = last.failedAttemptsSince;
  return (
    <p className="pc-small pc-muted" data-testid="pp-last-login">
      {last.at
        ? t('account.lastLogin', { at: new Date(last.at).toLocaleString(i18n.language), ip: last.ip ?? '—' })
        : t('account.firstLogin')}
      {failed > 0 && <strong> {t('account.failedSince', { count: failed })}</strong>}
    </p>
  );
}

const SECTIONS = ['profile', 'needs', 'comment', 'rate', 'improvements', 'report'] as const;

export function HubPage() {
  const { t } = useTranslation('participate');
  return (
    <>
      <h1>{t('title')}</h1>
      <p className="pc-muted">{t('intro')}</p>
      <ul className="pp-sections">
        {SECTIONS.map((s, i) => (
          <li key={s}>
            <Link href={`/take-part/${s}`} className="pc-card pp-section" data-testid={`pp-go-${s}`}>
              <span className="pc-stage-dot">{i === 0 ? '★' : i}</span> {t(`nav.${s}`)}
            </Link>
          </li>
        ))}
      </ul>
      {/* Below the sections, which show at once: the account box (a form, or who is logged in) comes
          after a request and would otherwise push them down. */}
      <AccountBox />
    </>
  );
}

export function ProfilePage() {
  const { t, i18n } = useTranslation('participate');
  const session = useSession();
  const data = useApi<Profile>(session.participant ? '/api/participation/profile' : null);
  const orgs = useApi<Items<OrgUnit>>('/api/public/orgs');
  const [edit, setEdit] = useState<{ category?: string; district?: string }>({});
  const [tie, setTie] = useState({ orgUnitId: '', kind: 'service_recipient', note: '' });
  const [saved, setSaved] = useState(false);
  const save = useAction();
  const add = useAction();
  if (!session.participant) return <AccountBox />;
  if (!data.data) return <Loading />;
  const p = data.data.profile;
  const category = edit.category ?? p.category;
  const district = edit.district ?? p.district ?? '';
  const districts = (orgs.data?.items ?? []).filter((o) => o.kind === 'district');

  return (
    <>
      <h1>{t('profile.title')}</h1>
      <form
        className="pc-card pp-form"
        onSubmit={(e) => {
          e.preventDefault();
          setSaved(false);
          void save
            .run(() => api.put('/api/participation/profile', { category, district: district || null }))
            .then((ok) => {
              setSaved(ok);
              data.reload();
            });
        }}
      >
        <Field label={t('profile.category')}>
          <select
            value={category}
            onChange={(e) => setEdit({ ...edit, category: e.target.value })}
            data-testid="pp-category"
          >
            {CATEGORIES.map((c) => (
              <option key={c} value={c}>
                {t(`category.${c}`)}
              </option>
            ))}
          </select>
        </Field>
        <Field label={t('profile.district')}>
          <select
            value={district}
            onChange={(e) => setEdit({ ...edit, district: e.target.value })}
            data-testid="pp-district"
          >
            <option value="">{t('profile.none')}</option>
            {districts.map((d) => (
              <option key={d.id} value={d.code}>
                {pick(i18n.language, d.name, d.nameEn)}
              </option>
            ))}
          </select>
        </Field>
        <Problem text={save.error} />
        <button className="pc-btn" type="submit" disabled={save.busy} data-testid="pp-profile-save">
          {t('profile.save')}
        </button>
        {saved && <span className="pc-chip pc-chip-ok">{t('profile.saved')}</span>}
      </form>

      <h2>{t('profile.ties')}</h2>
      <p className="pc-muted pc-small">{t('profile.why')}</p>
      {data.data.relationships.length === 0 && <p className="pc-muted">{t('profile.noTies')}</p>}
      <ul className="pc-list" data-testid="pp-ties">
        {data.data.relationships.map((r) => (
          <li key={r.id} className="pc-card">
            <div className="pc-card-head">
              <strong>{pick(i18n.language, r.orgName, r.orgNameEn)}</strong>
              <span className={`pc-chip ${r.verified ? 'pc-chip-ok' : ''}`}>
                {t(r.verified ? 'profile.verified' : 'profile.unverified')}
              </span>
            </div>
            <p className="pc-small">{t(`kind.${r.kind}`)}</p>
            <p className="pc-small pc-muted">
              {t('profile.relevance', { r: r.relevance.score.toFixed(2) })} ·{' '}
              <button
                type="button"
                className="pc-btn-link"
                onClick={() => void api.del(`/api/participation/relationships/${r.id}`).then(data.reload)}
              >
                {t('profile.remove')}
              </button>
            </p>
          </li>
        ))}
      </ul>
      <form
        className="pc-card pp-form"
        onSubmit={(e) => {
          e.preventDefault();
          void add
            .run(() => api.post('/api/participation/relationships', { ...tie, note: tie.note || undefined }))
            .then((ok) => ok && data.reload());
        }}
      >
        <h3>{t('profile.addTie')}</h3>
        <UnitPicker
          value={tie.orgUnitId}
          onChange={(v) => setTie({ ...tie, orgUnitId: v })}
          label={t('profile.unit')}
          testId="pp-tie-unit"
        />
        <Field label={t('profile.kind')}>
          <select value={tie.kind} onChange={(e) => setTie({ ...tie, kind: e.target.value })}>
            {KINDS.map((k) => (
              <option key={k} value={k}>
                {t(`kind.${k}`)}
              </option>
            ))}
          </select>
        </Field>
        <Field label={t('profile.note')}>
          <input value={tie.note} onChange={(e) => setTie({ ...tie, note: e.target.value })} />
        </Field>
        <Problem text={add.error} />
        <button
          className="pc-btn"
          type="submit"
          disabled={add.busy || !tie.orgUnitId}
          data-testid="pp-tie-add"
        >
          {t('profile.addTie')}
        </button>
      </form>
      <MyData />
    </>
  );
}

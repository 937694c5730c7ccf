import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { pick, setLang } from '../i18n';
import { api, ApiError } from '../shared/api';
import { Answering, Intro, Message } from './Answering';
import type { InvitationPageReply as Invitation, OpenSurveyReply } from '@perfcommons/contracts';

type Route = { kind: 'code' } | { kind: 'token'; token: string } | { kind: 'open'; surveyId: string };

function routeOf(path: string): Route {
  const parts = path.split('/').filter(Boolean);
  if (parts[0] !== 's' || parts.length < 2) return { kind: 'code' };
  if (parts[1] === 'open' && parts[2]) return { kind: 'open', surveyId: decodeURIComponent(parts[2]) };
  return { kind: 'token', token: decodeURIComponent(parts[1]) };
}

export function SurveyApp() {
  const { t, i18n } = useTranslation('survey');
  const [path, setPath] = useState(location.pathname);
  useEffect(() => {
    const on = () => setPath(location.pathname);
    window.addEventListener('popstate', on);
    return () => window.removeEventListener('popstate', on);
  }, []);
  const go = (to: string) => {
    history.pushState(null, '', to);
    setPath(to);
  };
  const route = routeOf(path);
  const other = i18n.language === 'en' ? 'zh-CN' : 'en';
  return (
    <div className="sv-shell">
      <header className="sv-header">
        <span className="sv-brand">{t('brand')}</span>
        <button type="button" className="sv-lang" data-testid="lang-switch" onClick={() => setLang(other)}>
          {t(`common:lang.${other}`)}
        </button>
      </header>
      <main className="sv-main">
        {route.kind === 'code' && <CodeEntry onGo={(c) => go(`/s/${encodeURIComponent(c)}`)} />}
        {route.kind === 'token' && (
          <InvitationSurvey key={route.token} token={route.token} onCodeAgain={() => go('/s')} />
        )}
        {route.kind === 'open' && <OpenSurvey key={route.surveyId} surveyId={route.surveyId} />}
      </main>
      <footer className="sv-footer">{t('privacy')}</footer>
    </div>
  );
}

function CodeEntry({ onGo }: { onGo: (code: string) => void }) {
  const { t } = useTranslation('survey');
  const [code, setCode] = useState('');
  return (
    <form
      className="sv-card"
      onSubmit={(e) => {
        e.preventDefault();
        if (code.trim()) onGo(code.trim().toUpperCase());
      }}
    >
      <h1>{t('codeTitle')}</h1>
      <p className="sv-muted">{t('codeHint')}</p>
      <label className="sv-label" htmlFor="code">
        {t('codeLabel')}
      </label>
      <input
        id="code"
        className="sv-input sv-code"
        autoComplete="off"
        autoCapitalize="characters"
        value={code}
        onChange={(e) => setCode(e.target.value)}
        placeholder="ABCDE-23456"
      />
      <button type="submit" className="sv-btn sv-primary">
        {t('codeGo')}
      </button>
    </form>
  );
}

function InvitationSurvey({ token, onCodeAgain }: { token: string; onCodeAgain: () => void }) {
  const { t } = useTranslation('survey');
  const [data, setData] = useState<Invitation>();
  const [error, setError] = useState<ApiError | Error>();
  const [tick, setTick] = useState(0);
  useEffect(() => {
    setError(undefined);
    api
      .get<Invitation>(`/api/public/s/${encodeURIComponent(token)}`)
      .then(setData)
      .catch(setError);
  }, [token, tick]);
  if (error) {
    if (error instanceof ApiError && error.status === 404)
      // A mistyped code: the respondent can type it again.
      return (
        <div className="sv-card sv-msg sv-error" role="alert">
          {t('notFound')}{' '}
          <button type="button" className="sv-link" data-testid="code-again" onClick={onCodeAgain}>
            {t('codeAgain')}
          </button>
        </div>
      );
    return (
      <div className="sv-card sv-msg sv-error" role="alert">
        {t('error', { message: error.message })}{' '}
        <button type="button" className="sv-link" onClick={() => setTick((n) => n + 1)}>
          {t('retry')}
        </button>
      </div>
    );
  }
  if (!data) return <Message text={t('loading')} />;
  if (data.state !== 'open' || !data.version)
    return (
      <>
        <Intro survey={data.survey} />
        <Message
          text={t(data.state === 'answered' ? 'answered' : data.state === 'closed' ? 'closed' : 'notStarted')}
          tone={data.state === 'answered' ? 'ok' : 'info'}
        />
      </>
    );
  return (
    <Answering
      survey={data.survey}
      definition={data.version.definition}
      initial={data.answers}
      saveDraft={(answers) => api.put(`/api/public/s/${encodeURIComponent(token)}/draft`, { answers })}
      submit={(answers) => api.post(`/api/public/s/${encodeURIComponent(token)}`, { answers })}
    />
  );
}

function OpenSurvey({ surveyId }: { surveyId: string }) {
  const { t } = useTranslation('survey');
  const [data, setData] = useState<OpenSurveyReply>();
  const [error, setError] = useState<Error>();
  const [profile, setProfile] = useState<Record<string, string>>({});
  const [districts, setDistricts] = useState<{ code: string; name: string; nameEn: string | null }[]>([]);
  const { i18n } = useTranslation();
  useEffect(() => {
    api
      .get<typeof data>(`/api/public/surveys/${encodeURIComponent(surveyId)}/open`)
      .then(setData)
      .catch(setError);
    api
      .get<{ items: { code: string; name: string; nameEn: string | null; kind: string }[] }>(
        '/api/public/orgs',
      )
      .then((r) => setDistricts(r.items.filter((o) => o.kind === 'district')))
      .catch(() => setDistricts([]));
  }, [surveyId]);
  if (error) return <Message text={t('notFound')} tone="error" />;
  if (!data) return <Message text={t('loading')} />;
  const fields = data.survey.strataFields ?? [];
  const choices: Record<string, { value: string; label: string }[]> = {
    district: districts.map((d) => ({ value: d.code, label: pick(i18n.language, d.name, d.nameEn) })),
    area: [
      { value: 'urban', label: i18n.language === 'en' ? 'Urban' : '城镇' },
      { value: 'rural', label: i18n.language === 'en' ? 'Rural' : '农村' },
    ],
    respondentType: [
      { value: 'household', label: i18n.language === 'en' ? 'Resident' : '城乡居民' },
      { value: 'enterprise', label: i18n.language === 'en' ? 'Enterprise' : '企业' },
      { value: 'business', label: i18n.language === 'en' ? 'Individual business' : '个体工商户' },
    ],
  };
  const profileBlock = (
    <fieldset className="sv-card sv-q">
      <legend className="sv-qtext">{t('open.profile')}</legend>
      <p className="sv-muted">{t('open.hint')}</p>
      {fields.map((f) => (
        <label key={f} className="sv-label">
          {t(`open.field.${f}`, { defaultValue: f })}
          {choices[f]?.length ? (
            <select
              className="sv-input"
              value={profile[f] ?? ''}
              onChange={(e) => setProfile({ ...profile, [f]: e.target.value })}
            >
              <option value="" />
              {choices[f].map((c) => (
                <option key={c.value} value={c.value}>
                  {c.label}
                </option>
              ))}
            </select>
          ) : (
            <input
              className="sv-input"
              value={profile[f] ?? ''}
              onChange={(e) => setProfile({ ...profile, [f]: e.target.value })}
            />
          )}
        </label>
      ))}
    </fieldset>
  );
  return (
    <Answering
      survey={data.survey}
      definition={data.version.definition}
      initial={{}}
      header={profileBlock}
      submit={(answers) =>
        api.post(`/api/public/surveys/${encodeURIComponent(surveyId)}/open`, { answers, profile })
      }
    />
  );
}

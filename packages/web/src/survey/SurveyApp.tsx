import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import {
  isVisible,
  validateAnswers,
  type AnswerValue,
  type Answers,
  type Question,
  type Questionnaire,
} from '@perfcommons/domain';
import { pick, setLang } from '../i18n';
import { api, ApiError } from '../shared/api';
import { QuestionView } from './QuestionView';

interface SurveyInfo {
  id: string;
  title: string;
  titleEn: string | null;
  description: string | null;
  strataFields?: string[];
}
interface Invitation {
  survey: SurveyInfo;
  state: 'open' | 'answered' | 'closed' | 'not_started';
  version: { id: string; definition: Questionnaire } | null;
  answers: Answers;
}

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

function Message({ text, tone = 'info' }: { text: string; tone?: 'info' | 'ok' | 'error' }) {
  return (
    <div className={`sv-card sv-msg sv-${tone}`} role={tone === 'error' ? 'alert' : 'status'}>
      {text}
    </div>
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
  const [data, setData] = useState<{ survey: SurveyInfo; version: { definition: Questionnaire } }>();
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

function Intro({ survey }: { survey: SurveyInfo }) {
  const { i18n } = useTranslation();
  return (
    <div className="sv-intro">
      <h1>{pick(i18n.language, survey.title, survey.titleEn)}</h1>
      {survey.description && <p className="sv-muted">{survey.description}</p>}
    </div>
  );
}

interface AnsweringProps {
  survey: SurveyInfo;
  definition: Questionnaire;
  initial: Answers;
  header?: React.ReactNode;
  saveDraft?: (answers: Answers) => Promise<unknown>;
  submit: (answers: Answers) => Promise<unknown>;
}

/** One section per screen, show-if applied live, partial answers saved as they change. */
function Answering({ survey, definition, initial, header, saveDraft, submit }: AnsweringProps) {
  const { t, i18n } = useTranslation('survey');
  const [answers, setAnswers] = useState<Answers>(initial);
  const [page, setPage] = useState(0);
  const [shown, setShown] = useState<Record<string, string>>({});
  const [saved, setSaved] = useState<string>();
  const [saveFailed, setSaveFailed] = useState(false);
  const [state, setState] = useState<'answering' | 'submitting' | 'done' | 'already'>('answering');
  const [submitError, setSubmitError] = useState<string>();
  const timer = useRef<number>(undefined);
  const sections = definition.sections;
  const section = sections[page];
  const lang = i18n.language;

  const doSave = useCallback(
    (a: Answers) => {
      if (!saveDraft) return;
      saveDraft(clean(definition, a))
        .then(() => {
          setSaved(new Date().toLocaleTimeString(lang === 'en' ? 'en' : 'zh-CN'));
          setSaveFailed(false);
        })
        .catch(() => setSaveFailed(true));
    },
    [saveDraft, definition, lang],
  );
  const change = (id: string, v: AnswerValue | undefined) => {
    const next = { ...answers };
    if (v === undefined) delete next[id];
    else next[id] = v;
    setAnswers(next);
    if (shown[id]) setShown({ ...shown, [id]: '' });
    window.clearTimeout(timer.current);
    timer.current = window.setTimeout(() => doSave(next), 1500);
  };
  useEffect(() => () => window.clearTimeout(timer.current), []);

  const visible = useMemo(
    () => section.questions.filter((q) => isVisible(definition, q.id, answers)),
    [section, definition, answers],
  );
  const problemsOf = (qs: Question[]) => {
    const ids = new Set(qs.map((q) => q.id));
    return validateAnswers(definition, clean(definition, answers), { complete: true }).filter((p) =>
      ids.has(p.path.split('.')[1]),
    );
  };
  const check = (qs: Question[]) => {
    const problems = problemsOf(qs);
    const byQ: Record<string, string> = {};
    for (const p of problems)
      byQ[p.path.split('.')[1]] ??= p.message === 'required' ? t('requiredMissing') : p.message;
    setShown(byQ);
    if (problems.length) {
      const first = document.getElementById(`q-${problems[0].path.split('.')[1]}`);
      first?.scrollIntoView({ behavior: 'smooth', block: 'center' });
    }
    return problems.length === 0;
  };
  const next = () => {
    if (!check(visible)) return;
    doSave(answers);
    setPage(page + 1);
    window.scrollTo(0, 0);
  };
  const send = async () => {
    if (!check(visible)) return;
    setState('submitting');
    setSubmitError(undefined);
    try {
      window.clearTimeout(timer.current);
      await submit(clean(definition, answers));
      setState('done');
    } catch (e) {
      if (e instanceof ApiError && e.code === 'already_answered') setState('already');
      else {
        setState('answering');
        const details = e instanceof ApiError ? e.details : [];
        if (details.length) {
          const byQ: Record<string, string> = {};
          for (const d of details) byQ[d.path.split('.')[1]] ??= d.message;
          setShown(byQ);
        }
        setSubmitError(t('error', { message: (e as Error).message }));
      }
    }
  };

  if (state === 'done')
    return (
      <div className="sv-card sv-msg sv-ok" role="status" data-testid="survey-done">
        <strong>{t('thanks')}</strong>
        <p className="sv-muted">{t('thanksHint')}</p>
      </div>
    );
  if (state === 'already') return <Message text={t('already')} tone="ok" />;
  const last = page === sections.length - 1;
  const errors = Object.values(shown).filter(Boolean).length;
  return (
    <>
      <Intro survey={survey} />
      {page === 0 && header}
      <div className="sv-progress" aria-hidden="true">
        <div style={{ width: `${((page + 1) / sections.length) * 100}%` }} />
      </div>
      <h2 className="sv-section">
        <span className="sv-muted">{t('section', { n: page + 1, total: sections.length })}</span>
        {pick(lang, section.title, section.titleEn)}
      </h2>
      {visible.map((q) => (
        <QuestionView
          key={q.id}
          q={q}
          value={answers[q.id]}
          error={shown[q.id]}
          onChange={(v) => change(q.id, v)}
        />
      ))}
      {errors > 0 && (
        <p className="sv-error-text" role="alert">
          {t('fixErrors', { n: errors })}
        </p>
      )}
      {submitError && (
        <p className="sv-error-text" role="alert">
          {submitError}
        </p>
      )}
      <div className="sv-actions">
        {page > 0 && (
          <button type="button" className="sv-btn" onClick={() => setPage(page - 1)}>
            {t('prev')}
          </button>
        )}
        {last ? (
          <button
            type="button"
            className="sv-btn sv-primary"
            disabled={state === 'submitting'}
            onClick={() => void send()}
            data-testid="survey-submit"
          >
            {state === 'submitting' ? t('submitting') : t('submit')}
          </button>
        ) : (
          <button type="button" className="sv-btn sv-primary" onClick={next} data-testid="survey-next">
            {t('next')}
          </button>
        )}
      </div>
      {saveDraft && (
        <div className="sv-save">
          <button type="button" className="sv-link" onClick={() => doSave(answers)}>
            {t('saveLater')}
          </button>
          {saved && !saveFailed && <span className="sv-muted"> · {t('saved', { time: saved })}</span>}
          {saveFailed && <span className="sv-error-text"> · {t('saveFailed')}</span>}
        </div>
      )}
    </>
  );
}

/** Drops answers of questions hidden by show-if (e.g. after changing an earlier answer). */
function clean(def: Questionnaire, answers: Answers): Answers {
  const out: Answers = {};
  for (const [k, v] of Object.entries(answers)) if (isVisible(def, k, answers)) out[k] = v;
  return out;
}

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
import { pick } from '../i18n';
import { ApiError } from '../shared/api';
import { QuestionView } from './QuestionView';
import type { SurveyInfo } from './types';

export function Message({ text, tone = 'info' }: { text: string; tone?: 'info' | 'ok' | 'error' }) {
  return (
    <div className={`sv-card sv-msg sv-${tone}`} role={tone === 'error' ? 'alert' : 'status'}>
      {text}
    </div>
  );
}

export function Intro({ survey }: { survey: SurveyInfo }) {
  const { i18n } = useTranslation();
  return (
    <div className="sv-intro">
      <h1>{pick(i18n.language, survey.title, survey.titleEn)}</h1>
      {survey.description && <p className="sv-muted">{survey.description}</p>}
    </div>
  );
}

export interface AnsweringProps {
  survey: SurveyInfo;
  definition: Questionnaire;
  initial: Answers;
  header?: React.ReactNode;
  saveDraft?: (answers: Answers) => Promise<unknown>;
  submit: (answers: Answers) => Promise<unknown>;
}

/** One section per screen, show-if applied live, partial answers saved as they change. */
export function Answering({ survey, definition, initial, header, saveDraft, submit }: AnsweringProps) {
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

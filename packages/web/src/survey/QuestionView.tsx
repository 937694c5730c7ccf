import { useTranslation } from 'react-i18next';
import type { AnswerValue, Question } from '@perfcommons/domain';
import { pick } from '../i18n';

interface Props {
  q: Question;
  value: AnswerValue | undefined;
  error?: string;
  onChange: (v: AnswerValue | undefined) => void;
}

/** One question, with large touch targets (radio rows, scale buttons) for a 375 px screen. */
export function QuestionView({ q, value, error, onChange }: Props) {
  const { t, i18n } = useTranslation('survey');
  const lang = i18n.language;
  const labels = (points: number) =>
    t(points === 7 ? 'likert7' : 'likert5', { returnObjects: true }) as string[];
  const name = `q-${q.id}`;
  let body;
  switch (q.type) {
    case 'single':
      body = (q.options ?? []).map((o) => (
        <label key={o.value} className={`sv-choice${value === o.value ? ' on' : ''}`}>
          <input type="radio" name={name} checked={value === o.value} onChange={() => onChange(o.value)} />
          <span>{pick(lang, o.label, o.labelEn)}</span>
        </label>
      ));
      break;
    case 'multiple': {
      const arr = Array.isArray(value) ? value : [];
      body = (
        <>
          <p className="sv-muted sv-small">{t('chooseMany')}</p>
          {(q.options ?? []).map((o) => {
            const on = arr.includes(o.value);
            return (
              <label key={o.value} className={`sv-choice${on ? ' on' : ''}`}>
                <input
                  type="checkbox"
                  checked={on}
                  onChange={() => {
                    const next = on ? arr.filter((x) => x !== o.value) : [...arr, o.value];
                    onChange(next.length ? next : undefined);
                  }}
                />
                <span>{pick(lang, o.label, o.labelEn)}</span>
              </label>
            );
          })}
        </>
      );
      break;
    }
    case 'likert5':
    case 'likert7': {
      const points = q.type === 'likert7' ? 7 : 5;
      body = labels(points).map((l, i) => (
        <label key={i} className={`sv-choice${value === i + 1 ? ' on' : ''}`}>
          <input type="radio" name={name} checked={value === i + 1} onChange={() => onChange(i + 1)} />
          <span>
            {i + 1} · {l}
          </span>
        </label>
      ));
      break;
    }
    case 'rating0to10':
      body = (
        <>
          <div className="sv-scale sv-scale-11" role="radiogroup" aria-label={pick(lang, q.text, q.textEn)}>
            {Array.from({ length: 11 }, (_, i) => (
              <button
                key={i}
                type="button"
                role="radio"
                aria-checked={value === i}
                className={value === i ? 'on' : ''}
                onClick={() => onChange(i)}
              >
                {i}
              </button>
            ))}
          </div>
          <div className="sv-scale-ends sv-muted sv-small">
            <span>{t('ratingLow')}</span>
            <span>{t('ratingHigh')}</span>
          </div>
        </>
      );
      break;
    case 'matrix': {
      const points = q.scale ?? 5;
      const m = value && typeof value === 'object' && !Array.isArray(value) ? value : {};
      body = (
        <>
          <p className="sv-muted sv-small">{t('matrixHint', { max: points })}</p>
          {(q.items ?? []).map((it) => (
            <div key={it.id} className="sv-matrix-row">
              <div className="sv-matrix-item">{pick(lang, it.text, it.textEn)}</div>
              <div className="sv-scale" role="radiogroup" aria-label={pick(lang, it.text, it.textEn)}>
                {Array.from({ length: points }, (_, i) => (
                  <button
                    key={i}
                    type="button"
                    role="radio"
                    aria-checked={m[it.id] === i + 1}
                    title={labels(points)[i]}
                    className={m[it.id] === i + 1 ? 'on' : ''}
                    onClick={() => onChange({ ...m, [it.id]: i + 1 })}
                  >
                    {i + 1}
                  </button>
                ))}
              </div>
            </div>
          ))}
        </>
      );
      break;
    }
    case 'text': {
      const text = typeof value === 'string' ? value : '';
      const max = q.maxLength ?? 2000;
      body = (
        <>
          <textarea
            className="sv-input"
            rows={4}
            maxLength={max}
            value={text}
            placeholder={q.required ? '' : t('textPlaceholder')}
            onChange={(e) => onChange(e.target.value ? e.target.value : undefined)}
          />
          <div className="sv-muted sv-small">{t('chars', { n: text.length, max })}</div>
        </>
      );
      break;
    }
  }
  return (
    <fieldset className={`sv-card sv-q${error ? ' sv-has-error' : ''}`} id={name}>
      <legend className="sv-qtext">
        {pick(lang, q.text, q.textEn)}
        {q.required && <span className="sv-req"> * {t('required')}</span>}
      </legend>
      {body}
      {error && (
        <p className="sv-error-text" role="alert">
          {error}
        </p>
      )}
    </fieldset>
  );
}

import { useTranslation } from 'react-i18next';
import { STAGES } from '@perfcommons/contracts/enums';
import type { Stage } from '@perfcommons/contracts';
import { errorText } from '../console/errors';

export function Loading() {
  const { t } = useTranslation();
  return <p className="pc-muted">{t('misc.loading')}</p>;
}

/** `count` placeholder cards holding the space of what is loading; says "loading" to screen readers. */
export function Skeleton({ count = 1, height }: { count?: number; height?: number }) {
  const { t } = useTranslation();
  return (
    <div role="status" data-testid="skeleton">
      <span className="pc-visually-hidden">{t('misc.loading')}</span>
      {Array.from({ length: count }, (_, i) => (
        <div key={i} className="pc-card pc-skeleton" style={height ? { minHeight: height } : undefined} />
      ))}
    </div>
  );
}

export function ErrorBox({ error, onRetry }: { error: Error; onRetry?: () => void }) {
  const { t } = useTranslation();
  return (
    <div className="pc-error" role="alert">
      <strong>{t('misc.error')}</strong> <span>{errorText(error)}</span>
      {onRetry && (
        <button type="button" className="pc-btn-link" onClick={onRetry}>
          {t('misc.retry')}
        </button>
      )}
    </div>
  );
}

/** The six links of the cycle, with the current one highlighted. */
export function StageBar({ stage }: { stage: Stage }) {
  const { t } = useTranslation();
  const current = STAGES.indexOf(stage);
  const links = STAGES.filter((s) => s !== 'closed');
  return (
    <ol className="pc-stages" aria-label={t('misc.stage')}>
      {links.map((s, i) => (
        <li
          key={s}
          className={i < current ? 'done' : i === current ? 'current' : ''}
          aria-current={i === current ? 'step' : undefined}
        >
          <span className="pc-stage-dot">{i + 1}</span>
          <span className="pc-stage-label">{t(`stage.${s}`)}</span>
        </li>
      ))}
    </ol>
  );
}

export function GradeTag({ grade }: { grade: string | null | undefined }) {
  const { t } = useTranslation();
  if (!grade) return null;
  return <span className={`pc-grade pc-grade-${grade}`}>{t(`grade.${grade}`, { defaultValue: grade })}</span>;
}

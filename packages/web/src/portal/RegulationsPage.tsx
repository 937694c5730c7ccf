import { useTranslation } from 'react-i18next';
import { DEFAULT_GRADE_SCHEME } from '@perfcommons/domain';
import type { RegulationsReply as Regulations } from '@perfcommons/contracts';
import { pick } from '../i18n';
import { ApiError } from '../shared/api';
import { fmtDate, fmtNum } from '../shared/format';
import { Link } from './router';
import { ErrorBox, Loading } from './ui';
import { useApi } from './useApi';
import './opendata-i18n';
import { PrintBar } from './PrintBar';

/** A cycle's published regulations 考核办法, in plain sentences. */
export default function RegulationsPage({ id }: { id: string }) {
  const { t, i18n } = useTranslation('portal');
  const { t: tOpen } = useTranslation('portalOpenData');
  const r = useApi<Regulations>(`/api/public/cycles/${encodeURIComponent(id)}/regulations`);
  const grade = (g: string) => t(`common:grade.${g}`, { defaultValue: g });

  if (r.loading) return <Loading />;
  if (r.error instanceof ApiError && r.error.status === 404)
    return (
      <>
        <p data-testid="regulations-none">{t('regulations.notYet')}</p>
        <Link href="/" className="pc-btn-link">
          {t('regulations.back')}
        </Link>
      </>
    );
  if (r.error) return <ErrorBox error={r.error} onRetry={r.reload} />;
  const reg = r.data!;
  const rules = reg.rules;
  const scheme = reg.gradeScheme ?? DEFAULT_GRADE_SCHEME;

  return (
    <article data-testid="regulations">
      <h1>{t('regulations.title', { name: pick(i18n.language, reg.cycle.name, reg.cycle.nameEn) })}</h1>
      <p className="pc-muted">{t('regulations.version', { v: reg.version, at: fmtDate(reg.frozenAt) })}</p>
      <PrintBar />

      <section className="pc-card">
        <h2>{t('regulations.scoring')}</h2>
        <ol className="pc-reg-list">
          <li>
            {rules.trimEachSide > 0
              ? t('regulations.trim', { n: rules.trimEachSide })
              : t('regulations.noTrim')}
          </li>
          <li>{t('regulations.minRaters', { n: rules.minRaters })}</li>
          {rules.unitShareForCadres > 0 && (
            <li>{t('regulations.unitShare', { p: fmtNum(rules.unitShareForCadres * 100) })}</li>
          )}
          {rules.annualShareForTerm > 0 && (
            <li>{t('regulations.annualShare', { p: fmtNum(rules.annualShareForTerm * 100) })}</li>
          )}
          <li data-testid="regulations-missing">
            {rules.missingData === 'renormalise'
              ? t('regulations.missingRenormalise')
              : rules.missingData === 'zero'
                ? t('regulations.missingZero')
                : t('regulations.missingIncomplete')}
          </li>
          <li>{t('regulations.missingVeto')}</li>
          <li>{t('regulations.appeal', { n: rules.appealWindowDays })}</li>
        </ol>
      </section>

      <section className="pc-card">
        <h2>{t('regulations.grades')}</h2>
        <ul className="pc-reg-list">
          {scheme.bands.map((b, i) =>
            i === scheme.bands.length - 1 && i > 0 ? (
              <li key={b.grade}>
                {t('regulations.bandLast', { grade: grade(b.grade), min: fmtNum(scheme.bands[i - 1].min) })}
              </li>
            ) : (
              <li key={b.grade}>{t('regulations.band', { grade: grade(b.grade), min: fmtNum(b.min) })}</li>
            ),
          )}
          {(scheme.quotas ?? []).map((q) => (
            <li key={`q-${q.grade}`}>
              {t('regulations.quota', { grade: grade(q.grade), p: fmtNum(q.maxShare * 100) })}
              {q.atLeastOne ? t('regulations.atLeastOne') : ''}
            </li>
          ))}
          {(scheme.quotas ?? []).length > 0 && (
            <li>
              {scheme.tieBreak === 'shareQuota' ? t('regulations.tieShare') : t('regulations.tieWeighted')}
            </li>
          )}
        </ul>
      </section>

      <section className="pc-card">
        <h2>{t('regulations.consequences')}</h2>
        {rules.consequenceRules.length === 0 && <p className="pc-muted">{t('regulations.none')}</p>}
        <ul className="pc-reg-list" data-testid="regulations-consequences">
          {rules.consequenceRules.map((c, i) => {
            const when = c.veto
              ? t('regulations.whenVeto')
              : c.consecutive && c.consecutive > 1
                ? t('regulations.whenConsecutive', { grade: grade(c.grade ?? ''), n: c.consecutive })
                : t('regulations.whenGrade', { grade: grade(c.grade ?? '') });
            const what =
              t(`common:consequence.${c.kind}`, { defaultValue: c.kind }) +
              (c.value !== undefined ? t('regulations.value', { v: fmtNum(c.value) }) : '') +
              (c.appraiseeType === 'unit'
                ? t('regulations.forUnit')
                : c.appraiseeType === 'cadre'
                  ? t('regulations.forCadre')
                  : '');
            return <li key={i}>{t('regulations.rule', { when, what })}</li>;
          })}
        </ul>
      </section>
      {reg.text && (
        <section className="pc-card" data-testid="regulations-full">
          <h2>{tOpen('fullRules')}</h2>
          <p className="pc-muted pc-small">{tOpen('fullRulesIntro')}</p>
          {reg.text[i18n.language === 'en' ? 'en' : 'zh-CN'].map((sec) => (
            <div key={sec.id} data-testid={`regulations-section-${sec.id}`}>
              <h3>{sec.title}</h3>
              <ul className="pc-reg-list">
                {sec.items.map((item, i) => (
                  <li key={i}>{item}</li>
                ))}
              </ul>
            </div>
          ))}
        </section>
      )}
    </article>
  );
}

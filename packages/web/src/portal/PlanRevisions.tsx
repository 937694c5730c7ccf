import i18next from 'i18next';
import { useTranslation } from 'react-i18next';
import type { PublicPlanRevision as PublicRevision } from '@perfcommons/contracts';
import type { Same } from '../i18n';
import { pick } from '../i18n';
import { fmtDate, fmtNum } from '../shared/format';

const zh = {
  title: '计划调整记录',
  note: '本计划经批准在年中作了调整，调整前的版本已存档。',
  on: '{{date}} 批准（第 {{from}} 版 → 第 {{to}} 版）',
  field: { target: '目标值', weight: '权重' },
  reason: '调整理由',
};
const en: Same<typeof zh> = {
  title: 'Revisions',
  note: 'This plan was revised mid-cycle with approval; the previous version is kept on record.',
  on: 'Approved {{date}} (version {{from}} → {{to}})',
  field: { target: 'target', weight: 'weight' },
  reason: 'Reason',
};
i18next.addResourceBundle('zh-CN', 'planRevisions', zh, true, false);
i18next.addResourceBundle('en', 'planRevisions', en, true, false);

export type { PublicRevision };

/** The approved mid-cycle revisions of a published plan (what changed, why, when). */
export function PlanRevisions({ revisions }: { revisions?: PublicRevision[] }) {
  const { t, i18n } = useTranslation('planRevisions');
  if (!revisions?.length) return null;
  return (
    <section
      style={{ borderLeft: '3px solid #d4b106', paddingLeft: 12, marginTop: 12 }}
      data-testid="plan-revisions"
    >
      <h4>{t('title')}</h4>
      <p className="pc-muted pc-small">{t('note')}</p>
      {revisions.map((r) => (
        <div key={r.id}>
          <p className="pc-small">
            {t('on', { date: fmtDate(r.decidedAt), from: r.previousVersion, to: r.newVersion })}
          </p>
          <ul>
            {r.changes.map((c) => (
              <li key={`${c.code}${c.field}`}>
                {pick(i18n.language, c.name, c.nameEn)} · {t(`field.${c.field}`)} <del>{fmtNum(c.from)}</del>{' '}
                → <strong>{fmtNum(c.to)}</strong>
                {c.field === 'target' && c.unit ? ` ${c.unit}` : ''}
              </li>
            ))}
          </ul>
          <p className="pc-small">
            {t('reason')}: {r.justification}
          </p>
        </div>
      ))}
    </section>
  );
}

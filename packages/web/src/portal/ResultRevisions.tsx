import i18next from 'i18next';
import { useTranslation } from 'react-i18next';
import type { Same } from '../i18n';
import { pick } from '../i18n';
import { fmtDate, fmtDateTime, fmtNum } from '../shared/format';
import type {
  Cycle,
  PublicationState,
  ResultRevision as Revision,
  ResultRevisionList as Revisions,
} from '@perfcommons/contracts';
import { useApi } from './useApi';

const zh = {
  version: '第 {{n}} 版',
  firstVersion: '{{date}} 公布的第 1 版',
  note: '修订说明',
  kind: { publication: '公布', appeal: '申诉更正', correction: '绩效办更正' },
  input: '{{code}}（{{period}}）实际值由 {{from}} 更正为 {{to}}',
  peer: '同组其他考核对象的数据更正后，本结果的排名或等次随之变动',
  republication: '撤回后重新公布',
  changed: '变动：{{list}}',
  unchanged: '公布数值未变',
  why: '理由：{{reason}}',
  approved: '{{name}} 批准，{{at}}',
  office: '绩效办',
  earlier: '查看此前的 {{n}} 个版本',
  score: '总分 {{total}}',
  override: '公布说明：该结果公布时有未满足的条件（{{blockers}}），经绩效办说明理由后公布：{{reason}}',
  blocker: { no_result: '尚无结果', incomplete: '数据不完整', stale: '数据已变动未重算' },
  incomplete: '结果不完整，未评定等次和排名',
  withdrawnChip: '已撤回',
  withdrawn: '{{cycle}}的结果已撤回',
  withdrawnAt: '撤回时间：{{at}}',
  withdrawnReason: '撤回理由：{{reason}}',
  history: '公布记录',
  publish: '{{at}} 公布',
  withdraw: '{{at}} 撤回：{{reason}}',
  field: {
    total: '总分',
    weightedScore: '加权得分',
    bonus: '加分',
    deduction: '扣分',
    grade: '等次',
    gradeByScore: '按分数等次',
    rank: '排名',
    peerGroupSize: '组内数量',
    veto: '一票否决',
    complete: '完整性',
    missing: '缺失数据',
    consequences: '结果运用',
  },
};
const en: Same<typeof zh> = {
  version: 'Revision {{n}}',
  firstVersion: 'Revision 1, published {{date}}',
  note: 'Revision note',
  kind: { publication: 'publication', appeal: 'appeal correction', correction: 'office correction' },
  input: '{{code}} ({{period}}) actual value corrected from {{from}} to {{to}}',
  peer: 'Another appraisee of the peer group had a value corrected; this result’s rank or grade moved with it',
  republication: 'Published again after a withdrawal',
  changed: 'Changed: {{list}}',
  unchanged: 'Published figures unchanged',
  why: 'Reason: {{reason}}',
  approved: 'Approved by {{name}}, {{at}}',
  office: 'the performance office',
  earlier: 'Show the {{n}} earlier revision(s)',
  score: 'Total {{total}}',
  override:
    'Publication note: this result was published with unmet conditions ({{blockers}}), for the office’s stated reason: {{reason}}',
  blocker: { no_result: 'no result', incomplete: 'incomplete data', stale: 'data changed, not recomputed' },
  incomplete: 'Incomplete result: no grade or rank',
  withdrawnChip: 'Withdrawn',
  withdrawn: 'The results of {{cycle}} were withdrawn',
  withdrawnAt: 'Withdrawn {{at}}',
  withdrawnReason: 'Reason: {{reason}}',
  history: 'Publication history',
  publish: 'Published {{at}}',
  withdraw: 'Withdrawn {{at}}: {{reason}}',
  field: {
    total: 'total',
    weightedScore: 'weighted score',
    bonus: 'bonus',
    deduction: 'deduction',
    grade: 'grade',
    gradeByScore: 'grade by score',
    rank: 'rank',
    peerGroupSize: 'group size',
    veto: 'veto',
    complete: 'completeness',
    missing: 'missing data',
    consequences: 'consequences',
  },
};
i18next.addResourceBundle('zh-CN', 'resultRevisions', zh, true, false);
i18next.addResourceBundle('en', 'resultRevisions', en, true, false);

function Note({ r }: { r: Revision }) {
  const { t, i18n } = useTranslation('resultRevisions');
  const show = (v: unknown): string =>
    Array.isArray(v)
      ? v
          .map((c: { kind?: string }) => t(`common:consequence.${c.kind}`, { defaultValue: c.kind }))
          .join('、') || '—'
      : typeof v === 'number'
        ? fmtNum(v)
        : typeof v === 'string'
          ? t(`common:grade.${v}`, { defaultValue: v })
          : v === null || v === undefined
            ? '—'
            : '…';
  const fields = Object.entries(r.changes.fields ?? {});
  return (
    <div className="pc-small">
      {r.changes.input && (
        <p>
          {t('input', {
            code: r.changes.input.indicatorCode,
            period: r.changes.input.period,
            from: r.changes.input.from === null ? '—' : fmtNum(r.changes.input.from),
            to: fmtNum(r.changes.input.to),
          })}
        </p>
      )}
      {r.changes.cause === 'peer' && <p>{t('peer')}</p>}
      {r.changes.cause === 'republication' && <p>{t('republication')}</p>}
      {r.revision > 1 && (
        <p>
          {fields.length
            ? t('changed', {
                list: fields
                  .map(([f, c]) => `${t(`field.${f}`, { defaultValue: f })} ${show(c.from)} → ${show(c.to)}`)
                  .join('；'),
              })
            : t('unchanged')}
        </p>
      )}
      {r.reason && <p>{t('why', { reason: r.reason })}</p>}
      <p className="pc-muted">
        {t('approved', {
          name: pick(i18n.language, r.approverName, r.approverNameEn) || t('office'),
          at: fmtDateTime(r.at),
        })}
      </p>
    </div>
  );
}

/**
 * The revision of a published result shown beside it: "第 N 版" with its note (what changed, why,
 * who approved, when), the publication override if any, and the earlier revisions still readable.
 */
export function ResultRevisions({ resultId }: { resultId: string }) {
  const { t } = useTranslation('resultRevisions');
  const data = useApi<Revisions>(`/api/public/results/${resultId}/revisions`).data;
  const current = data?.items[0];
  if (!current) return null;
  const earlier = data.items.slice(1);
  return (
    <section
      className="pc-revisions"
      style={{ borderLeft: '3px solid #2f6f9f', paddingLeft: 12, marginTop: 12 }}
      data-testid="result-revision"
    >
      <p>
        <span className="pc-chip" data-testid="result-revision-number">
          {t('version', { n: current.revision })}
        </span>{' '}
        {current.revision === 1 ? (
          <span className="pc-muted pc-small">{t('firstVersion', { date: fmtDate(current.at) })}</span>
        ) : (
          <strong className="pc-small">
            {t('note')} · {t(`kind.${current.kind}`)}
          </strong>
        )}
      </p>
      {!current.snapshot.complete && <p className="pc-small">{t('incomplete')}</p>}
      {data.override && (
        <p className="pc-small" data-testid="result-override">
          {t('override', {
            blockers: data.override.blockers.map((b) => t(`blocker.${b.reason}`)).join('、'),
            reason: data.override.reason,
          })}
        </p>
      )}
      {(current.revision > 1 || current.reason) && <Note r={current} />}
      {earlier.length > 0 && (
        <details data-testid="result-earlier-revisions">
          <summary className="pc-small">{t('earlier', { n: earlier.length })}</summary>
          <ol className="pc-list">
            {earlier.map((r) => (
              <li key={r.id}>
                <strong>{t('version', { n: r.revision })}</strong> · {t(`kind.${r.kind}`)} ·{' '}
                {t('score', { total: fmtNum(r.snapshot.total, 2) })}
                {r.snapshot.grade ? ` · ${t(`common:grade.${r.snapshot.grade}`)}` : ''}
                {r.snapshot.rank != null ? ` · #${r.snapshot.rank}` : ''}
                <Note r={r} />
              </li>
            ))}
          </ol>
        </details>
      )}
    </section>
  );
}

/** The publication history of a cycle (publications and withdrawals with their reasons). */
export function PublicationHistory({ cycleId }: { cycleId: string }) {
  const { t } = useTranslation('resultRevisions');
  const state = useApi<PublicationState>(`/api/public/cycles/${cycleId}/publication`).data;
  if (!state || state.history.length < 2) return null;
  return (
    <details className="pc-small" data-testid="publication-history">
      <summary>{t('history')}</summary>
      <ul className="pc-list">
        {state.history.map((h) => (
          <li key={h.id}>
            {h.kind === 'publish'
              ? t('publish', { at: fmtDateTime(h.at) })
              : t('withdraw', { at: fmtDateTime(h.at), reason: h.reason })}
          </li>
        ))}
      </ul>
    </details>
  );
}

function Withdrawn({ cycle }: { cycle: Cycle }) {
  const { t, i18n } = useTranslation('resultRevisions');
  const state = useApi<PublicationState>(`/api/public/cycles/${cycle.id}/publication`).data;
  if (!state?.withdrawn) return null;
  return (
    <article className="pc-card pc-withdrawn" role="status" data-testid="portal-withdrawn">
      <h3>
        <span className="pc-chip">{t('withdrawnChip')}</span>{' '}
        {t('withdrawn', { cycle: pick(i18n.language, cycle.name, cycle.nameEn) })}
      </h3>
      <p className="pc-small">{t('withdrawnReason', { reason: state.withdrawn.reason })}</p>
      <p className="pc-small pc-muted">{t('withdrawnAt', { at: fmtDateTime(state.withdrawn.at) })}</p>
    </article>
  );
}

/** "已撤回" with its public reason, for each cycle whose results were withdrawn (instead of its results). */
export function WithdrawnNotices({ cycles }: { cycles: Cycle[] }) {
  const candidates = cycles.filter(
    (c) => !c.resultsPublishedAt && ['feedback', 'results', 'closed'].includes(c.stage),
  );
  return (
    <>
      {candidates.map((c) => (
        <Withdrawn key={c.id} cycle={c} />
      ))}
    </>
  );
}

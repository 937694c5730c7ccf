import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { pick } from '../../i18n';
import { api } from '../../shared/api';
import { fmtDate } from '../../shared/format';
import { Link } from '../router';
import { ErrorBox, Loading } from '../ui';
import { useApi } from '../useApi';
import { AccountBox } from './AccountPages';
import { PlanSheet } from './PlanSheet';
import { Field, Problem, useAction } from './shared';
import { useSession } from './session';
import type {
  CounselingSession as Counseling,
  PlanComment as Comment,
  PlanDetailReply,
  ThreadWithPosts as Thread,
  Items,
  Plan as PlanSummary,
} from '@perfcommons/contracts';

type TreeNode = PlanDetailReply['tree'][number];

const flatten = (nodes: TreeNode[]): TreeNode[] => nodes.flatMap((n) => [n, ...flatten(n.children ?? [])]);

/** Plans published for comment (and, for threads, every public plan). */
export function CommentListPage() {
  const { t, i18n } = useTranslation('participate');
  const plans = useApi<Items<PlanSummary>>('/api/public/plans');
  const open = (plans.data?.items ?? []).filter((p) => p.status === 'published_for_comment');
  return (
    <>
      <h1>{t('comment.title')}</h1>
      <h2>{t('comment.open')}</h2>
      {plans.loading && <Loading />}
      {plans.data && open.length === 0 && <p className="pc-muted">{t('comment.none')}</p>}
      <ul className="pc-list">
        {open.map((p) => (
          <li key={p.id}>
            <Link href={`/take-part/plans/${p.id}`} className="pc-card pp-section" data-testid="pp-open-plan">
              {pick(i18n.language, p.title, p.titleEn)}
            </Link>
          </li>
        ))}
      </ul>
    </>
  );
}

export function PlanParticipationPage({ id }: { id: string }) {
  const { t, i18n } = useTranslation('participate');
  const session = useSession();
  const plan = useApi<{ plan: PlanSummary; tree: TreeNode[] }>(`/api/public/plans/${id}`);
  const comments = useApi<{ items: Comment[] }>(`/api/public/participation/plans/${id}/comments`);
  const threads = useApi<{ items: Thread[] }>(`/api/public/participation/plans/${id}/threads`);
  const counseling = useApi<{ items: Counseling[] }>(`/api/public/participation/plans/${id}/counseling`);
  const [form, setForm] = useState({ indicatorCode: '', body: '' });
  const [sent, setSent] = useState(false);
  const [thread, setThread] = useState({ title: '', body: '' });
  const [replies, setReplies] = useState<Record<string, string>>({});
  const send = useAction();
  const talk = useAction();
  if (plan.error) return <ErrorBox error={plan.error} onRetry={plan.reload} />;
  if (!plan.data) return <Loading />;
  const nodes = flatten(plan.data.tree);
  const name = (code: string | null) => {
    const n = code ? nodes.find((x) => x.code === code) : undefined;
    return n ? `${n.code} ${pick(i18n.language, n.name, n.nameEn)}` : t('comment.wholePlan');
  };
  const openForComment = plan.data.plan.status === 'published_for_comment';

  return (
    <>
      <p>
        <Link href="/take-part/comment">← {t('misc.back')}</Link>
      </p>
      <h1 data-testid="pp-plan-title">{pick(i18n.language, plan.data.plan.title, plan.data.plan.titleEn)}</h1>
      {/* The plan beside the comment form (below it on a phone): people comment on what they can see. */}
      <div className={openForComment ? 'pp-plan-grid' : undefined}>
        <PlanSheet tree={plan.data.tree} />
        {openForComment && (
          <div className="pp-plan-side">
            {session.participant ? (
              <form
                className="pc-card pp-form"
                onSubmit={(e) => {
                  e.preventDefault();
                  setSent(false);
                  void send
                    .run(() =>
                      api.post(`/api/participation/plans/${id}/comments`, {
                        body: form.body,
                        indicatorCode: form.indicatorCode || undefined,
                      }),
                    )
                    .then((ok) => {
                      if (!ok) return;
                      setSent(true);
                      setForm({ indicatorCode: '', body: '' });
                      comments.reload();
                    });
                }}
              >
                <Field label={t('comment.indicator')}>
                  <select
                    value={form.indicatorCode}
                    onChange={(e) => setForm({ ...form, indicatorCode: e.target.value })}
                    data-testid="pp-comment-indicator"
                  >
                    <option value="">{t('comment.wholePlan')}</option>
                    {nodes.map((n) => (
                      <option key={n.code} value={n.code}>
                        {n.code} {pick(i18n.language, n.name, n.nameEn)}
                      </option>
                    ))}
                  </select>
                </Field>
                <Field label={t('comment.body')}>
                  <textarea
                    rows={3}
                    value={form.body}
                    onChange={(e) => setForm({ ...form, body: e.target.value })}
                    data-testid="pp-comment-body"
                  />
                </Field>
                <Problem text={send.error} />
                <button className="pc-btn" type="submit" disabled={send.busy} data-testid="pp-comment-submit">
                  {t('comment.submit')}
                </button>
                {sent && (
                  <span className="pc-chip pc-chip-ok" data-testid="pp-comment-done">
                    {t('comment.submitted')}
                  </span>
                )}
              </form>
            ) : (
              <AccountBox />
            )}
          </div>
        )}
      </div>

      <h2>{t('comment.comments')}</h2>
      {comments.data?.items.length === 0 && <p className="pc-muted">{t('comment.noComments')}</p>}
      <ul className="pc-list" data-testid="pp-comments">
        {comments.data?.items.map((c) =>
          c.status === 'hidden' ? (
            <li key={c.id} className="pc-card pc-muted pc-small">
              {t('comment.hidden', { reason: c.hiddenReason })}
            </li>
          ) : (
            <li key={c.id} className="pc-card">
              <p className="pc-small pc-muted">{name(c.indicatorCode)}</p>
              <p>{c.body}</p>
              {c.answer ? (
                <p className="pp-answer">
                  <strong>{t('comment.answer')}</strong> {c.answer}
                </p>
              ) : (
                <span className="pc-chip">{t('comment.awaiting')}</span>
              )}
            </li>
          ),
        )}
      </ul>

      <h2>{t('comment.threads')}</h2>
      {threads.data?.items.length === 0 && <p className="pc-muted">{t('comment.noThreads')}</p>}
      <Problem text={talk.error} />
      {threads.data?.items.map((th) => (
        <div key={th.id} className="pc-card" data-testid="pp-thread">
          <h3>
            {th.title} <span className="pc-chip">{name(th.indicatorCode)}</span>
          </h3>
          <ul className="pc-list">
            {th.posts.map((p) => (
              <li key={p.id} className="pp-post">
                <span className={`pc-chip pp-role-${p.authorRole}`}>
                  {t(`comment.role.${p.authorRole}`)}
                  {p.authorName ? ` · ${p.authorName}` : ''}
                </span>{' '}
                {p.status === 'hidden' ? (
                  <em className="pc-muted">{t('comment.hidden', { reason: p.hiddenReason })}</em>
                ) : (
                  p.body
                )}
              </li>
            ))}
          </ul>
          {session.user && (
            <form
              className="pp-inline"
              onSubmit={(e) => {
                e.preventDefault();
                void talk
                  .run(() =>
                    api.post(`/api/participation/threads/${th.id}/posts`, { body: replies[th.id] ?? '' }),
                  )
                  .then((ok) => {
                    if (!ok) return;
                    setReplies({ ...replies, [th.id]: '' });
                    threads.reload();
                  });
              }}
            >
              <input
                aria-label={t('comment.reply')}
                placeholder={t('comment.reply')}
                value={replies[th.id] ?? ''}
                onChange={(e) => setReplies({ ...replies, [th.id]: e.target.value })}
              />
              <button className="pc-btn pp-btn-small" type="submit" disabled={talk.busy}>
                {t('comment.post')}
              </button>
            </form>
          )}
        </div>
      ))}
      {session.user && (
        <form
          className="pc-card pp-form"
          onSubmit={(e) => {
            e.preventDefault();
            void talk
              .run(() => api.post(`/api/participation/plans/${id}/threads`, thread))
              .then((ok) => {
                if (!ok) return;
                setThread({ title: '', body: '' });
                threads.reload();
              });
          }}
        >
          <h3>{t('comment.newThread')}</h3>
          <Field label={t('comment.threadTitle')}>
            <input value={thread.title} onChange={(e) => setThread({ ...thread, title: e.target.value })} />
          </Field>
          <Field label={t('comment.body')}>
            <textarea
              rows={2}
              value={thread.body}
              onChange={(e) => setThread({ ...thread, body: e.target.value })}
            />
          </Field>
          <button className="pc-btn" type="submit" disabled={talk.busy}>
            {t('comment.post')}
          </button>
        </form>
      )}

      {!!counseling.data?.items.length && (
        <section>
          <h2>{t('comment.counseling')}</h2>
          {counseling.data.items.map((c) => (
            <div key={c.id} className="pc-card">
              <h3>{fmtDate(c.heldOn)}</h3>
              {c.summary && <p>{c.summary}</p>}
              <p className="pc-small">
                <strong>{t('comment.attendees')}</strong> {c.attendees.join('、')}
              </p>
              <p className="pc-small">
                <strong>{t('comment.issues')}</strong> {c.issues.join('；')}
              </p>
              <p className="pc-small">
                <strong>{t('comment.actions')}</strong>
              </p>
              <ul className="pc-small">
                {c.actions.map((a, i) => (
                  <li key={i}>
                    {a.action} — {a.owner}，{fmtDate(a.deadline)}
                  </li>
                ))}
              </ul>
            </div>
          ))}
        </section>
      )}
    </>
  );
}

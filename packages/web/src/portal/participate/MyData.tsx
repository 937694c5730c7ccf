import { useState } from 'react';
import i18next from 'i18next';
import { useTranslation } from 'react-i18next';
import type { Job, JobAccepted } from '@perfcommons/contracts';
import { api, ApiError } from '../../shared/api';
import { Field, Problem, useAction } from './shared';

const zh = {
  title: '我的个人信息',
  help: '依照《个人信息保护法》，您可以随时下载本平台保存的您的全部个人信息，或注销账号。',
  download: '下载我的数据（JSON）',
  preparing: '正在准备您的数据……{{progress}}%',
  ready: '数据已准备好，正在下载。',
  again: '再次下载（文件保留 24 小时）',
  deleteTitle: '注销账号',
  deleteHelp:
    '注销后将删除您的联系方式、画像和声明的关系，账号无法再登录；您已提交的评价和意见将匿名保留（它们已计入公开结果）。此操作不可撤销。',
  password: '当前密码（确认注销）',
  confirm: '我确认注销账号',
  deleted: '账号已注销。',
};
const en: typeof zh = {
  title: 'My personal data',
  help: 'Under the Personal Information Protection Law you can download all personal data this platform holds about you, or delete your account, at any time.',
  download: 'Download my data (JSON)',
  preparing: 'Preparing your data… {{progress}}%',
  ready: 'Your data is ready and is being downloaded.',
  again: 'Download again (the file is kept 24 hours)',
  deleteTitle: 'Delete my account',
  deleteHelp:
    'Deleting erases your contacts, profile and declared ties, and the account can no longer log in; ratings and comments you submitted are kept anonymously (they count in published results). This cannot be undone.',
  password: 'Current password (to confirm)',
  confirm: 'I confirm deleting my account',
  deleted: 'Your account has been deleted.',
};
i18next.addResourceBundle('zh-CN', 'mydata', zh, true, false);
i18next.addResourceBundle('en', 'mydata', en, true, false);

/** The file of the download's job (its creator only; console: features/jobs/ExportJob.tsx). */
const jobFileUrl = (jobId: string) => `/api/jobs/${jobId}/file`;

/** Starts the browser's download of the job's file (the session cookie goes with it). */
function saveFile(jobId: string) {
  const a = document.createElement('a');
  a.href = jobFileUrl(jobId);
  a.rel = 'noopener';
  document.body.appendChild(a);
  a.click();
  a.remove();
}

/** PIPL: download one's own data and delete one's account (portal profile page). */
export function MyData() {
  const { t } = useTranslation('mydata');
  const [password, setPassword] = useState('');
  const [confirmed, setConfirmed] = useState(false);
  const [done, setDone] = useState(false);
  const [job, setJob] = useState<{ id: string; state: Job['state']; progress: number }>();
  const download = useAction();
  const remove = useAction();
  if (done) return <p className="pc-card">{t('deleted')}</p>;
  return (
    <section className="pc-card" data-testid="pp-my-data">
      <h2>{t('title')}</h2>
      <p className="pc-muted pc-small">{t('help')}</p>
      <button
        className="pc-btn"
        type="button"
        disabled={download.busy}
        data-testid="pp-my-data-download"
        onClick={() =>
          void download.run(async () => {
            // A job makes the file (a large account's data does not hold the request): follow its
            // progress, then download the file from the job.
            setJob(undefined);
            const { jobId } = await api.post<JobAccepted>('/api/participation/my-data');
            setJob({ id: jobId, state: 'queued', progress: 0 });
            for (;;) {
              await new Promise((r) => setTimeout(r, 1000));
              const j = await api.get<Job>(`/api/jobs/${jobId}`);
              setJob({ id: j.id, state: j.state, progress: j.progress });
              if (j.state === 'failed') {
                const e = j.lastError;
                throw new ApiError(e?.status ?? 500, e?.error ?? 'internal', e?.message ?? '', e?.details);
              }
              if (j.state === 'completed') break;
            }
            saveFile(jobId);
          })
        }
      >
        {t('download')}
      </button>
      {job && job.state !== 'completed' && job.state !== 'failed' && (
        <p className="pc-small" data-testid="pp-my-data-progress">
          <progress max={100} value={job.progress} /> {t('preparing', { progress: job.progress })}
        </p>
      )}
      {job?.state === 'completed' && (
        <p className="pc-small">
          {t('ready')}{' '}
          <a href={jobFileUrl(job.id)} data-testid="pp-my-data-file">
            {t('again')}
          </a>
        </p>
      )}
      <Problem text={download.error} />
      <h3>{t('deleteTitle')}</h3>
      <p className="pc-muted pc-small">{t('deleteHelp')}</p>
      <form
        className="pp-form"
        onSubmit={(e) => {
          e.preventDefault();
          void remove
            .run(() => api.post('/api/participation/delete-account', { currentPassword: password }))
            .then((ok) => {
              if (ok) {
                setDone(true);
                window.location.assign('/');
              }
            });
        }}
      >
        <Field label={t('password')}>
          <input
            type="password"
            autoComplete="current-password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
        </Field>
        <label className="pc-small">
          <input type="checkbox" checked={confirmed} onChange={(e) => setConfirmed(e.target.checked)} />{' '}
          {t('confirm')}
        </label>
        <Problem text={remove.error} />
        <button
          className="pc-btn"
          type="submit"
          disabled={remove.busy || !confirmed || !password}
          data-testid="pp-delete-account"
        >
          {t('deleteTitle')}
        </button>
      </form>
    </section>
  );
}

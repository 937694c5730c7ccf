import { useCallback, useState, type ReactNode } from 'react';
import { App, Button, Space } from 'antd';
import { DownloadOutlined } from '@ant-design/icons';
import { useMutation } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { Job, JobAccepted } from '@perfcommons/contracts';
import { errorText } from '../../console/errors';
import { api } from '../../shared/api';
import { JobProgress } from './JobProgress';

/** The file a completed job made, as its creator downloads it. */
export const jobFileUrl = (jobId: string) => `/api/jobs/${jobId}/file`;

/** Starts the browser's download of a job's file (the session cookie goes with it). */
function download(jobId: string) {
  const a = document.createElement('a');
  a.href = jobFileUrl(jobId);
  a.rel = 'noopener';
  document.body.appendChild(a);
  a.click();
  a.remove();
}

/**
 * A button that queues an export as a durable job (`POST url` answers 202 with its id), shows the
 * job's progress under it, and downloads the file once it is done; the link stays for a second copy.
 */
export function ExportJobButton({
  url,
  children,
  testId,
}: {
  url: string;
  children: ReactNode;
  testId?: string;
}) {
  const { t } = useTranslation('jobs');
  const { message } = App.useApp();
  const [job, setJob] = useState<{ id: string; state: Job['state'] }>();
  const start = useMutation({
    mutationFn: () => api.post<JobAccepted>(url),
    onSuccess: (r) => setJob({ id: r.jobId, state: 'queued' }),
    onError: (e) => void message.error(errorText(e)),
  });
  const onDone = useCallback((j: Job) => {
    setJob({ id: j.id, state: j.state });
    if (j.state === 'completed') download(j.id);
  }, []);
  const running = !!job && job.state !== 'completed' && job.state !== 'failed';
  return (
    <Space direction="vertical" size={2} style={{ minWidth: 180 }} data-testid={testId}>
      <Button icon={<DownloadOutlined />} loading={start.isPending || running} onClick={() => start.mutate()}>
        {children}
      </Button>
      {job && <JobProgress jobId={job.id} onDone={onDone} />}
      {job?.state === 'completed' && (
        <a href={jobFileUrl(job.id)} data-testid={testId && `${testId}-file`}>
          {t('download')}
        </a>
      )}
    </Space>
  );
}

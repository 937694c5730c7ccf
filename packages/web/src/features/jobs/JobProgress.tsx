import { useEffect, useRef } from 'react';
import { Alert, Progress, Space, Typography } from 'antd';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { Job, JobKind, JobOf } from '@perfcommons/contracts';
import { api } from '../../shared/api';

const TERMINAL = ['completed', 'failed'];

/** A durable job, polled every second until it is completed or failed. */
export function useJob(jobId: string | undefined) {
  return useQuery({
    queryKey: ['job', jobId],
    enabled: !!jobId,
    queryFn: () => api.get<Job>(`/api/jobs/${jobId}`),
    refetchInterval: (q) => (q.state.data && TERMINAL.includes(q.state.data.state) ? false : 1000),
  });
}

/** Whether the job is of the kind (any kind when none is given): its input and result are that kind's. */
function isJobOf<K extends JobKind>(job: Job, kind: K | undefined): job is JobOf<K> {
  return kind === undefined || job.kind === kind;
}

/**
 * The progress of a job started by the user (a compute, an export…): bar, step, attempt and, when it
 * failed, the reason. `onDone` is called once when it ends, with the job typed by its `kind` (the
 * contract's input and result of that kind).
 */
export function JobProgress<K extends JobKind = JobKind>({
  jobId,
  kind,
  onDone,
}: {
  jobId: string;
  kind?: K;
  onDone?: (job: JobOf<K>) => void;
}) {
  const { t } = useTranslation('jobs');
  const job = useJob(jobId).data;
  const reported = useRef<string>(undefined);
  useEffect(() => {
    if (job && TERMINAL.includes(job.state) && reported.current !== job.id && isJobOf(job, kind)) {
      reported.current = job.id;
      onDone?.(job);
    }
  }, [job, kind, onDone]);
  if (!job) return <Progress percent={0} size="small" status="active" />;
  const status = job.state === 'failed' ? 'exception' : job.state === 'completed' ? 'success' : 'active';
  const step = job.message && t(`step.${job.message}`, { defaultValue: job.message });
  return (
    <Space direction="vertical" size={2} style={{ width: '100%' }} data-testid="job-progress">
      <Progress percent={job.progress} size="small" status={status} />
      <Typography.Text type="secondary" style={{ fontSize: 12 }}>
        {t(`state.${job.state}`)}
        {job.state === 'active' && step ? ` · ${step}` : ''}
        {job.attempts > 1 ? ` · ${t('attempt', { n: job.attempts, max: job.maxAttempts })}` : ''}
      </Typography.Text>
      {job.state === 'failed' && job.lastError && (
        <Alert type="error" showIcon message={t('failed', { message: job.lastError.message })} />
      )}
    </Space>
  );
}

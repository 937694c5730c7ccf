import { loadEnv } from '../../env';
import { computeResultsJob } from '../results/jobs';
import { sendNotificationsJob } from '../notifications/sender';
import { frameImportJob } from '../surveys/frame-job';
import { valueImportJob } from '../values/import-job';
import { orgImportJob } from '../onboarding/import-job';
import { opendataBundleJob } from '../opendata/store';
import { monitoringSweepJob } from '../monitoring/scheduler';
import { surveyExportJob } from '../surveys/export-job';
import { linkageImportJob } from '../linkage/import-job';
import { personalDataJob } from '../participation/personal-data-job';
import type { JobDefinition, JobsOptions } from './queue';

/** Every kind of durable job the server runs (each process works all of them). */
export function jobDefinitions(): JobDefinition<never, unknown>[] {
  return [
    computeResultsJob,
    sendNotificationsJob,
    frameImportJob,
    opendataBundleJob,
    valueImportJob,
    orgImportJob,
    monitoringSweepJob,
    surveyExportJob,
    linkageImportJob,
    personalDataJob,
  ];
}

export function jobsOptionsFromEnv(source: NodeJS.ProcessEnv = process.env): JobsOptions {
  const env = loadEnv(source);
  return {
    expireSeconds: env.JOB_EXPIRE_SECONDS,
    maintenanceSeconds: env.JOB_MAINTENANCE_SECONDS,
    pollSeconds: env.JOB_POLL_SECONDS,
    retryDelaySeconds: env.JOB_RETRY_DELAY_SECONDS,
    // Past the drain bound: the process exits (SIGTERM) before pg-boss could hand a job still
    // running here to another process; the job is then taken again when it expires.
    stopSeconds: env.SHUTDOWN_GRACE_SECONDS + 30,
  };
}

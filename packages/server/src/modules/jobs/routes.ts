import { IdParams, Job, JobList, JobsQuery } from '@perfcommons/contracts';
import type { FastifyPluginAsyncContract } from '../../lib/serializer';
import { getJob, listJobs } from './service';

export const jobRoutes: FastifyPluginAsyncContract = async (app) => {
  const db = app.database.db;
  app.get(
    '/jobs/:id',
    { schema: { tags: ['jobs'], params: IdParams, response: { 200: Job } } },
    async (req) => getJob(db, app.jobs, req.actor, req.params.id),
  );
  app.get(
    '/jobs',
    { schema: { tags: ['jobs'], querystring: JobsQuery, response: { 200: JobList } } },
    async (req) => listJobs(db, req.actor, req.query),
  );
};

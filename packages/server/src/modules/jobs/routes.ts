import type { FastifyReply } from 'fastify';
import { IdParams, Job, JobFileReply, JobList, JobsQuery } from '@perfcommons/contracts';
import type { Db } from '../../db/client';
import type { Actor } from '../../lib/actor';
import type { FastifyPluginAsyncContract } from '../../lib/serializer';
import { contentDisposition } from '../../lib/send-file';
import { getJob, jobOutput, listJobs } from './service';

/** Sends the file a job made to its creator (`GET /api/jobs/:id/file`, a `?wait=true` export). */
export async function sendJobOutput(reply: FastifyReply, db: Db, actor: Actor | null, id: string) {
  const { file, stream } = await jobOutput(db, actor, id);
  return reply
    .header('content-type', file.type)
    .header('content-length', file.bytes)
    .header('content-disposition', contentDisposition(file.filename))
    .header('x-content-sha256', file.sha256)
    .header('cache-control', 'private, no-store')
    .send(stream);
}

export const jobRoutes: FastifyPluginAsyncContract = async (app) => {
  const db = app.database.db;
  app.get(
    '/jobs/:id',
    { schema: { tags: ['jobs'], params: IdParams, response: { 200: Job } } },
    async (req) => getJob(db, app.jobs, req.actor, req.params.id),
  );
  app.get(
    '/jobs/:id/file',
    { schema: { tags: ['jobs'], params: IdParams, response: { 200: JobFileReply } } },
    async (req, reply) => sendJobOutput(reply, db, req.actor, req.params.id),
  );
  app.get(
    '/jobs',
    { schema: { tags: ['jobs'], querystring: JobsQuery, response: { 200: JobList } } },
    async (req) => listJobs(db, req.actor, req.query),
  );
};

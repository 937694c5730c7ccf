import {
  BulkValuesBody,
  BulkVerifyBody,
  BulkVerifyReply,
  ValueQueueQuery,
  ValueQueueReply,
  IdParams,
  InsertedReply,
  JobAccepted,
  PlanValueListReply,
  PlanValueReply,
  ValueImportQuery,
  ValueRow,
  VerifyValueBody,
} from '@perfcommons/contracts';
import type { FastifyPluginAsyncContract } from '../../lib/serializer';
import { MAX_VALUE_FILE_BYTES } from './import';
import { importJobRoute } from '../jobs/import-route';
import { queueValueImport } from './import-job';
import { bulkVerify, valueQueue } from './queue';
import { listValues, reportValues, verifyValue } from './service';

export const valueRoutes: FastifyPluginAsyncContract = async (app) => {
  const db = app.database.db;
  app.get(
    '/plans/:id/values',
    { schema: { tags: ['values'], params: IdParams, response: { 200: PlanValueListReply } } },
    async (req) => ({
      items: await listValues(db, req.actor, req.params.id),
    }),
  );
  app.post(
    '/plans/:id/values',
    { schema: { tags: ['values'], params: IdParams, body: ValueRow, response: { 201: PlanValueReply } } },
    async (req, reply) => {
      const [value] = await reportValues(db, req.actor, req.params.id, [req.body], 'body');
      reply.code(201);
      return { value };
    },
  );
  app.post(
    '/plans/:id/values/bulk',
    {
      schema: { tags: ['values'], params: IdParams, body: BulkValuesBody, response: { 200: InsertedReply } },
    },
    async (req) => ({ inserted: (await reportValues(db, req.actor, req.params.id, req.body.rows)).length }),
  );
  // A durable job (202 with its id, progress at GET /api/jobs/:id); `?wait=true` waits for it (200).
  app.post(
    '/plans/:id/values/import',
    {
      schema: {
        tags: ['values'],
        params: IdParams,
        querystring: ValueImportQuery,
        response: { 200: InsertedReply, 202: JobAccepted },
      },
    },
    async (req, reply) =>
      importJobRoute<{ inserted: number }>(req, reply, {
        jobs: app.jobs,
        maxBytes: MAX_VALUE_FILE_BYTES,
        wait: req.query.wait,
        queue: (file) => queueValueImport(db, app.jobs, req.actor, req.params.id, file.file, file.filename),
      }),
  );
  app.post(
    '/values/:id/verify',
    {
      schema: {
        tags: ['values'],
        params: IdParams,
        body: VerifyValueBody,
        response: { 200: PlanValueReply },
      },
    },
    async (req) => ({
      value: await verifyValue(db, req.actor, req.params.id, req.body),
    }),
  );
  app.get(
    '/values/queue',
    { schema: { tags: ['values'], querystring: ValueQueueQuery, response: { 200: ValueQueueReply } } },
    async (req) => valueQueue(db, req.actor, req.query),
  );
  app.post(
    '/values/bulk-verify',
    { schema: { tags: ['values'], body: BulkVerifyBody, response: { 200: BulkVerifyReply } } },
    async (req) => bulkVerify(db, req.actor, req.body),
  );
};

import { z } from 'zod';
import {
  FindingBody,
  FindingListQuery,
  FindingListReply,
  FindingFileDownloadReply,
  FindingReply,
  FindingTargetsReply,
  IdParams,
  JobAccepted,
  LinkageBatchListReply,
  LinkageFeedBody,
  LinkageFeedReply,
  LinkageImportQuery,
  LinkageImportReply,
  LinkageMapping,
  LinkageMappingBody,
  LinkageMappingListReply,
  LinkageMappingParams,
  LinkageRatesQuery,
  LinkageRatesReply,
  LinkageSourceParams,
  OkReply,
  WithdrawFindingBody,
} from '@perfcommons/contracts';
import { sendFile } from '../../lib/send-file';
import type { FastifyPluginAsyncContract } from '../../lib/serializer';
import { AppError, badRequest } from '../../lib/errors';
import { importJobRoute } from '../jobs/import-route';
import { EVIDENCE_MAX_BYTES } from '../monitoring/evidence';
import { deleteMapping, feedCycle, listMappings, setMapping } from './feed';
import {
  attachFindingFile,
  findingTargets,
  getFindingFile,
  listFindings,
  recordFinding,
  withdrawFinding,
} from './findings';
import { listBatches, previewLinkageImport } from './import';
import { MAX_LINKAGE_FILE_BYTES, queueLinkageImport } from './import-job';
import { listRates } from './rates';
import { sheetUpload } from '../../lib/uploads';

const tags = ['linkage'];

export const linkageRoutes: FastifyPluginAsyncContract = async (app) => {
  const db = app.database.db;
  // Row by row what the import would do and every problem (rows.<sheet row>.<field>); writes nothing.
  app.post(
    '/linkage/import/:source/preview',
    { schema: { tags, params: LinkageSourceParams, response: { 200: LinkageImportReply } } },
    async (req) => previewLinkageImport(db, req.actor, req.params.source, await sheetUpload(req)),
  );
  // All rows or none; the same file again changes nothing. A job (202 with its id; `?wait=true`
  // answers the import as before, or its refusal: 400 naming rows, 409).
  app.post(
    '/linkage/import/:source/commit',
    {
      schema: {
        tags,
        params: LinkageSourceParams,
        querystring: LinkageImportQuery,
        response: { 200: LinkageImportReply, 202: JobAccepted },
      },
    },
    async (req, reply) =>
      importJobRoute<LinkageImportReply>(req, reply, {
        jobs: app.jobs,
        maxBytes: MAX_LINKAGE_FILE_BYTES,
        wait: req.query.wait,
        queue: (file) =>
          queueLinkageImport(db, app.jobs, req.actor, req.params.source, file.file, file.filename),
      }),
  );
  app.get(
    '/linkage/batches',
    { schema: { tags, response: { 200: LinkageBatchListReply } } },
    async (req) => ({
      items: await listBatches(db, req.actor),
    }),
  );
  app.get(
    '/linkage/rates',
    { schema: { tags, querystring: LinkageRatesQuery, response: { 200: LinkageRatesReply } } },
    async (req) => ({ items: await listRates(db, req.actor, req.query) }),
  );
  app.get(
    '/cycles/:id/linkage/mappings',
    { schema: { tags, params: IdParams, response: { 200: LinkageMappingListReply } } },
    async (req) => ({ items: await listMappings(db, req.actor, req.params.id) }),
  );
  app.post(
    '/cycles/:id/linkage/mappings',
    {
      schema: {
        tags,
        params: IdParams,
        body: LinkageMappingBody,
        response: { 200: z.object({ mapping: LinkageMapping }) },
      },
    },
    async (req) => ({ mapping: await setMapping(db, req.actor, req.params.id, req.body) }),
  );
  app.delete(
    '/cycles/:id/linkage/mappings/:mappingId',
    { schema: { tags, params: LinkageMappingParams, response: { 200: OkReply } } },
    async (req) => deleteMapping(db, req.actor, req.params.id, req.params.mappingId),
  );
  // Enters the computed rates of a period as reported values of the mapped leaves (then verified).
  app.post(
    '/cycles/:id/linkage/feed',
    { schema: { tags, params: IdParams, body: LinkageFeedBody, response: { 200: LinkageFeedReply } } },
    async (req) => feedCycle(db, req.actor, req.params.id, req.body),
  );
  app.get(
    '/cycles/:id/findings',
    {
      schema: { tags, params: IdParams, querystring: FindingListQuery, response: { 200: FindingListReply } },
    },
    async (req) => ({ items: await listFindings(db, req.actor, req.params.id, req.query) }),
  );
  app.get(
    '/cycles/:id/findings/targets',
    { schema: { tags, params: IdParams, response: { 200: FindingTargetsReply } } },
    async (req) => ({ items: await findingTargets(db, req.actor, req.params.id) }),
  );
  app.post(
    '/cycles/:id/findings',
    { schema: { tags, params: IdParams, body: FindingBody, response: { 201: FindingReply } } },
    async (req, reply) => {
      const finding = await recordFinding(db, req.actor, req.params.id, req.body);
      reply.code(201);
      return { finding };
    },
  );
  app.post(
    '/findings/:id/withdraw',
    { schema: { tags, params: IdParams, body: WithdrawFindingBody, response: { 200: FindingReply } } },
    async (req) => ({ finding: await withdrawFinding(db, req.actor, req.params.id, req.body.reason) }),
  );
  app.post(
    '/findings/:id/file',
    { schema: { tags, params: IdParams, response: { 200: FindingReply } } },
    async (req) => {
      if (!req.isMultipart())
        throw badRequest('Send the file as multipart/form-data', [{ path: 'file', message: 'required' }]);
      const file = await req.file({ limits: { fileSize: EVIDENCE_MAX_BYTES, files: 1 } });
      if (!file) throw badRequest('No file uploaded', [{ path: 'file', message: 'required' }]);
      let content: Buffer;
      try {
        content = await file.toBuffer();
      } catch (err) {
        if (typeof err === 'object' && err && 'code' in err && err.code === 'FST_REQ_FILE_TOO_LARGE')
          throw new AppError(413, 'file_too_large', `The file is larger than ${EVIDENCE_MAX_BYTES} bytes`, [
            { path: 'file', message: 'too large' },
          ]);
        throw err;
      }
      return {
        finding: await attachFindingFile(db, req.actor, req.params.id, { filename: file.filename, content }),
      };
    },
  );
  app.get(
    '/findings/:id/file',
    { schema: { tags, params: IdParams, response: { 200: FindingFileDownloadReply } } },
    async (req, reply) => {
      const f = await getFindingFile(db, req.actor, req.params.id);
      return sendFile(reply, f);
    },
  );
};

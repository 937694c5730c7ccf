import {
  AppealBody,
  AppealFileDownloadReply,
  AppealFileListReply,
  AppealFileReply,
  AppealListReply,
  AppealReply,
  AppealsQuery,
  DecideAppealBody,
  DecideAppealReply,
  IdParams,
} from '@perfcommons/contracts';
import { sendFile } from '../../lib/send-file';
import type { FastifyPluginAsyncContract } from '../../lib/serializer';
import { readUpload } from '../../lib/uploads';
import { EVIDENCE_MAX_BYTES } from '../monitoring/evidence';
import { downloadAppealFile, listAppealFiles, uploadAppealFile } from './files';
import { queueBundle } from '../opendata/store';
import { decideAppeal, fileAppeal, listAppeals } from './service';

const tags = ['appeals'];

export const appealRoutes: FastifyPluginAsyncContract = async (app) => {
  const db = app.database.db;
  app.post(
    '/results/:id/appeals',
    { schema: { tags, params: IdParams, body: AppealBody, response: { 201: AppealReply } } },
    async (req, reply) => {
      reply.code(201);
      return { appeal: await fileAppeal(db, req.actor, req.params.id, req.body) };
    },
  );
  app.get(
    '/appeals',
    { schema: { tags, querystring: AppealsQuery, response: { 200: AppealListReply } } },
    async (req) => ({ items: await listAppeals(db, req.actor, req.query) }),
  );
  app.post(
    '/appeals/:id/decide',
    { schema: { tags, params: IdParams, body: DecideAppealBody, response: { 200: DecideAppealReply } } },
    async (req) => {
      const decided = await decideAppeal(db, req.actor, req.params.id, req.body);
      // An accepted appeal that revised published results changes the cycle's open data bundle.
      if (decided.revisions.length)
        await queueBundle(app.jobs, req.actor, { planId: decided.revisions[0].planId }, req.log);
      return decided;
    },
  );
  // Evidence files of an appeal (multipart, one file per request; the limits of value evidence).
  app.post(
    '/appeals/:id/files',
    { schema: { tags, params: IdParams, response: { 201: AppealFileReply } } },
    async (req, reply) => {
      const file = await readUpload(req, EVIDENCE_MAX_BYTES);
      const stored = await uploadAppealFile(db, req.actor, req.params.id, file);
      reply.code(201);
      return { file: stored };
    },
  );
  app.get(
    '/appeals/:id/files',
    { schema: { tags, params: IdParams, response: { 200: AppealFileListReply } } },
    async (req) => ({ items: await listAppealFiles(db, req.actor, req.params.id) }),
  );
  app.get(
    '/appeal-files/:id',
    { schema: { tags, params: IdParams, response: { 200: AppealFileDownloadReply } } },
    async (req, reply) => {
      const f = await downloadAppealFile(db, req.actor, req.params.id);
      return sendFile(reply, f);
    },
  );
};

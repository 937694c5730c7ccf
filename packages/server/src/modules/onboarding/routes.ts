import {
  ImportCommitQuery,
  ImportCommitReply,
  ImportKindParams,
  ImportPreviewReply,
  ImportTemplateQuery,
  ImportTemplateReply,
  JobAccepted,
  XLSX_TYPE,
} from '@perfcommons/contracts';
import type { FastifyPluginAsyncContract } from '../../lib/serializer';
import { requireOffice } from '../../lib/actor';
import { commitImport, previewImport } from './service';
import { importTemplate } from './sheet';
import { sendFile } from '../../lib/send-file';
import { sheetUpload } from '../../lib/uploads';
import { AppError } from '../../lib/errors';
import { importJobRoute, uploadedSheet } from '../jobs/import-route';
import { JOB_IMPORT_KINDS, MAX_ORG_FILE_BYTES, queueOrgImport } from './import-job';

const cut = () =>
  new AppError(413, 'file_too_large', `The file is larger than ${MAX_ORG_FILE_BYTES / 1024 / 1024} MB`, [
    { path: 'file', message: `larger than ${MAX_ORG_FILE_BYTES / 1024 / 1024} MB` },
  ]);

const tags = ['onboarding'];

export const onboardingRoutes: FastifyPluginAsyncContract = async (app) => {
  const db = app.database.db;
  app.get(
    '/import/:kind/template',
    {
      schema: {
        tags,
        params: ImportKindParams,
        querystring: ImportTemplateQuery,
        response: { 200: ImportTemplateReply },
      },
    },
    async (req, reply) => {
      requireOffice(req.actor, 'Importing the organisation');
      const content = await importTemplate(req.params.kind, req.query.lang);
      return sendFile(reply, {
        filename: `perfcommons-${req.params.kind}.xlsx`,
        mimeType: XLSX_TYPE,
        content,
      });
    },
  );
  // Row by row what the import would do and every problem (rows.<sheet row>.<field>); writes nothing.
  app.post(
    '/import/:kind/preview',
    { schema: { tags, params: ImportKindParams, response: { 200: ImportPreviewReply } } },
    async (req) => {
      requireOffice(req.actor, 'Importing the organisation');
      // Streamed as it arrives (cadres: up to 50,000 rows); nothing is stored.
      const file = await uploadedSheet(req, MAX_ORG_FILE_BYTES);
      let preview;
      try {
        preview = await previewImport(db, req.actor, req.params.kind, {
          content: file.file,
          filename: file.filename,
        });
      } catch (err) {
        if (!file.file.readableEnded) file.file.resume();
        throw file.file.truncated ? cut() : err;
      }
      // @fastify/multipart cut the file at its limit: the rows read are not the file's.
      if (file.file.truncated) throw cut();
      return preview;
    },
  );
  // All rows or none. Units and cadres: a durable job (202 with its id, progress at GET /api/jobs/:id;
  // `?wait=true` waits for it). Accounts: in the request, as new accounts' one-time passwords are in
  // this answer only and never stored (a job's result would keep them in the database).
  app.post(
    '/import/:kind/commit',
    {
      schema: {
        tags,
        params: ImportKindParams,
        querystring: ImportCommitQuery,
        response: { 200: ImportCommitReply, 202: JobAccepted },
      },
    },
    async (req, reply) => {
      requireOffice(req.actor, 'Importing the organisation');
      const { kind } = req.params;
      if (!JOB_IMPORT_KINDS.includes(kind)) {
        const { buffer, filename } = await sheetUpload(req);
        return commitImport(db, req.actor, kind, { content: buffer, filename });
      }
      return importJobRoute<ImportCommitReply>(req, reply, {
        jobs: app.jobs,
        maxBytes: MAX_ORG_FILE_BYTES,
        wait: req.query.wait,
        queue: (file) => queueOrgImport(db, app.jobs, req.actor, kind, file.file, file.filename),
      });
    },
  );
};

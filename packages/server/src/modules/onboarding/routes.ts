import {
  ImportCommitReply,
  ImportKindParams,
  ImportPreviewReply,
  ImportTemplateQuery,
  ImportTemplateReply,
  XLSX_TYPE,
} from '@perfcommons/contracts';
import type { FastifyPluginAsyncContract } from '../../lib/serializer';
import { requireOffice } from '../../lib/actor';
import { commitImport, previewImport } from './service';
import { importTemplate } from './sheet';
import { sendFile } from '../../lib/send-file';
import { sheetUpload } from '../../lib/uploads';

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
      return previewImport(db, req.actor, req.params.kind, await sheetUpload(req));
    },
  );
  // All rows or none; new accounts' one-time passwords are in this answer only.
  app.post(
    '/import/:kind/commit',
    { schema: { tags, params: ImportKindParams, response: { 200: ImportCommitReply } } },
    async (req) => {
      requireOffice(req.actor, 'Importing the organisation');
      return commitImport(db, req.actor, req.params.kind, await sheetUpload(req));
    },
  );
};

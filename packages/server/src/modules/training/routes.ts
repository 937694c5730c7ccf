import {
  CycleMaterialDeleteReply,
  CycleMaterialDownloadReply,
  CycleMaterialLinkBody,
  CycleMaterialListReply,
  CycleMaterialReply,
  CycleMaterialUploadQuery,
  IdParams,
} from '@perfcommons/contracts';
import { sendFile } from '../../lib/send-file';
import type { FastifyPluginAsyncContract } from '../../lib/serializer';
import { readUpload } from '../../lib/uploads';
import { EVIDENCE_MAX_BYTES } from '../monitoring/evidence';
import {
  addCycleMaterialLink,
  deleteCycleMaterial,
  downloadCycleMaterial,
  listCycleMaterials,
  uploadCycleMaterial,
} from './materials';

const tags = ['training'];

/** Raters' training material of a cycle. */
export const trainingRoutes: FastifyPluginAsyncContract = async (app) => {
  const db = app.database.db;
  app.get(
    '/cycles/:id/materials',
    { schema: { tags, params: IdParams, response: { 200: CycleMaterialListReply } } },
    async (req) => listCycleMaterials(db, req.actor, req.params.id),
  );
  // One file per multipart request (field `file`); the limits of value evidence.
  app.post(
    '/cycles/:id/materials',
    {
      schema: {
        tags,
        params: IdParams,
        querystring: CycleMaterialUploadQuery,
        response: { 201: CycleMaterialReply },
      },
    },
    async (req, reply) => {
      const file = await readUpload(req, EVIDENCE_MAX_BYTES);
      const material = await uploadCycleMaterial(db, req.actor, req.params.id, file, req.query.title);
      reply.code(201);
      return { material };
    },
  );
  app.post(
    '/cycles/:id/material-links',
    {
      schema: { tags, params: IdParams, body: CycleMaterialLinkBody, response: { 201: CycleMaterialReply } },
    },
    async (req, reply) => {
      const material = await addCycleMaterialLink(db, req.actor, req.params.id, req.body);
      reply.code(201);
      return { material };
    },
  );
  app.delete(
    '/cycle-materials/:id',
    { schema: { tags, params: IdParams, response: { 200: CycleMaterialDeleteReply } } },
    async (req) => deleteCycleMaterial(db, req.actor, req.params.id),
  );
  app.get(
    '/cycle-materials/:id',
    { schema: { tags, params: IdParams, response: { 200: CycleMaterialDownloadReply } } },
    async (req, reply) => {
      const f = await downloadCycleMaterial(db, req.actor, req.params.id);
      return sendFile(reply, f);
    },
  );
};

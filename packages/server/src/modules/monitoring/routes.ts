import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError, badRequest } from '../../lib/errors';
import { listFlags } from './flags';
import { EVIDENCE_MAX_BYTES, downloadEvidence, listEvidence, uploadEvidence } from './evidence';

const IdParams = z.object({ id: z.uuid() });
export const CycleQuery = z.object({
  /** The cycle to look at. */
  cycleId: z.uuid(),
});

export const monitoringRoutes: FastifyPluginAsyncZod = async (app) => {
  const db = app.database.db;

  // Evidence files of reported values.
  app.post(
    '/values/:id/evidence',
    { schema: { tags: ['monitoring'], params: IdParams } },
    async (req, reply) => {
      if (!req.isMultipart())
        throw badRequest('Send the file as multipart/form-data', [{ path: 'file', message: 'required' }]);
      const file = await req.file({ limits: { fileSize: EVIDENCE_MAX_BYTES, files: 1 } });
      if (!file) throw badRequest('No file uploaded', [{ path: 'file', message: 'required' }]);
      let content: Buffer;
      try {
        content = await file.toBuffer();
      } catch (err) {
        if ((err as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE')
          throw new AppError(413, 'file_too_large', `The file is larger than ${EVIDENCE_MAX_BYTES} bytes`, [
            { path: 'file', message: `larger than ${EVIDENCE_MAX_BYTES} bytes` },
          ]);
        throw err;
      }
      reply.code(201);
      return {
        file: await uploadEvidence(db, req.actor, req.params.id, { filename: file.filename, content }),
      };
    },
  );
  app.get('/values/:id/evidence', { schema: { tags: ['monitoring'], params: IdParams } }, async (req) => ({
    items: await listEvidence(db, req.actor, req.params.id),
  }));
  app.get('/evidence/:id', { schema: { tags: ['monitoring'], params: IdParams } }, async (req, reply) => {
    const f = await downloadEvidence(db, req.actor, req.params.id);
    reply
      .header('content-type', f.mimeType)
      .header('content-length', f.size)
      .header(
        'content-disposition',
        `attachment; filename="${f.filename.replace(/[^\x20-\x7e]|"/g, '_')}"; filename*=UTF-8''${encodeURIComponent(f.filename)}`,
      )
      .header('x-content-sha256', f.sha256);
    return reply.send(f.content);
  });

  // Anomaly flags on reported data, for verifiers and the office.
  app.get('/monitoring/flags', { schema: { tags: ['monitoring'], querystring: CycleQuery } }, async (req) =>
    listFlags(db, req.actor, { cycleId: req.query.cycleId }),
  );
  app.get(
    '/monitoring/plans/:id/flags',
    { schema: { tags: ['monitoring'], params: IdParams } },
    async (req) => listFlags(db, req.actor, { planId: req.params.id }),
  );
};

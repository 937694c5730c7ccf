import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { listAudit, requireAuditReader, verifyAudit } from './service';

export const auditRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/audit',
    {
      schema: {
        tags: ['audit'],
        querystring: z.object({
          /** Page size. */
          limit: z.coerce.number().int().min(1).max(500).default(50),
          /** Entries to skip. */
          offset: z.coerce.number().int().min(0).default(0),
        }),
      },
    },
    async (req) => listAudit(app.database.db, req.actor, req.query),
  );
  app.get('/audit/verify', { schema: { tags: ['audit'] } }, async (req) => {
    requireAuditReader(req.actor, 'Audit verification');
    return verifyAudit(app.database.db);
  });
};

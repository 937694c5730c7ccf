import { AuditListReply, AuditQuery, AuditReport } from '@perfcommons/contracts';
import type { FastifyPluginAsyncContract } from '../../lib/serializer';
import { listAudit, requireAuditReader, verifyAudit } from './service';

export const auditRoutes: FastifyPluginAsyncContract = async (app) => {
  app.get(
    '/audit',
    { schema: { tags: ['audit'], querystring: AuditQuery, response: { 200: AuditListReply } } },
    async (req) => listAudit(app.database.db, req.actor, req.query),
  );
  app.get('/audit/verify', { schema: { tags: ['audit'], response: { 200: AuditReport } } }, async (req) => {
    requireAuditReader(req.actor, 'Audit verification');
    return verifyAudit(app.database.db);
  });
};

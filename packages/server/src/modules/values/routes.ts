import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { badRequest } from '../../lib/errors';
import { parseValueSheet } from './import';
import { listValues, reportValues, verifyValue } from './service';

const IdParams = z.object({ id: z.uuid() });

export const ValueRow = z.object({
  /** Code of a leaf indicator of the plan. */
  indicatorCode: z.string().trim().min(1).max(40),
  /** Period: `2025`, `2025-Q3`, `2025-H1` or `2025-09`. */
  period: z.string().regex(/^\d{4}(-(Q[1-4]|H[12]|\d{2}))?$/, 'expected 2025, 2025-Q3, 2025-H1 or 2025-09'),
  /** The actual value, in the indicator's unit. */
  value: z.number().finite(),
  /** Explanation or source. */
  note: z.string().max(2000).optional(),
});
export const BulkValuesBody = z.object({ rows: z.array(ValueRow).min(1).max(5000) });
export const VerifyBody = z.object({
  /** verified or rejected. */
  decision: z.enum(['verified', 'rejected']),
  /** Required when rejecting. */
  reason: z.string().trim().max(2000).optional(),
  /** The value version the verifier reviewed (`version` of the value); a newer report answers 409. */
  version: z.number().int().positive(),
});

const ALLOWED_UPLOADS = /\.(xlsx|csv)$/i;

export const valueRoutes: FastifyPluginAsyncZod = async (app) => {
  const db = app.database.db;
  app.get('/plans/:id/values', { schema: { tags: ['values'], params: IdParams } }, async (req) => ({
    items: await listValues(db, req.actor, req.params.id),
  }));
  app.post(
    '/plans/:id/values',
    { schema: { tags: ['values'], params: IdParams, body: ValueRow } },
    async (req, reply) => {
      const [value] = await reportValues(db, req.actor, req.params.id, [req.body], 'body');
      reply.code(201);
      return { value };
    },
  );
  app.post(
    '/plans/:id/values/bulk',
    { schema: { tags: ['values'], params: IdParams, body: BulkValuesBody } },
    async (req) => ({ inserted: (await reportValues(db, req.actor, req.params.id, req.body.rows)).length }),
  );
  app.post('/plans/:id/values/import', { schema: { tags: ['values'], params: IdParams } }, async (req) => {
    if (!req.isMultipart())
      throw badRequest('Send the file as multipart/form-data', [{ path: 'file', message: 'required' }]);
    const file = await req.file();
    if (!file) throw badRequest('No file uploaded', [{ path: 'file', message: 'required' }]);
    if (!ALLOWED_UPLOADS.test(file.filename))
      throw badRequest('Upload an .xlsx or .csv file', [{ path: 'file', message: 'unsupported file type' }]);
    const buffer = await file.toBuffer();
    const rows = await parseValueSheet(buffer, file.filename);
    return { inserted: (await reportValues(db, req.actor, req.params.id, rows)).length };
  });
  app.post(
    '/values/:id/verify',
    { schema: { tags: ['values'], params: IdParams, body: VerifyBody } },
    async (req) => ({
      value: await verifyValue(db, req.actor, req.params.id, req.body),
    }),
  );
};

import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { computeCycleResults, getResult, listResults, publishResults } from './service';

const IdParams = z.object({ id: z.uuid() });

export const resultRoutes: FastifyPluginAsyncZod = async (app) => {
  const db = app.database.db;
  app.post('/cycles/:id/compute', { schema: { tags: ['results'], params: IdParams } }, async (req) => {
    const summary = await computeCycleResults(db, req.actor, req.params.id);
    return { ...summary, items: await listResults(db, req.actor, req.params.id) };
  });
  app.get('/cycles/:id/results', { schema: { tags: ['results'], params: IdParams } }, async (req) => ({
    items: await listResults(db, req.actor, req.params.id),
  }));
  app.get('/results/:id', { schema: { tags: ['results'], params: IdParams } }, async (req) =>
    getResult(db, req.actor, req.params.id),
  );
  app.post(
    '/cycles/:id/publish-results',
    { schema: { tags: ['results'], params: IdParams } },
    async (req) => ({
      cycle: await publishResults(db, req.actor, req.params.id),
    }),
  );
};

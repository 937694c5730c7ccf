import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { sql } from 'drizzle-orm';

export const healthRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get('/health', { schema: { tags: ['health'] } }, async () => {
    await app.database.db.execute(sql`select 1`);
    return { status: 'ok', database: app.database.kind };
  });
};

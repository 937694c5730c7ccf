import { HealthReply } from '@perfcommons/contracts';
import { sql } from 'drizzle-orm';
import type { FastifyPluginAsyncContract } from '../../lib/serializer';

export const healthRoutes: FastifyPluginAsyncContract = async (app) => {
  app.get('/health', { schema: { tags: ['health'], response: { 200: HealthReply } } }, async () => {
    await app.database.db.execute(sql`select 1`);
    return { status: 'ok' as const, database: app.database.kind };
  });
};

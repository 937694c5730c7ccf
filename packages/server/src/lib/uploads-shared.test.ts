import { randomBytes } from 'node:crypto';
import Fastify, { type FastifyInstance } from 'fastify';
import multipartPlugin from '@fastify/multipart';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { multipart } from '../../test/helper';
import { MAX_CONCURRENT_UPLOADS, uploadLimitPlugin } from './uploads';

/**
 * Two server processes' upload limits over one Redis: two Fastify instances, each with its own
 * plugin instance (as in two processes), counting one address's uploads together.
 */
const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const prefix = `pctest:${randomBytes(5).toString('hex')}:`;
let client: Redis | null = null;
let gate: () => void = () => undefined;
let held = new Promise<void>((r) => (gate = r));

async function server(redis: Redis): Promise<FastifyInstance> {
  const app = Fastify();
  await app.register(multipartPlugin);
  await app.register(uploadLimitPlugin, { redis: { client: redis, prefix } });
  app.post('/api/upload', async () => {
    await held;
    return { ok: true };
  });
  return app;
}

beforeAll(async () => {
  const probe = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 0, connectTimeout: 2000 });
  probe.on('error', () => undefined);
  client = (await probe.connect().then(
    () => true,
    () => false,
  ))
    ? probe
    : null;
  if (!client) console.log(`Redis at ${redisUrl} unreachable: shared upload slots not tested`);
});
afterAll(async () => {
  if (!client) return;
  const keys = await client.keys(`${prefix}*`);
  if (keys.length) await client.del(...keys);
  await client.quit();
});

describe('upload slots shared through Redis', () => {
  it('the uploads of one address count across processes; freed slots are taken again', async ({ skip }) => {
    if (!client) skip();
    const a = await server(client!);
    const b = await server(client!);
    try {
      const body = () => multipart('x.csv', Buffer.from('a,b\n1,2\n'));
      const upload = (app: FastifyInstance) => app.inject({ method: 'POST', url: '/api/upload', ...body() });
      // MAX_CONCURRENT_UPLOADS held on A; one more on B is refused.
      const running = Array.from({ length: MAX_CONCURRENT_UPLOADS }, () => upload(a));
      const key = `${prefix}uploads:ip:127.0.0.1`;
      for (let i = 0; i < 50 && Number(await client!.get(key)) < MAX_CONCURRENT_UPLOADS; i += 1)
        await new Promise((r) => setTimeout(r, 20));
      const refused = await upload(b);
      expect(refused.statusCode).toBe(429);
      // (This bare app has no PerfCommons error handler: the AppError's message, Fastify's body.)
      expect(refused.json().message).toBe(
        `At most ${MAX_CONCURRENT_UPLOADS} uploads at a time: wait for the running ones to finish`,
      );
      gate();
      for (const res of await Promise.all(running)) expect(res.statusCode).toBe(200);
      expect(Number(await client!.get(key))).toBe(0);
      held = Promise.resolve();
      expect((await upload(b)).statusCode).toBe(200);
      expect(Number(await client!.get(key))).toBe(0);
    } finally {
      await a.close();
      await b.close();
    }
  });
});

import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { validatorCompiler } from 'fastify-type-provider-zod';
import { responseSerializer } from '../src/lib/serializer';
import { buildTestApp, type TestApp } from './helper';

/**
 * The OpenAPI document is the API contract (packages/contracts): every route declares the schema of its
 * success answer (a file download declares its media type).
 */
let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp({ city: 'empty' });
});
afterAll(() => t?.close());

interface Operation {
  tags?: string[];
  responses?: Record<string, { content?: unknown }>;
}

describe('OpenAPI document', () => {
  it('declares a response schema for the success answer of every route', async () => {
    const doc = (await t.app.inject({ method: 'GET', url: '/docs/json' })).json() as {
      paths: Record<string, Record<string, Operation>>;
    };
    const missing: { route: string; tags: string[] }[] = [];
    let total = 0;
    for (const [path, ops] of Object.entries(doc.paths))
      for (const [method, op] of Object.entries(ops)) {
        total++;
        const ok = Object.entries(op.responses ?? {}).some(([code, r]) => code.startsWith('2') && r.content);
        if (!ok) missing.push({ route: `${method.toUpperCase()} ${path}`, tags: op.tags ?? [] });
      }
    console.log(`routes without a response schema: ${missing.length} of ${total}`);
    console.log(missing.map((m) => `  ${m.route} [${m.tags.join(', ')}]`).join('\n'));
    expect(missing.map((m) => m.route)).toEqual([]);
  });
});

describe('response serializer', () => {
  const app = Fastify();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(responseSerializer);
  const Reply = z.object({ id: z.string(), at: z.iso.datetime({ offset: true }) });
  app.get('/ok', { schema: { response: { 200: Reply } } }, async () => ({
    id: 'a',
    at: new Date('2026-01-01T00:00:00Z'),
    extra: { kept: true },
  }));
  app.get('/drift', { schema: { response: { 200: Reply } } }, async () => ({ id: 1 }));

  it('sends every field the handler returned, dates as ISO strings', async () => {
    const res = await app.inject({ method: 'GET', url: '/ok' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ id: 'a', at: '2026-01-01T00:00:00.000Z', extra: { kept: true } });
  });

  it('refuses, under tests, an answer that drifted from its schema, naming the fields', async () => {
    const res = await app.inject({ method: 'GET', url: '/drift' });
    expect(res.statusCode).toBe(500);
    expect(res.json().message).toMatch(/response schema \(id, at\)/);
  });
});

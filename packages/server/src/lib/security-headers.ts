import fp from 'fastify-plugin';
import type { FastifyInstance } from 'fastify';
import helmet, { type HelmetOptions } from 'helmet';

/**
 * Security headers (helmet) on every response. @fastify/helmet builds a helmet middleware, parsing
 * its Content-Security-Policy directives, again for every request (~7% of a small request's time);
 * the options here are fixed for the app's life, so the middleware is built once and run per
 * request. No per-route options and no CSP nonces (the app uses neither).
 */
export const securityHeaders = fp(async (app: FastifyInstance, options: HelmetOptions) => {
  const apply = helmet(options);
  app.addHook('onRequest', (req, reply, done) => {
    apply(req.raw, reply.raw, (err?: unknown) => done(err as Error | undefined));
  });
});

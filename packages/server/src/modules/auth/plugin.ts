import fp from 'fastify-plugin';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Actor } from '../../lib/actor';
import { AppError } from '../../lib/errors';
import { sessionActor } from './service';

export const SESSION_COOKIE = 'pc_session';
export const CSRF_COOKIE = 'pc_csrf';
export const CSRF_HEADER = 'x-csrf-token';

declare module 'fastify' {
  interface FastifyRequest {
    /** The logged-in user, or null. */
    actor: Actor | null;
  }
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Resolves the session cookie to an actor on every API request and enforces the CSRF token
 * (double submit, checked against the session's own token) on cookie-authenticated writes.
 */
export const authPlugin = fp(async (app: FastifyInstance, _opts: { cookieSecure: boolean }) => {
  app.decorateRequest('actor', null);
  app.addHook('onRequest', async (req: FastifyRequest) => {
    if (!req.url.startsWith('/api/')) return;
    const token = req.cookies[SESSION_COOKIE];
    if (!token) return;
    const session = await sessionActor(app.database.db, token);
    if (!session) return;
    if (!SAFE_METHODS.has(req.method) && !req.url.startsWith('/api/auth/login')) {
      if (req.headers[CSRF_HEADER] !== session.csrfToken) {
        throw new AppError(403, 'csrf', `Missing or wrong ${CSRF_HEADER} header`, [
          { path: `headers.${CSRF_HEADER}`, message: 'must equal the pc_csrf cookie' },
        ]);
      }
    }
    req.actor = session.actor;
  });
});

import fp from 'fastify-plugin';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Actor } from '../../lib/actor';
import { AppError } from '../../lib/errors';
import { sessionActor, type LoginInfo } from './service';

export const SESSION_COOKIE = 'pc_session';
export const CSRF_COOKIE = 'pc_csrf';
export const CSRF_HEADER = 'x-csrf-token';

declare module 'fastify' {
  interface FastifyRequest {
    /** The logged-in user, or null. */
    actor: Actor | null;
    /** The logged-in user must change the password before anything but auth answers. */
    mustChangePassword: boolean;
    /** Production requires a second factor for the user's roles and none is enrolled yet. */
    totpEnrolmentRequired: boolean;
    /** Second factor enabled for the user. */
    totpEnabled: boolean;
    /** The login before this session's, and the failures in between (shown to the user). */
    loginInfo: LoginInfo | null;
  }
}

/**
 * What a session that must change its password may still call: who am I, log out, change the password,
 * and what anyone may call without logging in (health, the public portal's reads); refusing those would
 * protect nothing and would break the portal in the same browser.
 */
function allowedBeforePasswordChange(method: string, url: string): boolean {
  const path = url.split('?')[0];
  if (['/api/auth/me', '/api/auth/logout', '/api/auth/password', '/api/auth/login'].includes(path))
    return true;
  if (path.startsWith('/api/auth/totp/')) return true;
  return path === '/api/health' || (SAFE_METHODS.has(method) && path.startsWith('/api/public/'));
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** An account whose only role is public participant: uses the portal, never the officials' console API. */
/** Public participants, and security or audit administrators (三员分立: no officials' data for them). */
const NOT_OFFICIALS: readonly string[] = ['public', 'security_admin', 'audit_admin'];
const isCitizen = (a: Actor) => a.roles.length > 0 && a.roles.every((r) => NOT_OFFICIALS.includes(r.role));

/**
 * The officials' result API (scores of every cadre, personnel consequences, appeals): a citizen reads
 * results only through /api/public/*, where the cycle's disclosure policy applies.
 */
function officialsOnly(url: string): boolean {
  const path = url.split('?')[0];
  return /^\/api\/cycles\/[^/]+\/results/.test(path) || path.startsWith('/api/results');
}

/**
 * Resolves the session cookie to an actor on every API request and enforces the CSRF token
 * (double submit, checked against the session's own token) on cookie-authenticated writes.
 */
export const authPlugin = fp(async (app: FastifyInstance, _opts: { cookieSecure: boolean }) => {
  app.decorateRequest('actor', null);
  app.decorateRequest('mustChangePassword', false);
  app.decorateRequest('totpEnrolmentRequired', false);
  app.decorateRequest('totpEnabled', false);
  app.decorateRequest('loginInfo', null);
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
    if (session.mustChangePassword && !allowedBeforePasswordChange(req.method, req.url))
      throw new AppError(403, 'password_change_required', 'Change your password before going on', [
        { path: 'password', message: 'set by someone else: change it with POST /api/auth/password' },
      ]);
    if (session.totpEnrolmentRequired && !allowedBeforePasswordChange(req.method, req.url))
      throw new AppError(403, 'totp_enrolment_required', 'Set up your second factor before going on', [
        { path: 'totp', message: 'your roles require an authenticator app: POST /api/auth/totp/setup' },
      ]);
    if (isCitizen(session.actor) && officialsOnly(req.url))
      throw new AppError(403, 'officials_only', 'Results are published to the public through the portal', [
        { path: 'url', message: 'officials only: use /api/public/results' },
      ]);
    req.actor = session.actor;
    req.mustChangePassword = session.mustChangePassword;
    req.totpEnrolmentRequired = session.totpEnrolmentRequired;
    req.totpEnabled = session.totpEnabled;
    req.loginInfo = session.login;
  });
});

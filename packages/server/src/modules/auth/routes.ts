import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { unauthorized } from '../../lib/errors';
import { CSRF_COOKIE, SESSION_COOKIE } from './plugin';
import { changePassword, login, logout, SESSION_TTL_MS } from './service';
import { requireActor, type Actor } from '../../lib/actor';

const LoginBody = z.object({
  /** Login name, e-mail or phone of the account. */
  username: z.string().min(1).max(200),
  /** The account's password. */
  password: z.string().min(1).max(200),
});

const ChangePasswordBody = z.object({
  /** The password the account has now. */
  currentPassword: z.string().min(1).max(200),
  /** The new password: at least 10 characters, not containing the username. */
  newPassword: z.string().min(1).max(200),
});

export const presentUser = (a: Actor, mustChangePassword = false) => ({
  id: a.id,
  username: a.username,
  displayName: a.displayName,
  displayNameEn: a.displayNameEn,
  roles: a.roles.map((r) => ({ role: r.role, orgUnitId: r.orgUnitId })),
  /** Only the auth routes answer until the user has changed the password someone else set. */
  mustChangePassword,
});

export const authRoutes: FastifyPluginAsyncZod<{ cookieSecure: boolean }> = async (app, opts) => {
  const cookieBase = { path: '/', sameSite: 'lax' as const, secure: opts.cookieSecure };
  app.post(
    '/auth/login',
    {
      schema: { body: LoginBody, tags: ['auth'] },
      config: {
        rateLimit: {
          max: 20,
          timeWindow: '1 minute',
          // After parsing, so that the key holds the username: guessing one account's password is
          // throttled without locking out a whole office behind one address.
          hook: 'preHandler',
          keyGenerator: (req) =>
            `${req.ip}|${(req.body as { username?: string } | undefined)?.username ?? ''}`,
        },
      },
    },
    async (req, reply) => {
      const s = await login(app.database.db, req.body);
      const maxAge = SESSION_TTL_MS / 1000;
      reply.setCookie(SESSION_COOKIE, s.token, { ...cookieBase, httpOnly: true, maxAge });
      reply.setCookie(CSRF_COOKIE, s.csrfToken, { ...cookieBase, httpOnly: false, maxAge });
      return { user: presentUser(s.actor, s.mustChangePassword), csrfToken: s.csrfToken };
    },
  );
  app.post('/auth/logout', { schema: { tags: ['auth'] } }, async (req, reply) => {
    const token = req.cookies[SESSION_COOKIE];
    if (token) await logout(app.database.db, token);
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    reply.clearCookie(CSRF_COOKIE, { path: '/' });
    return { ok: true };
  });
  app.get('/auth/me', { schema: { tags: ['auth'] } }, async (req) => {
    if (!req.actor) throw unauthorized();
    return { user: presentUser(req.actor, req.mustChangePassword) };
  });
  app.post(
    '/auth/password',
    {
      schema: { body: ChangePasswordBody, tags: ['auth'] },
      // Each attempt checks the current password: throttled like a login.
      config: { rateLimit: { max: 10, timeWindow: '1 minute' } },
    },
    async (req) => {
      const actor = requireActor(req.actor);
      return changePassword(app.database.db, actor, req.cookies[SESSION_COOKIE] ?? '', req.body);
    },
  );
  // Production mode (NODE_ENV=production) has no demo accounts: the login page shows the demo hint only outside it.
  app.get('/auth/config', { schema: { tags: ['auth'] } }, async () => ({
    production: process.env.NODE_ENV === 'production',
  }));
};

import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { unauthorized } from '../../lib/errors';
import { CSRF_COOKIE, SESSION_COOKIE } from './plugin';
import {
  changePassword,
  disableTotp,
  enableTotp,
  login,
  logout,
  SESSION_TTL_MS,
  startTotp,
  type LoginInfo,
} from './service';
import { requireActor, type Actor } from '../../lib/actor';
import { normalizeUsername } from './password';

const LoginBody = z.object({
  /** Login name, e-mail or phone of the account. */
  username: z.string().min(1).max(200),
  /** The account's password. */
  password: z.string().min(1).max(200),
  /** 6-digit code of the authenticator app, for accounts with a second factor. */
  totp: z
    .string()
    .regex(/^\d{6}$/)
    .optional(),
});

const PasswordBody = z.object({
  /** The password the account has now. */
  currentPassword: z.string().min(1).max(200),
});
const CodeBody = z.object({
  /** 6-digit code shown by the authenticator app. */
  code: z.string().regex(/^\d{6}$/),
});
const DisableTotpBody = PasswordBody.extend(CodeBody.shape);

const ChangePasswordBody = z.object({
  /** The password the account has now. */
  currentPassword: z.string().min(1).max(200),
  /** The new password: at least 10 characters of three classes, not containing the username, strength ≥ 3. */
  newPassword: z.string().min(1).max(200),
});

export const presentUser = (
  a: Actor,
  mustChangePassword = false,
  extra: { login?: LoginInfo | null; totpEnabled?: boolean; totpEnrolmentRequired?: boolean } = {},
) => ({
  id: a.id,
  username: a.username,
  displayName: a.displayName,
  displayNameEn: a.displayNameEn,
  roles: a.roles.map((r) => ({ role: r.role, orgUnitId: r.orgUnitId })),
  /** Only the auth routes answer until the user has changed the password someone else set. */
  mustChangePassword,
  /** Second factor enabled. */
  totpEnabled: extra.totpEnabled ?? false,
  /** Production requires a second factor for these roles: only the auth routes answer until it is set up. */
  totpEnrolmentRequired: extra.totpEnrolmentRequired ?? false,
  /** The previous login (time, address) and the failed attempts since it, for the user to check. */
  lastLogin: extra.login
    ? {
        at: extra.login.previousLoginAt,
        ip: extra.login.previousLoginIp,
        failedAttemptsSince: extra.login.failedLoginsBefore,
      }
    : null,
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
          // Normalised like the login itself: padding or re-casing the name gives no fresh allowance.
          keyGenerator: (req) =>
            `${req.ip}|${normalizeUsername((req.body as { username?: string } | undefined)?.username ?? '')}`,
        },
      },
    },
    async (req, reply) => {
      const s = await login(app.database.db, req.body, req.ip);
      const maxAge = SESSION_TTL_MS / 1000;
      reply.setCookie(SESSION_COOKIE, s.token, { ...cookieBase, httpOnly: true, maxAge });
      reply.setCookie(CSRF_COOKIE, s.csrfToken, { ...cookieBase, httpOnly: false, maxAge });
      return { user: presentUser(s.actor, s.mustChangePassword, s), csrfToken: s.csrfToken };
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
    return {
      user: presentUser(req.actor, req.mustChangePassword, {
        login: req.loginInfo,
        totpEnabled: req.totpEnabled,
        totpEnrolmentRequired: req.totpEnrolmentRequired,
      }),
    };
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
  // Second factor (TOTP). Each call checks a password or a code: throttled like a login.
  const strict = { rateLimit: { max: 10, timeWindow: '1 minute' } };
  app.post(
    '/auth/totp/setup',
    { schema: { body: PasswordBody, tags: ['auth'] }, config: strict },
    async (req) => startTotp(app.database.db, requireActor(req.actor), req.body.currentPassword),
  );
  app.post('/auth/totp/enable', { schema: { body: CodeBody, tags: ['auth'] }, config: strict }, async (req) =>
    enableTotp(app.database.db, requireActor(req.actor), req.body.code),
  );
  app.post(
    '/auth/totp/disable',
    { schema: { body: DisableTotpBody, tags: ['auth'] }, config: strict },
    async (req) => disableTotp(app.database.db, requireActor(req.actor), req.body),
  );
  // Production mode (NODE_ENV=production) has no demo accounts: the login page shows the demo hint only outside it.
  app.get('/auth/config', { schema: { tags: ['auth'] } }, async () => ({
    production: process.env.NODE_ENV === 'production',
  }));
};

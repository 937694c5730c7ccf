import {
  AuthConfigReply,
  ChangePasswordBody,
  ChangePasswordReply,
  CodeBody,
  DisableTotpBody,
  LoginBody,
  LoginReply,
  MeReply,
  OkReply,
  PasswordBody,
  RecoveryCodesReply,
  TotpEnableReply,
  TotpSetupReply,
  TotpStateReply,
} from '@perfcommons/contracts';
import type { FastifyPluginAsyncContract } from '../../lib/serializer';
import { unauthorized } from '../../lib/errors';
import { CSRF_COOKIE, SESSION_COOKIE } from './plugin';
import {
  changePassword,
  disableTotp,
  enableTotp,
  login,
  logout,
  maskedContact,
  recoveryCodesLeft,
  regenerateRecoveryCodes,
  SESSION_TTL_MS,
  startTotp,
  type LoginInfo,
} from './service';
import { requireActor, type Actor } from '../../lib/actor';
import { normalizeUsername } from './password';
import { canReadAudit } from '../audit/service';
import { monitoringPermissions } from '../monitoring/permissions';
import { capabilities } from './capabilities';

export const presentUser = (
  a: Actor,
  mustChangePassword = false,
  extra: {
    login?: LoginInfo | null;
    totpEnabled?: boolean;
    totpEnrolmentRequired?: boolean;
    recoveryCodesLeft?: number | null;
    contact?: string | null;
  } = {},
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
  /** Unused recovery codes of the second factor (null without one). */
  recoveryCodesLeft: extra.recoveryCodesLeft ?? null,
  /** Reads the audit log (in production the audit administrator only). */
  canReadAudit: canReadAudit(a),
  /** What the user may do in monitoring. */
  monitoring: monitoringPermissions(a),
  /** What the user may do across the console: pages, page-level actions, the landing page. */
  capabilities: capabilities(a),
  /** The login contact, masked (`/api/auth/me` only). */
  ...(extra.contact !== undefined && { contact: extra.contact }),
  /** The previous login (time, address) and the failed attempts since it, for the user to check. */
  lastLogin: extra.login
    ? {
        at: extra.login.previousLoginAt,
        ip: extra.login.previousLoginIp,
        failedAttemptsSince: extra.login.failedLoginsBefore,
      }
    : null,
});

export const authRoutes: FastifyPluginAsyncContract<{ cookieSecure: boolean }> = async (app, opts) => {
  const cookieBase = { path: '/', sameSite: 'lax' as const, secure: opts.cookieSecure };
  app.post(
    '/auth/login',
    {
      schema: { body: LoginBody, tags: ['auth'], response: { 200: LoginReply } },
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
      const left = s.totpEnabled ? await recoveryCodesLeft(app.database.db, s.actor.id) : null;
      return {
        user: presentUser(s.actor, s.mustChangePassword, { ...s, recoveryCodesLeft: left }),
        csrfToken: s.csrfToken,
      };
    },
  );
  app.post('/auth/logout', { schema: { tags: ['auth'], response: { 200: OkReply } } }, async (req, reply) => {
    const token = req.cookies[SESSION_COOKIE];
    if (token) await logout(app.database.db, token);
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    reply.clearCookie(CSRF_COOKIE, { path: '/' });
    return { ok: true as const };
  });
  app.get('/auth/me', { schema: { tags: ['auth'], response: { 200: MeReply } } }, async (req) => {
    if (!req.actor) throw unauthorized();
    return {
      user: presentUser(req.actor, req.mustChangePassword, {
        login: req.loginInfo,
        totpEnabled: req.totpEnabled,
        totpEnrolmentRequired: req.totpEnrolmentRequired,
        recoveryCodesLeft: req.totpEnabled ? await recoveryCodesLeft(app.database.db, req.actor.id) : null,
        contact: await maskedContact(app.database.db, req.actor.id),
      }),
    };
  });
  app.post(
    '/auth/password',
    {
      schema: { body: ChangePasswordBody, tags: ['auth'], response: { 200: ChangePasswordReply } },
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
    { schema: { body: PasswordBody, tags: ['auth'], response: { 200: TotpSetupReply } }, config: strict },
    async (req) => startTotp(app.database.db, requireActor(req.actor), req.body.currentPassword),
  );
  app.post(
    '/auth/totp/enable',
    { schema: { body: CodeBody, tags: ['auth'], response: { 200: TotpEnableReply } }, config: strict },
    async (req) => enableTotp(app.database.db, requireActor(req.actor), req.body.code),
  );
  app.post(
    '/auth/totp/disable',
    { schema: { body: DisableTotpBody, tags: ['auth'], response: { 200: TotpStateReply } }, config: strict },
    async (req) => disableTotp(app.database.db, requireActor(req.actor), req.body),
  );
  // A new set of one-time recovery codes (password and a current code): the earlier set stops working.
  app.post(
    '/auth/totp/recovery-codes',
    {
      schema: { body: DisableTotpBody, tags: ['auth'], response: { 200: RecoveryCodesReply } },
      config: strict,
    },
    async (req) => regenerateRecoveryCodes(app.database.db, requireActor(req.actor), req.body),
  );
  // Production mode (NODE_ENV=production) has no demo accounts: the login page shows the demo hint only outside it.
  app.get('/auth/config', { schema: { tags: ['auth'], response: { 200: AuthConfigReply } } }, async () => ({
    production: process.env.NODE_ENV === 'production',
  }));
};

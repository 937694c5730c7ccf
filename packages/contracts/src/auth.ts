import { z } from 'zod';
import { Timestamp } from './common';
import { ROLES } from './enums';
import { MonitoringPermissions } from './monitoring';

export const RoleSchema = z.enum(ROLES);

export const LoginBody = z.object({
  /** Login name, e-mail or phone of the account. */
  username: z.string().min(1).max(200),
  /** The account's password. */
  password: z.string().min(1).max(200),
  /** 6-digit code of the authenticator app, for accounts with a second factor. */
  totp: z
    .string()
    .regex(/^\d{6}$/)
    .optional(),
  /** One of the account's one-time recovery codes, instead of `totp` when the authenticator is lost. */
  recoveryCode: z.string().min(8).max(40).optional(),
});

export const PasswordBody = z.object({
  /** The password the account has now. */
  currentPassword: z.string().min(1).max(200),
});
export const CodeBody = z.object({
  /** 6-digit code shown by the authenticator app. */
  code: z.string().regex(/^\d{6}$/),
});
export const DisableTotpBody = PasswordBody.extend(CodeBody.shape);

export const ChangePasswordBody = z.object({
  /** The password the account has now. */
  currentPassword: z.string().min(1).max(200),
  /** The new password: at least 10 characters of three classes, not containing the username, strength ≥ 3. */
  newPassword: z.string().min(1).max(200),
});
export type ChangePasswordInput = z.infer<typeof ChangePasswordBody>;

/** One role of an account and the org unit whose subtree it covers (null: the whole government). */
export const RoleGrant = z.object({ role: RoleSchema, orgUnitId: z.uuid().nullable() });
export type RoleGrant = z.infer<typeof RoleGrant>;

/**
 * What the signed-in user may do across the console, computed by the server from the same rules its
 * services enforce (`modules/auth/capabilities.ts`): the web shows a menu entry, a page or an action when
 * this says so and re-implements no rule.
 */
export const Capabilities = z.object({
  /** The page the user lands on: 我的待办 for every role with work, the audit log, the organisation, or results. */
  home: z.enum(['/todo', '/audit', '/orgs', '/results']),
  /** Pages (menu entries) the user may open. */
  pages: z.object({
    indicators: z.boolean(),
    verify: z.boolean(),
    evaluation: z.boolean(),
    surveys: z.boolean(),
    appeals: z.boolean(),
    monitoring: z.boolean(),
    participation: z.boolean(),
    linkage: z.boolean(),
  }),
  /** Creates cycles (createCycle). */
  createCycles: z.boolean(),
  /** Changes the organisation tree and records cadres (orgs service). */
  editOrgs: z.boolean(),
  /** Approves plans in bulk (bulkApprove) and assigns their owners (plan owners). */
  approvePlans: z.boolean(),
  assignPlanOwners: z.boolean(),
  /** Imports service data, maps and feeds it into a cycle, records findings (linkage services). */
  importServiceData: z.boolean(),
  feedServiceData: z.boolean(),
  recordFindings: z.boolean(),
  /** The org unit the user manages (its first unit-manager grant), where participation opens; null otherwise. */
  managedOrgUnitId: z.uuid().nullable(),
  /** Takes part in the public portal as a registered participant (requireParticipant). */
  participate: z.boolean(),
});
export type Capabilities = z.infer<typeof Capabilities>;

/** The signed-in user as the console sees it. */
export const SessionUser = z.object({
  id: z.uuid(),
  username: z.string(),
  displayName: z.string(),
  displayNameEn: z.string().nullable(),
  roles: z.array(RoleGrant),
  /** The password was set by someone else: only the auth routes answer until the user changes it. */
  mustChangePassword: z.boolean(),
  /** Second factor (TOTP) enabled. */
  totpEnabled: z.boolean(),
  /** Production requires a second factor for these roles: only the auth routes answer until it is set up. */
  totpEnrolmentRequired: z.boolean(),
  /** Unused recovery codes of the second factor (null without one). */
  recoveryCodesLeft: z.number().int().nullable(),
  /** Reads the audit log and its verification (in production the audit administrator only). */
  canReadAudit: z.boolean(),
  /** What the user may do in monitoring (its page's tabs and buttons). */
  monitoring: MonitoringPermissions,
  /** What the user may do across the console: pages, page-level actions, the landing page. */
  capabilities: Capabilities,
  /**
   * The login phone or e-mail, masked (138****1234, w***@example.org), null without one; sent by
   * `/api/auth/me` (PIPL: contacts are shown masked, in clear only in the participant's data download).
   */
  contact: z.string().nullable().optional(),
  /** The login before this session's (time, address) and the failed attempts since, for the user to check. */
  lastLogin: z
    .object({
      at: Timestamp.nullable(),
      ip: z.string().nullable(),
      failedAttemptsSince: z.number().int(),
    })
    .nullable(),
});
export type SessionUser = z.infer<typeof SessionUser>;

export const LoginReply = z.object({
  user: SessionUser,
  /** Sent back in the `x-csrf-token` header of every write (also set as a cookie). */
  csrfToken: z.string(),
});
export type LoginReply = z.infer<typeof LoginReply>;
export const MeReply = z.object({ user: SessionUser });
export type MeReply = z.infer<typeof MeReply>;
export const ChangePasswordReply = z.object({ mustChangePassword: z.boolean() });
export const TotpSetupReply = z.object({
  /** Base32 secret, for entering by hand. */
  secret: z.string(),
  /** `otpauth://` URI for the QR code. */
  otpauthUrl: z.string(),
});
export type TotpSetupReply = z.infer<typeof TotpSetupReply>;
export const TotpStateReply = z.object({ totpEnabled: z.boolean() });
/** Enabling the second factor: the recovery codes, shown this once (only their digests are kept). */
export const TotpEnableReply = TotpStateReply.extend({
  /** One-time codes, each usable once instead of an authenticator code at login. */
  recoveryCodes: z.array(z.string()),
});
export type TotpEnableReply = z.infer<typeof TotpEnableReply>;
/** A new set of recovery codes replaces every earlier one; shown this once. */
export const RecoveryCodesReply = z.object({
  recoveryCodes: z.array(z.string()),
  /** Unused codes now (the new set). */
  recoveryCodesLeft: z.number().int(),
});
export type RecoveryCodesReply = z.infer<typeof RecoveryCodesReply>;
export const AuthConfigReply = z.object({
  /** Production mode: no demo accounts (the login page hides the demo hint). */
  production: z.boolean(),
});
export type AuthConfigReply = z.infer<typeof AuthConfigReply>;

export const HealthReply = z.object({
  status: z.literal('ok'),
  /** pglite (embedded) or postgres. */
  database: z.string(),
});

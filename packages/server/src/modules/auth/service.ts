/**
 * Accounts' authentication, one use case a file: login with its lockout (login.ts), sessions
 * (session.ts), the password change (password-change.ts), the second factor (totp.ts) and its recovery
 * codes (recovery-codes.ts) on shared internals (second-factor.ts), the masked contact (contact.ts).
 * The names other modules import, from here.
 */
export {
  loadActor,
  logout,
  openSession,
  sessionActor,
  sessionLimits,
  SESSION_TTL_MS,
  type LoginInfo,
  type SessionTokens,
  type SessionUser,
} from './session';
export { ACCOUNT_MAX_FAILURES, ADDRESS_MAX_FAILURES, LOCK_MS, login } from './login';
export { changePassword, weakPassword } from './password-change';
export { RECOVERY_CODE_COUNT, recoveryCodesLeft, TOTP_ISSUER, TOTP_REQUIRED_ROLES } from './second-factor';
export { disableTotp, enableTotp, resetTotp, startTotp, totpCode } from './totp';
export { regenerateRecoveryCodes } from './recovery-codes';
export { maskedContact } from './contact';

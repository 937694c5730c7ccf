import { z } from 'zod';
import { RoleGrant, RoleSchema } from './auth';
import { itemsOf } from './common';

export const UsersQuery = z.object({
  /** Only holders of this role (e.g. evaluator). */
  role: RoleSchema.optional(),
  /** Part of the username or display name. */
  q: z.string().trim().max(100).optional(),
});

export const RolesBody = z.object({
  /** Every role the account holds afterwards (roles not listed are revoked). */
  roles: z.array(RoleGrant).max(100),
});
export type RolesInput = z.infer<typeof RolesBody>;

/** An active account in the office's pickers: who it is and which roles it holds where. No secrets. */
export const UserListItem = z.object({
  id: z.uuid(),
  username: z.string(),
  displayName: z.string(),
  displayNameEn: z.string().nullable(),
  roles: z.array(
    RoleGrant.extend({
      /** Name of the org unit of the grant (null: everywhere). */
      orgName: z.string().nullable(),
      orgNameEn: z.string().nullable(),
    }),
  ),
});
export type UserListItem = z.infer<typeof UserListItem>;
export const UserListReply = itemsOf(UserListItem);
export type UserListReply = z.infer<typeof UserListReply>;

export const ResetPasswordReply = z.object({
  user: z.object({ id: z.uuid(), username: z.string(), displayName: z.string() }),
  /** The new one-time password, shown in this answer only; the account must change it at its next login. */
  password: z.string(),
});
export type ResetPasswordReply = z.infer<typeof ResetPasswordReply>;

export const SetRolesReply = z.object({ id: z.uuid(), username: z.string(), roles: z.array(RoleGrant) });
export type SetRolesReply = z.infer<typeof SetRolesReply>;

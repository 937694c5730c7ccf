import {
  IdParams,
  ResetPasswordReply,
  RolesBody,
  SetRolesReply,
  UserListReply,
  UsersQuery,
} from '@perfcommons/contracts';
import type { FastifyPluginAsyncContract } from '../../lib/serializer';
import { listUsers, resetPassword, setUserRoles } from './service';

export const userRoutes: FastifyPluginAsyncContract = async (app) => {
  app.get(
    '/users',
    { schema: { tags: ['users'], querystring: UsersQuery, response: { 200: UserListReply } } },
    async (req) => ({ items: await listUsers(app.database.db, req.actor, req.query) }),
  );
  app.post(
    '/users/:id/reset-password',
    { schema: { tags: ['users'], params: IdParams, response: { 200: ResetPasswordReply } } },
    // The new password is in this answer only; the account must change it at its next login.
    async (req) => resetPassword(app.database.db, req.actor, req.params.id),
  );
  // The security administrator's duty (三员分立): the account's complete set of roles.
  app.put(
    '/users/:id/roles',
    { schema: { tags: ['users'], params: IdParams, body: RolesBody, response: { 200: SetRolesReply } } },
    async (req) => setUserRoles(app.database.db, req.actor, req.params.id, req.body.roles),
  );
};

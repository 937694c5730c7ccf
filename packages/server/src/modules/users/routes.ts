import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ROLES } from '../../lib/actor';
import { listUsers, resetPassword, setUserRoles } from './service';

export const UsersQuery = z.object({
  /** Only holders of this role (e.g. evaluator). */
  role: z.enum(ROLES).optional(),
  /** Part of the username or display name. */
  q: z.string().trim().max(100).optional(),
});

export const RolesBody = z.object({
  /** Every role the account holds afterwards (roles not listed are revoked). */
  roles: z.array(z.object({ role: z.enum(ROLES), orgUnitId: z.uuid().nullable() })).max(100),
});

export const userRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get('/users', { schema: { tags: ['users'], querystring: UsersQuery } }, async (req) => ({
    items: await listUsers(app.database.db, req.actor, req.query),
  }));
  app.post(
    '/users/:id/reset-password',
    { schema: { tags: ['users'], params: z.object({ id: z.uuid() }) } },
    // The new password is in this answer only; the account must change it at its next login.
    async (req) => resetPassword(app.database.db, req.actor, req.params.id),
  );
  // The security administrator's duty (三员分立): the account's complete set of roles.
  app.put(
    '/users/:id/roles',
    { schema: { tags: ['users'], params: z.object({ id: z.uuid() }), body: RolesBody } },
    async (req) => setUserRoles(app.database.db, req.actor, req.params.id, req.body.roles),
  );
};

import {
  IdParams,
  NotificationListReply,
  NotificationReply,
  NotificationsQuery,
  ReadAllReply,
} from '@perfcommons/contracts';
import type { FastifyPluginAsyncContract } from '../../lib/serializer';
import { listNotifications, markAllRead, markRead } from './notifications';

/** In-platform notifications of the current user. */
export const notificationRoutes: FastifyPluginAsyncContract = async (app) => {
  const db = app.database.db;
  const tags = ['notifications'];

  app.get(
    '/notifications',
    { schema: { tags, querystring: NotificationsQuery, response: { 200: NotificationListReply } } },
    async (req) =>
      listNotifications(db, req.actor, { unread: req.query.unread === 'true', limit: req.query.limit }),
  );
  app.post('/notifications/read-all', { schema: { tags, response: { 200: ReadAllReply } } }, async (req) =>
    markAllRead(db, req.actor),
  );
  app.post(
    '/notifications/:id/read',
    { schema: { tags, params: IdParams, response: { 200: NotificationReply } } },
    async (req) => ({ notification: await markRead(db, req.actor, req.params.id) }),
  );
};

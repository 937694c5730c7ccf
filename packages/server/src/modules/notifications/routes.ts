import { NotificationChannelsBody, NotificationSettings } from '@perfcommons/contracts';
import type { FastifyPluginAsyncContract } from '../../lib/serializer';
import { getNotificationSettings, setNotificationSettings } from './preferences';

/** The current user's notification channels. */
export const notificationSettingsRoutes: FastifyPluginAsyncContract = async (app) => {
  const db = app.database.db;
  const tags = ['notifications'];
  app.get(
    '/notifications/settings',
    { schema: { tags, response: { 200: NotificationSettings } } },
    async (req) => getNotificationSettings(db, req.actor),
  );
  app.put(
    '/notifications/settings',
    { schema: { tags, body: NotificationChannelsBody, response: { 200: NotificationSettings } } },
    async (req) => setNotificationSettings(db, req.actor, req.body),
  );
};

import { LinkageSettingsBody, LinkageSettingsReply } from '@perfcommons/contracts';
import type { FastifyPluginAsyncContract } from '../../lib/serializer';
import { getLinkageSettings, setLinkageSettings } from './settings';

const tags = ['linkage'];

/** The city's cut-offs of the linkage rates (docs/linkage.md). */
export const linkageSettingsRoutes: FastifyPluginAsyncContract = async (app) => {
  const db = app.database.db;
  app.get('/linkage/settings', { schema: { tags, response: { 200: LinkageSettingsReply } } }, async (req) =>
    getLinkageSettings(db, req.actor),
  );
  app.put(
    '/linkage/settings',
    { schema: { tags, body: LinkageSettingsBody, response: { 200: LinkageSettingsReply } } },
    async (req) => setLinkageSettings(db, req.actor, req.body),
  );
};

import {
  CreateIndicatorBody,
  HistoryQuery,
  HistoryReply,
  IdParams,
  IndicatorCodeParams,
  IndicatorDetailReply,
  IndicatorEntryReply,
  IndicatorListReply,
  IndicatorsQuery,
  IndicatorVersionParams,
  PeersQuery,
  PeersReply,
  PublicUnitHistoryReply,
  RetireIndicatorBody,
  ReviseIndicatorBody,
  TargetAidQuery,
  TargetAidReply,
} from '@perfcommons/contracts';
import type { FastifyPluginAsyncContract } from '../../lib/serializer';
import {
  createIndicator,
  getIndicator,
  getIndicatorVersion,
  listIndicators,
  retireIndicator,
  reviseIndicator,
} from './use-cases';
import { indicatorHistory, peerStats, publicUnitHistory, targetAid } from './history';

const tags = ['indicators'];

/** The indicator library 指标库 and the performance database 绩效数据库. */
export const indicatorRoutes: FastifyPluginAsyncContract = async (app) => {
  const db = app.database.db;
  app.get(
    '/indicators',
    { schema: { tags, querystring: IndicatorsQuery, response: { 200: IndicatorListReply } } },
    async (req) => listIndicators(db, req.actor, req.query),
  );
  app.post(
    '/indicators',
    { schema: { tags, body: CreateIndicatorBody, response: { 201: IndicatorEntryReply } } },
    async (req, reply) => reply.code(201).send(await createIndicator(db, req.actor, req.body)),
  );
  app.get(
    '/indicators/:code',
    { schema: { tags, params: IndicatorCodeParams, response: { 200: IndicatorDetailReply } } },
    async (req) => getIndicator(db, req.actor, req.params.code),
  );
  app.get(
    '/indicators/:code/versions/:version',
    { schema: { tags, params: IndicatorVersionParams, response: { 200: IndicatorEntryReply } } },
    async (req) => getIndicatorVersion(db, req.actor, req.params.code, req.params.version),
  );
  app.put(
    '/indicators/:code',
    {
      schema: {
        tags,
        params: IndicatorCodeParams,
        body: ReviseIndicatorBody,
        response: { 200: IndicatorEntryReply },
      },
    },
    async (req) => reviseIndicator(db, req.actor, req.params.code, req.body),
  );
  app.post(
    '/indicators/:code/retire',
    {
      schema: {
        tags,
        params: IndicatorCodeParams,
        body: RetireIndicatorBody,
        response: { 200: IndicatorEntryReply },
      },
    },
    async (req) => retireIndicator(db, req.actor, req.params.code, req.body),
  );
  app.get(
    '/performance/history',
    { schema: { tags, querystring: HistoryQuery, response: { 200: HistoryReply } } },
    async (req) => indicatorHistory(db, req.actor, req.query),
  );
  app.get(
    '/performance/peers',
    { schema: { tags, querystring: PeersQuery, response: { 200: PeersReply } } },
    async (req) => peerStats(db, req.actor, req.query),
  );
  app.get(
    '/plans/:id/target-aid',
    { schema: { tags, params: IdParams, querystring: TargetAidQuery, response: { 200: TargetAidReply } } },
    async (req) => targetAid(db, req.actor, req.params.id, req.query.code),
  );
  app.get(
    '/public/orgs/:id/indicator-history',
    {
      schema: {
        tags: ['public'],
        params: IdParams,
        response: { 200: PublicUnitHistoryReply },
        description: "A unit's indicators year over year, from annual cycles whose results are published.",
      },
    },
    async (req) => publicUnitHistory(db, req.params.id),
  );
};

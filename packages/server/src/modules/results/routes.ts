import {
  ComputeReply,
  CorrectionReply,
  DisclosureReply,
  JobAccepted,
  PublicationState,
  PublicationStatus,
  PublishReply,
  ResultDetail,
  ResultList,
  ResultRevisionList,
  WithdrawReply,
} from '@perfcommons/contracts';
import type { FastifyPluginAsyncContract } from '../../lib/serializer';
import { z } from 'zod';
import {
  correctValue,
  listRevisions,
  publicationState,
  publicationStatus,
  publishResults,
  withdrawPublication,
} from './publication';
import { getResult, listResults } from './service';
import { computeAndWait, queueCompute } from './jobs';
import { getDisclosure, setDisclosure } from './disclosure';
import { resultPermissionsOf } from '../appeals/service';
import { getCycle } from '../cycles/service';
import { queueBundle } from '../opendata/store';

const IdParams = z.object({ id: z.uuid() });

export const ComputeQuery = z.object({
  /** Wait for the compute job to finish and answer its results (200), as scripts and tests do. */
  wait: z
    .enum(['true', 'false'])
    .optional()
    .transform((v) => v === 'true'),
});

export const PublishBody = z
  .object({
    /** Plans published past their blockers (incomplete, stale, no result), each with the office's reason. */
    overrides: z
      .array(
        z.object({
          /** The blocked plan. */
          planId: z.uuid(),
          /** Why it is published anyway (public, shown beside the result). */
          reason: z.string().trim().min(5).max(2000),
        }),
      )
      .max(5000)
      .optional(),
  })
  .optional();

export const WithdrawBody = z.object({
  /** Public reason of the withdrawal, shown on the portal instead of the results. */
  reason: z.string().trim().min(5).max(2000),
});

export const CorrectionBody = z.object({
  /** The plan whose value is corrected. */
  planId: z.uuid(),
  /** A leaf indicator of that plan. */
  indicatorCode: z.string().trim().min(1).max(40),
  /** Period of the value; the cycle's year when omitted. */
  period: z
    .string()
    .regex(/^\d{4}(-(Q[1-4]|H[12]|\d{2}))?$/)
    .optional(),
  /** The corrected value (stored as verified). */
  value: z.number().finite(),
  /** Why the published value was wrong (published as the revision's note). */
  justification: z.string().trim().min(5).max(5000),
});

export const DisclosureBody = z.object({
  /** Results of units and projects. */
  unitResults: z.boolean(),
  /** Results (score, rank, grade) of leading cadres. */
  cadreGrades: z.boolean(),
  /** Personnel consequences of cadres' results (only with cadreGrades). */
  cadreConsequences: z.boolean(),
});

export const resultRoutes: FastifyPluginAsyncContract = async (app) => {
  const db = app.database.db;
  // A durable job (202 with its id, progress at GET /api/jobs/:id); `?wait=true` waits for it.
  app.post(
    '/cycles/:id/compute',
    {
      schema: {
        tags: ['results'],
        params: IdParams,
        querystring: ComputeQuery,
        response: { 200: ComputeReply, 202: JobAccepted },
      },
    },
    async (req, reply) => {
      if (!req.query.wait)
        return reply.code(202).send(await queueCompute(db, app.jobs, req.actor, req.params.id));
      const done = await computeAndWait(db, app.jobs, req.actor, req.params.id);
      return done.done ? done : reply.code(202).send({ jobId: done.jobId });
    },
  );
  app.get(
    '/cycles/:id/results',
    { schema: { tags: ['results'], params: IdParams, response: { 200: ResultList } } },
    async (req) => ({
      items: await listResults(db, req.actor, req.params.id),
    }),
  );
  app.get(
    '/results/:id',
    { schema: { tags: ['results'], params: IdParams, response: { 200: ResultDetail } } },
    async (req) => {
      const detail = await getResult(db, req.actor, req.params.id);
      // What the user may do with it (appeal), from the rule the appeal service enforces.
      const can = await resultPermissionsOf(db, req.actor, detail.result);
      return { ...detail, result: { ...detail.result, can } };
    },
  );
  app.post(
    '/cycles/:id/publish-results',
    { schema: { tags: ['results'], params: IdParams, body: PublishBody, response: { 200: PublishReply } } },
    async (req) => {
      const published = await publishResults(db, req.actor, req.params.id, req.body ?? {});
      await queueBundle(app.jobs, req.actor, req.params.id, req.log);
      return published;
    },
  );
  app.get(
    '/cycles/:id/publication',
    { schema: { tags: ['results'], params: IdParams, response: { 200: PublicationStatus } } },
    async (req) => publicationStatus(db, req.actor, req.params.id),
  );
  app.post(
    '/cycles/:id/publication/withdraw',
    { schema: { tags: ['results'], params: IdParams, body: WithdrawBody, response: { 200: WithdrawReply } } },
    async (req) => withdrawPublication(db, req.actor, req.params.id, req.body),
  );
  app.post(
    '/cycles/:id/corrections',
    {
      schema: {
        tags: ['results'],
        params: IdParams,
        body: CorrectionBody,
        response: { 200: CorrectionReply },
      },
    },
    async (req) => {
      const corrected = await correctValue(db, req.actor, req.params.id, req.body);
      await queueBundle(app.jobs, req.actor, req.params.id, req.log);
      return corrected;
    },
  );
  app.get(
    '/results/:id/revisions',
    { schema: { tags: ['results'], params: IdParams, response: { 200: ResultRevisionList } } },
    async (req) => listRevisions(db, req.actor, req.params.id),
  );
  app.get(
    '/public/results/:id/revisions',
    { schema: { tags: ['public'], params: IdParams, response: { 200: ResultRevisionList } } },
    async (req) => listRevisions(db, null, req.params.id, { publicOnly: true }),
  );
  // What the public sees of the cycle's results (office sets it; everyone may read it).
  app.put(
    '/cycles/:id/disclosure',
    {
      schema: {
        tags: ['results'],
        params: IdParams,
        body: DisclosureBody,
        response: { 200: DisclosureReply },
      },
    },
    async (req) => setDisclosure(db, req.actor, req.params.id, req.body),
  );
  app.get(
    '/public/cycles/:id/disclosure',
    { schema: { tags: ['public'], params: IdParams, response: { 200: DisclosureReply } } },
    async (req) => {
      await getCycle(db, req.params.id);
      return getDisclosure(db, req.params.id);
    },
  );
  app.get(
    '/public/cycles/:id/publication',
    { schema: { tags: ['public'], params: IdParams, response: { 200: PublicationState } } },
    async (req) => publicationState(db, req.params.id),
  );
};

import {
  FrameBody,
  FrameImportQuery,
  FrameReply,
  IdParams,
  InvitationListReply,
  InvitationsQuery,
  IssueInvitationsBody,
  IssuedInvitationsReply,
  JobAccepted,
  RegenerateInvitationsBody,
  SampleBody,
  SampleMembersReply,
  SampleReply,
  SampleSizeBody,
  SampleSizeReply,
} from '@perfcommons/contracts';
import type { FastifyPluginAsyncContract } from '../../lib/serializer';
import { importJobRoute } from '../jobs/import-route';
import { queueFrameImport, type FrameSummary } from './frame-job';
import { MAX_STREAM_FRAME_BYTES } from './frame-stream';
import {
  drawSample,
  getSample,
  issueInvitations,
  listInvitations,
  regenerateInvitations,
  sampleSize,
  storeFrame,
} from './use-cases';

/** Sampling: the size calculator, the frame, the stratified sample and its invitations. */
export const surveySamplingRoutes: FastifyPluginAsyncContract = async (app) => {
  const db = app.database.db;
  const tags = ['surveys'];

  app.post(
    '/surveys/sample-size',
    { schema: { tags, body: SampleSizeBody, response: { 200: SampleSizeReply } } },
    async (req) => sampleSize(db, req.actor, req.body),
  );
  app.post(
    '/surveys/:id/frame',
    {
      schema: { tags, params: IdParams, body: FrameBody, response: { 200: FrameReply } },
      bodyLimit: 50 * 1024 * 1024,
    },
    async (req) => storeFrame(db, req.actor, req.params.id, req.body.rows, req.body.mode),
  );
  app.post(
    '/surveys/:id/frame/import',
    {
      schema: {
        tags,
        params: IdParams,
        querystring: FrameImportQuery,
        response: { 200: FrameReply, 202: JobAccepted },
      },
    },
    // Imported as a job (up to 1,000,000 rows; the upload stored as it arrives: a CSV up to 200 MB,
    // an XLSX up to 64 MB, read by the streaming sheet reader).
    async (req, reply) =>
      importJobRoute<FrameSummary>(req, reply, {
        jobs: app.jobs,
        maxBytes: MAX_STREAM_FRAME_BYTES,
        wait: req.query.wait,
        queue: (file) => {
          const name = /\.xlsx$/i.test(file.filename) ? 'frame.xlsx' : 'frame.csv';
          return queueFrameImport(db, app.jobs, req.actor, req.params.id, file.file, req.query.mode, name);
        },
      }),
  );
  app.post(
    '/surveys/:id/sample',
    { schema: { tags, params: IdParams, body: SampleBody, response: { 200: SampleReply } } },
    async (req) => ({ sample: await drawSample(db, req.actor, req.params.id, req.body) }),
  );
  app.get(
    '/surveys/:id/sample',
    { schema: { tags, params: IdParams, response: { 200: SampleMembersReply } } },
    async (req) => getSample(db, req.actor, req.params.id),
  );
  app.post(
    '/surveys/:id/invitations/issue',
    {
      schema: {
        tags,
        params: IdParams,
        body: IssueInvitationsBody,
        response: { 200: IssuedInvitationsReply },
      },
    },
    async (req) => ({ items: await issueInvitations(db, req.actor, req.params.id, req.body ?? {}) }),
  );
  // The invitation file again: new links and codes for the invitations not answered yet (confirmed).
  app.post(
    '/surveys/:id/invitations/regenerate',
    {
      schema: {
        tags,
        params: IdParams,
        body: RegenerateInvitationsBody,
        response: { 200: IssuedInvitationsReply },
      },
    },
    async (req) => ({ items: await regenerateInvitations(db, req.actor, req.params.id, req.body) }),
  );
  app.get(
    '/surveys/:id/invitations',
    {
      schema: {
        tags,
        params: IdParams,
        querystring: InvitationsQuery,
        response: { 200: InvitationListReply },
      },
    },
    async (req) => listInvitations(db, req.actor, req.params.id, req.query),
  );
};

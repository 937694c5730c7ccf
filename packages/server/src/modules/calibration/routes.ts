import {
  CalibrationAnswerBody,
  CalibrationAnswerReply,
  CalibrationCandidatesReply,
  CalibrationCaseBody,
  CalibrationCaseReply,
  CalibrationDeriveBody,
  CalibrationReply,
  CalibrationStatusReply,
  IdParams,
  OkReply,
} from '@perfcommons/contracts';
import type { FastifyPluginAsyncContract } from '../../lib/serializer';
import {
  answerCalibrationCase,
  calibrationCandidates,
  calibrationStatus,
  createCalibrationCase,
  deleteCalibrationCase,
  deriveCalibrationCase,
  getCalibration,
} from './use-cases';

const tags = ['calibration'];

/** Raters' calibration exercise of a cycle (docs/indicators.md). */
export const calibrationRoutes: FastifyPluginAsyncContract = async (app) => {
  const db = app.database.db;
  app.get(
    '/cycles/:id/calibration',
    { schema: { tags, params: IdParams, response: { 200: CalibrationReply } } },
    async (req) => getCalibration(db, req.actor, req.params.id),
  );
  app.post(
    '/cycles/:id/calibration/cases',
    {
      schema: { tags, params: IdParams, body: CalibrationCaseBody, response: { 201: CalibrationCaseReply } },
    },
    async (req, reply) => {
      const out = await createCalibrationCase(db, req.actor, req.params.id, req.body);
      reply.code(201);
      return out;
    },
  );
  app.post(
    '/cycles/:id/calibration/derive',
    {
      schema: {
        tags,
        params: IdParams,
        body: CalibrationDeriveBody,
        response: { 201: CalibrationCaseReply },
      },
    },
    async (req, reply) => {
      const out = await deriveCalibrationCase(db, req.actor, req.params.id, req.body);
      reply.code(201);
      return out;
    },
  );
  app.get(
    '/cycles/:id/calibration/candidates',
    { schema: { tags, params: IdParams, response: { 200: CalibrationCandidatesReply } } },
    async (req) => calibrationCandidates(db, req.actor, req.params.id),
  );
  app.get(
    '/cycles/:id/calibration/status',
    { schema: { tags, params: IdParams, response: { 200: CalibrationStatusReply } } },
    async (req) => calibrationStatus(db, req.actor, req.params.id),
  );
  app.delete(
    '/calibration-cases/:id',
    { schema: { tags, params: IdParams, response: { 200: OkReply } } },
    async (req) => deleteCalibrationCase(db, req.actor, req.params.id),
  );
  app.post(
    '/calibration-cases/:id/answer',
    {
      schema: {
        tags,
        params: IdParams,
        body: CalibrationAnswerBody,
        response: { 201: CalibrationAnswerReply },
      },
    },
    async (req, reply) => {
      const out = await answerCalibrationCase(db, req.actor, req.params.id, req.body);
      reply.code(201);
      return out;
    },
  );
};

import {
  CycleBody,
  CycleQuery,
  CycleTrajectoryReply,
  EvidenceDownloadReply,
  EvidenceListReply,
  EvidenceReply,
  FlagsReply,
  IdParams,
  OverdueQuery,
  OverdueReply,
  PeriodListReply,
  PeriodsBody,
  PlanTrajectoryReply,
  RemindersBody,
  RemindersReply,
  RunWarningsReply,
  TaskBody,
  TaskListReply,
  TaskReply,
  TasksQuery,
  TaskStatusBody,
  WarningListReply,
} from '@perfcommons/contracts';
import { sendFile } from '../../lib/send-file';
import { readUpload } from '../../lib/uploads';
import type { FastifyPluginAsyncContract } from '../../lib/serializer';
import { listOverdue, runReminders } from './discipline';
import { EVIDENCE_MAX_BYTES, downloadEvidence, listEvidence, uploadEvidence } from './evidence';
import { listFlags } from './flags';
import { monitoringAgreementRoutes } from './routes-agreements';
import { notificationRoutes } from './routes-notifications';
import { createTask, listTasks, updateTask } from './tasks';
import {
  configurePeriods,
  cycleTrajectory,
  listPeriods,
  listWarnings,
  planTrajectory,
  runWarnings,
} from './trajectory';

/**
 * Monitoring 绩效监控: evidence, anomaly flags, the reporting calendar, trajectories and early warnings,
 * reporting discipline and correction tasks. Notifications and agreements in their own files.
 */
export const monitoringRoutes: FastifyPluginAsyncContract = async (app) => {
  const db = app.database.db;
  const tags = ['monitoring'];

  // Evidence files of reported values.
  app.post(
    '/values/:id/evidence',
    { schema: { tags, params: IdParams, response: { 201: EvidenceReply } } },
    async (req, reply) => {
      const upload = await readUpload(req, EVIDENCE_MAX_BYTES);
      reply.code(201);
      return {
        file: await uploadEvidence(db, req.actor, req.params.id, upload),
      };
    },
  );
  app.get(
    '/values/:id/evidence',
    { schema: { tags, params: IdParams, response: { 200: EvidenceListReply } } },
    async (req) => ({ items: await listEvidence(db, req.actor, req.params.id) }),
  );
  app.get(
    '/evidence/:id',
    { schema: { tags, params: IdParams, response: { 200: EvidenceDownloadReply } } },
    async (req, reply) => {
      const f = await downloadEvidence(db, req.actor, req.params.id);
      return sendFile(reply, f);
    },
  );

  // Anomaly flags on reported data, for verifiers and the office.
  app.get(
    '/monitoring/flags',
    { schema: { tags, querystring: CycleQuery, response: { 200: FlagsReply } } },
    async (req) => listFlags(db, req.actor, { cycleId: req.query.cycleId }),
  );
  app.get(
    '/monitoring/plans/:id/flags',
    { schema: { tags, params: IdParams, response: { 200: FlagsReply } } },
    async (req) => listFlags(db, req.actor, { planId: req.params.id }),
  );

  // Reporting calendar, trajectories and early warnings.
  app.get(
    '/monitoring/periods',
    { schema: { tags, querystring: CycleQuery, response: { 200: PeriodListReply } } },
    async (req) => ({ items: await listPeriods(db, req.query.cycleId) }),
  );
  app.put(
    '/monitoring/periods',
    { schema: { tags, body: PeriodsBody, response: { 200: PeriodListReply } } },
    async (req) => ({ items: await configurePeriods(db, req.actor, req.body) }),
  );
  app.get(
    '/monitoring/trajectory',
    { schema: { tags, querystring: CycleQuery, response: { 200: CycleTrajectoryReply } } },
    async (req) => cycleTrajectory(db, req.actor, req.query.cycleId),
  );
  app.get(
    '/monitoring/plans/:id/trajectory',
    { schema: { tags, params: IdParams, response: { 200: PlanTrajectoryReply } } },
    async (req) => planTrajectory(db, req.actor, req.params.id),
  );
  app.post(
    '/monitoring/warnings/run',
    { schema: { tags, body: CycleBody, response: { 200: RunWarningsReply } } },
    async (req) => runWarnings(db, req.actor, req.body.cycleId),
  );
  app.get(
    '/monitoring/warnings',
    { schema: { tags, querystring: CycleQuery, response: { 200: WarningListReply } } },
    async (req) => ({ items: await listWarnings(db, req.actor, req.query.cycleId) }),
  );

  // Reporting discipline: who is overdue; reminders and escalations, sent once each.
  app.get(
    '/monitoring/overdue',
    { schema: { tags, querystring: OverdueQuery, response: { 200: OverdueReply } } },
    async (req) => listOverdue(db, req.actor, req.query.cycleId, req.query.asOf),
  );
  app.post(
    '/monitoring/reminders/run',
    { schema: { tags, body: RemindersBody, response: { 200: RemindersReply } } },
    async (req) => runReminders(db, req.actor, req.body.cycleId, req.body.asOf),
  );

  // Correction tasks.
  app.post(
    '/monitoring/warnings/:id/tasks',
    { schema: { tags, params: IdParams, body: TaskBody, response: { 201: TaskReply } } },
    async (req, reply) => {
      reply.code(201);
      return { task: await createTask(db, req.actor, req.params.id, req.body) };
    },
  );
  app.get(
    '/monitoring/tasks',
    { schema: { tags, querystring: TasksQuery, response: { 200: TaskListReply } } },
    async (req) => ({ items: await listTasks(db, req.actor, req.query) }),
  );
  app.post(
    '/monitoring/tasks/:id/status',
    { schema: { tags, params: IdParams, body: TaskStatusBody, response: { 200: TaskReply } } },
    async (req) => ({ task: await updateTask(db, req.actor, req.params.id, req.body) }),
  );

  await app.register(notificationRoutes);
  await app.register(monitoringAgreementRoutes);
};

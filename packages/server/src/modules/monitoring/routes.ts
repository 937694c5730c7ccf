import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError, badRequest } from '../../lib/errors';
import { listFlags } from './flags';
import {
  cycleRevisions,
  decideRevision,
  listRevisions,
  listSignoffs,
  requestRevision,
  signPlan,
} from './agreements';
import { listOverdue, runReminders } from './discipline';
import { listNotifications, markAllRead, markRead } from './notifications';
import { TASK_STATUSES, createTask, listTasks, updateTask } from './tasks';
import {
  configurePeriods,
  cycleTrajectory,
  listPeriods,
  listWarnings,
  planTrajectory,
  runWarnings,
} from './trajectory';
import { EVIDENCE_MAX_BYTES, downloadEvidence, listEvidence, uploadEvidence } from './evidence';

const IdParams = z.object({ id: z.uuid() });
export const PeriodsBody = z.object({
  /** The cycle whose reporting calendar is set. */
  cycleId: z.uuid(),
  /** Report every quarter or every month. */
  frequency: z.enum(['quarterly', 'monthly']),
  /** Days after a period ends by which its values are due. */
  deadlineDays: z.number().int().min(0).max(120).default(15),
  /** Days after the deadline before a missing report is escalated to the office. */
  graceDays: z.number().int().min(0).max(90).default(7),
});
export const CycleBody = z.object({
  /** The cycle to run on. */
  cycleId: z.uuid(),
});
export const TaskBody = z.object({
  /** User responsible for the correction; default the unit's manager. */
  ownerId: z.uuid().optional(),
  /** Date by which it must be closed (ISO date). */
  deadline: z.iso.date(),
  /** Short title; default names the indicator and period. */
  title: z.string().trim().max(300).optional(),
});
export const TaskStatusBody = z.object({
  /** open, in_progress or closed. */
  status: z.enum(TASK_STATUSES),
  /** What was done; required to close. */
  resolution: z.string().trim().max(4000).optional(),
});
export const TasksQuery = z.object({
  /** The cycle whose tasks are listed. */
  cycleId: z.uuid(),
  /** Only tasks in this status. */
  status: z.enum(TASK_STATUSES).optional(),
});
export const NotificationsQuery = z.object({
  /** Only unread messages. */
  unread: z.enum(['true', 'false']).optional(),
  /** At most this many (newest first). */
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export const OverdueQuery = z.object({
  /** The cycle whose reporting is checked. */
  cycleId: z.uuid(),
  /** Check as of this day (ISO date, not in the future); default today (UTC). */
  asOf: z.iso.date().optional(),
});
export const RemindersBody = z.object({
  /** The cycle whose missing reports are chased. */
  cycleId: z.uuid(),
  /** Run as of this day (ISO date, not in the future); default today (UTC). */
  asOf: z.iso.date().optional(),
});
export const SignoffBody = z.object({
  /** appraisee (unit manager or the cadre) or office. */
  side: z.enum(['appraisee', 'office']),
});
export const RevisionBody = z.object({
  /** Why the target or weight must change mid-cycle (published with the revision). */
  justification: z.string().trim().min(10).max(4000),
  /** The changes: indicator code, field and new value. */
  changes: z
    .array(
      z.object({
        /** Indicator code in the plan. */
        code: z.string().trim().min(1).max(40),
        /** target (of a leaf) or weight (of any node). */
        field: z.enum(['target', 'weight']),
        /** New value. */
        to: z.number().finite(),
      }),
    )
    .min(1)
    .max(50),
});
export const DecideBody = z.object({
  /** approved or rejected. */
  decision: z.enum(['approved', 'rejected']),
  /** Required when rejecting. */
  reason: z.string().trim().max(2000).optional(),
});
export const RevisionsQuery = z.object({
  /** The cycle whose revisions are listed. */
  cycleId: z.uuid(),
  /** Only revisions in this status. */
  status: z.enum(['pending', 'approved', 'rejected']).optional(),
});
export const CycleQuery = z.object({
  /** The cycle to look at. */
  cycleId: z.uuid(),
});

export const monitoringRoutes: FastifyPluginAsyncZod = async (app) => {
  const db = app.database.db;

  // Evidence files of reported values.
  app.post(
    '/values/:id/evidence',
    { schema: { tags: ['monitoring'], params: IdParams } },
    async (req, reply) => {
      if (!req.isMultipart())
        throw badRequest('Send the file as multipart/form-data', [{ path: 'file', message: 'required' }]);
      const file = await req.file({ limits: { fileSize: EVIDENCE_MAX_BYTES, files: 1 } });
      if (!file) throw badRequest('No file uploaded', [{ path: 'file', message: 'required' }]);
      let content: Buffer;
      try {
        content = await file.toBuffer();
      } catch (err) {
        if ((err as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE')
          throw new AppError(413, 'file_too_large', `The file is larger than ${EVIDENCE_MAX_BYTES} bytes`, [
            { path: 'file', message: `larger than ${EVIDENCE_MAX_BYTES} bytes` },
          ]);
        throw err;
      }
      reply.code(201);
      return {
        file: await uploadEvidence(db, req.actor, req.params.id, { filename: file.filename, content }),
      };
    },
  );
  app.get('/values/:id/evidence', { schema: { tags: ['monitoring'], params: IdParams } }, async (req) => ({
    items: await listEvidence(db, req.actor, req.params.id),
  }));
  app.get('/evidence/:id', { schema: { tags: ['monitoring'], params: IdParams } }, async (req, reply) => {
    const f = await downloadEvidence(db, req.actor, req.params.id);
    reply
      .header('content-type', f.mimeType)
      .header('content-length', f.size)
      .header(
        'content-disposition',
        `attachment; filename="${f.filename.replace(/[^\x20-\x7e]|"/g, '_')}"; filename*=UTF-8''${encodeURIComponent(f.filename)}`,
      )
      .header('x-content-sha256', f.sha256);
    return reply.send(f.content);
  });

  // Anomaly flags on reported data, for verifiers and the office.
  app.get('/monitoring/flags', { schema: { tags: ['monitoring'], querystring: CycleQuery } }, async (req) =>
    listFlags(db, req.actor, { cycleId: req.query.cycleId }),
  );
  app.get(
    '/monitoring/plans/:id/flags',
    { schema: { tags: ['monitoring'], params: IdParams } },
    async (req) => listFlags(db, req.actor, { planId: req.params.id }),
  );

  // Reporting calendar, trajectories and early warnings.
  app.get(
    '/monitoring/periods',
    { schema: { tags: ['monitoring'], querystring: CycleQuery } },
    async (req) => ({
      items: await listPeriods(db, req.query.cycleId),
    }),
  );
  app.put('/monitoring/periods', { schema: { tags: ['monitoring'], body: PeriodsBody } }, async (req) => ({
    items: await configurePeriods(db, req.actor, req.body),
  }));
  app.get(
    '/monitoring/trajectory',
    { schema: { tags: ['monitoring'], querystring: CycleQuery } },
    async (req) => cycleTrajectory(db, req.actor, req.query.cycleId),
  );
  app.get(
    '/monitoring/plans/:id/trajectory',
    { schema: { tags: ['monitoring'], params: IdParams } },
    async (req) => planTrajectory(db, req.actor, req.params.id),
  );
  app.post('/monitoring/warnings/run', { schema: { tags: ['monitoring'], body: CycleBody } }, async (req) =>
    runWarnings(db, req.actor, req.body.cycleId),
  );
  app.get(
    '/monitoring/warnings',
    { schema: { tags: ['monitoring'], querystring: CycleQuery } },
    async (req) => ({
      items: await listWarnings(db, req.actor, req.query.cycleId),
    }),
  );

  // Reporting discipline: who is overdue; reminders and escalations, sent once each.
  app.get(
    '/monitoring/overdue',
    { schema: { tags: ['monitoring'], querystring: OverdueQuery } },
    async (req) => listOverdue(db, req.actor, req.query.cycleId, req.query.asOf),
  );
  app.post(
    '/monitoring/reminders/run',
    { schema: { tags: ['monitoring'], body: RemindersBody } },
    async (req) => runReminders(db, req.actor, req.body.cycleId, req.body.asOf),
  );

  // Correction tasks.
  app.post(
    '/monitoring/warnings/:id/tasks',
    { schema: { tags: ['monitoring'], params: IdParams, body: TaskBody } },
    async (req, reply) => {
      reply.code(201);
      return { task: await createTask(db, req.actor, req.params.id, req.body) };
    },
  );
  app.get(
    '/monitoring/tasks',
    { schema: { tags: ['monitoring'], querystring: TasksQuery } },
    async (req) => ({
      items: await listTasks(db, req.actor, req.query),
    }),
  );
  app.post(
    '/monitoring/tasks/:id/status',
    { schema: { tags: ['monitoring'], params: IdParams, body: TaskStatusBody } },
    async (req) => ({ task: await updateTask(db, req.actor, req.params.id, req.body) }),
  );

  // In-platform notifications of the current user.
  app.get(
    '/notifications',
    { schema: { tags: ['notifications'], querystring: NotificationsQuery } },
    async (req) =>
      listNotifications(db, req.actor, { unread: req.query.unread === 'true', limit: req.query.limit }),
  );
  app.post('/notifications/read-all', { schema: { tags: ['notifications'] } }, async (req) =>
    markAllRead(db, req.actor),
  );
  app.post(
    '/notifications/:id/read',
    { schema: { tags: ['notifications'], params: IdParams } },
    async (req) => ({
      notification: await markRead(db, req.actor, req.params.id),
    }),
  );

  // Target responsibility agreements: sign-offs and mid-cycle revisions of approved plans.
  app.get('/plans/:id/signoffs', { schema: { tags: ['agreements'], params: IdParams } }, async (req) => ({
    items: await listSignoffs(db, req.actor, req.params.id),
  }));
  app.post(
    '/plans/:id/signoffs',
    { schema: { tags: ['agreements'], params: IdParams, body: SignoffBody } },
    async (req, reply) => {
      reply.code(201);
      return { signoff: await signPlan(db, req.actor, req.params.id, req.body.side) };
    },
  );
  app.get('/plans/:id/revisions', { schema: { tags: ['agreements'], params: IdParams } }, async (req) => ({
    items: await listRevisions(db, req.actor, req.params.id),
  }));
  app.post(
    '/plans/:id/revisions',
    { schema: { tags: ['agreements'], params: IdParams, body: RevisionBody } },
    async (req, reply) => {
      reply.code(201);
      return { revision: await requestRevision(db, req.actor, req.params.id, req.body) };
    },
  );
  app.post(
    '/revisions/:id/decide',
    { schema: { tags: ['agreements'], params: IdParams, body: DecideBody } },
    async (req) => decideRevision(db, req.actor, req.params.id, req.body),
  );
  app.get(
    '/monitoring/revisions',
    { schema: { tags: ['agreements'], querystring: RevisionsQuery } },
    async (req) => ({
      items: await cycleRevisions(db, req.actor, req.query.cycleId, req.query.status),
    }),
  );
};

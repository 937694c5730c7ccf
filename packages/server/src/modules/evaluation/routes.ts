import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { SubjectTypeSchema } from '@perfcommons/contracts';
import { requireActor } from '../../lib/actor';
import { CycleRulesSchema } from './rules';
import {
  assignTasks,
  createThirdParty,
  getRules,
  listPanels,
  raterQuality,
  regulations,
  updateRules,
} from './service';

const IdParams = z.object({ id: z.uuid() });

export const GradeSchemeSchema = z.object({
  /** Grade bands, highest first: a total earns the first band whose min it reaches. */
  bands: z
    .array(z.object({ grade: z.string().min(1).max(40), min: z.number().finite() }))
    .min(1)
    .max(10),
  /** Quota caps per grade within a peer group (e.g. excellent ≤ 0.2). */
  quotas: z
    .array(
      z.object({
        grade: z.string().min(1).max(40),
        maxShare: z.number().min(0).max(1),
        atLeastOne: z.boolean().optional(),
      }),
    )
    .max(10)
    .optional(),
  /** How ties at a quota boundary are resolved. */
  tieBreak: z.enum(['weightedScoreThenCode', 'shareQuota']),
});

export const UpdateRulesBody = z.object({
  /** Scoring, combination, appeal and consequence rules. */
  rules: CycleRulesSchema,
  /** Grade bands and quotas; null resets to the default scheme. */
  gradeScheme: GradeSchemeSchema.nullable().optional(),
  /** What changed and why. */
  note: z.string().max(2000).optional(),
});

export const AssignTasksBody = z.object({
  /** Plans (appraisees) of the cycle that the panel rates. */
  planIds: z.array(z.uuid()).min(1).max(5000),
  /** Evaluation subject the raters act as. */
  subjectType: SubjectTypeSchema.exclude(['data', 'self']),
  /** Users who rate. */
  raterIds: z.array(z.uuid()).min(1).max(500),
});

export const ThirdPartyBody = z.object({
  /** Login name of the organisation's account. */
  username: z
    .string()
    .trim()
    .min(3)
    .max(60)
    .regex(/^[a-zA-Z0-9._-]+$/, 'letters, digits, . _ - only'),
  /** Organisation name. */
  displayName: z.string().trim().min(1).max(200),
  displayNameEn: z.string().trim().max(200).optional(),
});

export const evaluationRoutes: FastifyPluginAsyncZod = async (app) => {
  const db = app.database.db;
  app.get('/cycles/:id/rules', { schema: { tags: ['evaluation'], params: IdParams } }, async (req) => {
    requireActor(req.actor);
    return getRules(db, req.params.id);
  });
  app.put(
    '/cycles/:id/rules',
    { schema: { tags: ['evaluation'], params: IdParams, body: UpdateRulesBody } },
    async (req) => ({
      version: await updateRules(db, req.actor, req.params.id, req.body),
    }),
  );
  app.get('/public/cycles/:id/regulations', { schema: { tags: ['public'], params: IdParams } }, async (req) =>
    regulations(db, req.params.id),
  );
  app.post(
    '/cycles/:id/tasks',
    { schema: { tags: ['evaluation'], params: IdParams, body: AssignTasksBody } },
    async (req) => assignTasks(db, req.actor, { cycleId: req.params.id, ...req.body }),
  );
  app.get('/cycles/:id/panels', { schema: { tags: ['evaluation'], params: IdParams } }, async (req) => ({
    items: await listPanels(db, req.actor, req.params.id),
  }));
  app.get('/cycles/:id/rater-quality', { schema: { tags: ['evaluation'], params: IdParams } }, async (req) =>
    raterQuality(db, req.actor, req.params.id),
  );
  app.post(
    '/evaluation/third-parties',
    { schema: { tags: ['evaluation'], body: ThirdPartyBody } },
    async (req, reply) => {
      reply.code(201);
      return createThirdParty(db, req.actor, req.body);
    },
  );
};

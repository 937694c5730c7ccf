import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Fastify, { LogController, type FastifyInstance } from 'fastify';
import cookie from '@fastify/cookie';
import rateLimit from '@fastify/rate-limit';
import multipart from '@fastify/multipart';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import fastifyStatic from '@fastify/static';
import {
  hasZodFastifySchemaValidationErrors,
  jsonSchemaTransform,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import type { Redis } from 'ioredis';
import type { Database } from './db/client';
import { loadEnv } from './env';
import { metricsPlugin } from './lib/metrics';
import { securityHeaders } from './lib/security-headers';
import { opsRoutes } from './modules/ops/routes';
import { AppError } from './lib/errors';
import { responseSerializer } from './lib/serializer';
import { uploadLimitPlugin } from './lib/uploads';
import { isPortalPath } from './lib/portal-paths';
import { authPlugin } from './modules/auth/plugin';
import { authRoutes } from './modules/auth/routes';
import { healthRoutes } from './modules/health/routes';
import { orgRoutes } from './modules/orgs/routes';
import { cycleRoutes } from './modules/cycles/routes';
import { planRoutes } from './modules/plans/routes';
import { valueRoutes } from './modules/values/routes';
import { ratingRoutes } from './modules/ratings/routes';
import { resultRoutes } from './modules/results/routes';
import { auditRoutes } from './modules/audit/routes';
import { publicRoutes } from './modules/public/routes';
import { participationRoutes } from './modules/participation/routes';
import { surveyRoutes } from './modules/surveys/routes';
import { monitoringRoutes } from './modules/monitoring/routes';
import { evaluationRoutes } from './modules/evaluation/routes';
import { appealRoutes } from './modules/appeals/routes';
import { trainingRoutes } from './modules/training/routes';
import { calibrationRoutes } from './modules/calibration/routes';
import { linkageSettingsRoutes } from './modules/linkage/settings-routes';
import { userRoutes } from './modules/users/routes';
import { onboardingRoutes } from './modules/onboarding/routes';
import { todoRoutes } from './modules/todo/routes';
import { indicatorRoutes } from './modules/indicators/routes';
import { linkageRoutes } from './modules/linkage/routes';
import { sealLegacyContacts } from './modules/users/service';
import { dutiesEnforced, dutyConflicts } from './lib/duties';
import { jobRoutes } from './modules/jobs/routes';
import { notificationSettingsRoutes } from './modules/notifications/routes';
import { startJobs, type JobQueue, type JobsOptions } from './modules/jobs/queue';
import { jobDefinitions, jobsOptionsFromEnv } from './modules/jobs/kinds';

export interface AppOptions {
  database: Database;
  /** Built web app to serve at `/` (console at `/console/`); skipped when absent. */
  webDist?: string;
  cookieSecure?: boolean;
  logger?: boolean;
  /** Level of the logger (`info`); request lines are logged only at `debug` and `trace`. */
  logLevel?: string;
  /**
   * Redis shared by the server processes (rate-limit counters under `prefix`); without it each
   * process counts alone.
   */
  redis?: { client: Redis; prefix: string };
  /** Durable jobs (pg-boss): expiry, polling; defaults from the environment. */
  jobs?: JobsOptions;
  /**
   * Reverse proxies (addresses, CIDR ranges) whose `X-Forwarded-For` names the client, i.e. `req.ip`,
   * which rate limits, login lockouts, sessions and audit entries key on; default from TRUST_PROXY
   * (`env.ts`), unset: none (the socket's address).
   */
  trustProxy?: false | string[];
}

declare module 'fastify' {
  interface FastifyInstance {
    database: Database;
    /** Durable jobs: enqueue, wait, queue depth (modules/jobs). */
    jobs: JobQueue;
  }
}

export const DEFAULT_WEB_DIST = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../web/dist');

/** Builds the app: external plugins, then app plugins (auth), then feature modules, in a fixed order. */
export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger: options.logger ? { level: options.logLevel ?? 'info' } : false,
    // One line per request buries what matters; LOG_LEVEL=debug brings them back.
    logController: new LogController({
      disableRequestLogging: !['debug', 'trace'].includes(options.logLevel ?? 'info'),
    }),
    bodyLimit: 5 * 1024 * 1024,
    // Long path parameters reach validation and get a 400 naming the field, not a bare 414.
    routerOptions: { maxParamLength: 2000 },
    // Behind a reverse proxy every request comes from the proxy: without trusting it, one client's
    // failures would throttle or lock out everyone. Only the listed proxies are believed.
    trustProxy: options.trustProxy ?? loadEnv().TRUST_PROXY,
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  // Response schemas document and (under tests) check the answer; they never strip fields from it.
  app.setSerializerCompiler(responseSerializer);
  app.decorate('database', options.database);
  // Personal data at rest (PIPL): contacts written before field encryption are encrypted now.
  await sealLegacyContacts(options.database.db);
  // Separation of duties (三员分立): in production no account should hold two of the three duty roles.
  if (dutiesEnforced())
    for (const c of await dutyConflicts(options.database.db))
      app.log.warn(`separation of duties: account ${c.username} holds ${c.roles.join(' and ')}`);
  app.setErrorHandler(errorHandler);
  // Jobs are worked by every process on the same database. From the start of a shutdown the process
  // takes no more jobs (left queued for the others) while requests drain; then it waits for the
  // running ones.
  const jobs = await startJobs(options.database, {
    definitions: jobDefinitions(),
    ...jobsOptionsFromEnv(),
    ...options.jobs,
    log: app.log,
  });
  app.decorate('jobs', jobs);
  app.addHook('preClose', async () => void (await jobs.pause()));
  app.addHook('onClose', () => jobs.stop());
  app.setNotFoundHandler((req, reply) => {
    reply.code(404).send({ error: 'not_found', message: `No route ${req.method} ${req.url}`, details: [] });
  });

  // Request durations of every route (first, so its hooks time the others), `/metrics`, health probes.
  await app.register(metricsPlugin);
  await app.register(opsRoutes);
  await app.register(securityHeaders, {
    // HSTS only where the site is served over HTTPS (secure cookies): over plain HTTP it would be a lie
    // and, behind a proxy that later adds TLS, pin browsers to a state nobody chose.
    strictTransportSecurity: options.cookieSecure ? { maxAge: 31_536_000, includeSubDomains: true } : false,
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:', 'blob:'],
        connectSrc: ["'self'"],
        upgradeInsecureRequests: null,
      },
    },
  });
  await app.register(cookie);
  // With Redis the counters are shared by every server process; a Redis outage lets requests through
  // (logged), the database's login lockouts still holding.
  await app.register(rateLimit, {
    global: false,
    ...(options.redis
      ? { redis: options.redis.client, nameSpace: `${options.redis.prefix}rl:`, skipOnError: true }
      : {}),
  });
  await app.register(multipart, { limits: { fileSize: 5 * 1024 * 1024, files: 1 } });
  await app.register(swagger, {
    openapi: { info: { title: 'PerfCommons API', version: '0.1.0' } },
    transform: jsonSchemaTransform,
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });

  await app.register(authPlugin, { cookieSecure: options.cookieSecure ?? false });
  await app.register(uploadLimitPlugin, { redis: options.redis });

  await app.register(
    async (api) => {
      await api.register(healthRoutes);
      await api.register(authRoutes, { cookieSecure: options.cookieSecure ?? false });
      await api.register(orgRoutes);
      await api.register(cycleRoutes);
      await api.register(planRoutes);
      await api.register(valueRoutes);
      await api.register(ratingRoutes);
      await api.register(resultRoutes);
      await api.register(auditRoutes);
      await api.register(publicRoutes);
      await api.register(participationRoutes, { cookieSecure: options.cookieSecure ?? false });
      await api.register(surveyRoutes);
      await api.register(monitoringRoutes);
      await api.register(evaluationRoutes);
      await api.register(appealRoutes);
      await api.register(trainingRoutes);
      await api.register(calibrationRoutes);
      await api.register(linkageSettingsRoutes);
      await api.register(userRoutes);
      await api.register(onboardingRoutes);
      await api.register(todoRoutes);
      await api.register(indicatorRoutes);
      await api.register(linkageRoutes);
      await api.register(jobRoutes);
      await api.register(notificationSettingsRoutes);
    },
    { prefix: '/api' },
  );

  if (options.webDist && existsSync(path.join(options.webDist, 'index.html'))) {
    await registerWeb(app, options.webDist);
  }
  return app;
}

async function registerWeb(app: FastifyInstance, root: string) {
  // The web build writes .br/.gz beside each asset (vite.config.ts): sent to browsers that accept them.
  await app.register(fastifyStatic, { root, wildcard: false, index: false, preCompressed: true });
  const hasConsole = existsSync(path.join(root, 'console.html'));
  const hasSurvey = existsSync(path.join(root, 'survey.html'));
  app.get('/*', (req, reply) => {
    const url = req.url.split('?')[0];
    if (url.startsWith('/api/')) {
      return reply
        .code(404)
        .send({ error: 'not_found', message: `No route ${req.method} ${url}`, details: [] });
    }
    const file = path.normalize(decodeURIComponent(url)).replace(/^(\.\.[/\\])+/, '');
    if (file !== '/' && existsSync(path.join(root, file)) && !file.endsWith('/')) return reply.sendFile(file);
    if (hasConsole && (url === '/console' || url.startsWith('/console/')))
      return reply.sendFile('console.html');
    if (hasSurvey && (url === '/s' || url.startsWith('/s/'))) return reply.sendFile('survey.html');
    // An address the portal has no page for: its 404 page, with the status that says so.
    return reply.code(isPortalPath(url) ? 200 : 404).sendFile('index.html');
  });
}

function errorHandler(
  this: FastifyInstance,
  err: unknown,
  req: Parameters<Parameters<FastifyInstance['setErrorHandler']>[0]>[1],
  reply: Parameters<Parameters<FastifyInstance['setErrorHandler']>[0]>[2],
) {
  if (err instanceof AppError) {
    return reply.code(err.statusCode).send({ error: err.error, message: err.message, details: err.details });
  }
  if (hasZodFastifySchemaValidationErrors(err)) {
    const details = err.validation.map((v) => {
      const p = v.instancePath.replace(/^\//, '').split('/').filter(Boolean).join('.');
      return { path: p || String(err.validationContext ?? 'body'), message: v.message ?? 'invalid' };
    });
    return reply.code(400).send({
      error: 'validation_error',
      message: `Invalid ${err.validationContext ?? 'request'}: ${details.map((d) => d.path).join(', ')}`,
      details,
    });
  }
  const e = err as { statusCode?: number; code?: string; message?: string };
  if (e.statusCode && e.statusCode >= 400 && e.statusCode < 500) {
    const error = e.statusCode === 429 ? 'rate_limited' : (e.code ?? 'bad_request').toLowerCase();
    return reply.code(e.statusCode).send({
      error,
      message: e.message ?? 'Bad request',
      details: [{ path: 'body', message: e.message ?? '' }],
    });
  }
  req.log.error(err);
  return reply.code(500).send({ error: 'internal', message: 'Internal error', details: [] });
}

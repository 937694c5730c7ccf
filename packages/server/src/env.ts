import { isIP } from 'node:net';
import { z } from 'zod';

/** Names of address ranges that Fastify's `trustProxy` (`@fastify/proxy-addr`) understands. */
const PROXY_RANGE_NAMES = ['loopback', 'linklocal', 'uniquelocal'];

/** Why one entry of TRUST_PROXY is not an address, a CIDR range or a range name; null when it is. */
function proxyEntryProblem(entry: string): string | null {
  if (PROXY_RANGE_NAMES.includes(entry)) return null;
  const [address, prefix, ...rest] = entry.split('/');
  const family = isIP(address);
  if (!family || rest.length > 0) return `"${entry}" is not an IP address or CIDR range`;
  if (prefix === undefined) return null;
  const bits = family === 4 ? 32 : 128;
  // proxy-addr refuses /0 (every address a proxy, i.e. `true`).
  return /^\d{1,3}$/.test(prefix) && Number(prefix) >= 1 && Number(prefix) <= bits
    ? null
    : `"${entry}": the prefix length must be 1 to ${bits}`;
}

/**
 * TRUST_PROXY: the reverse proxies whose `X-Forwarded-For` is believed (Fastify's `trustProxy`). Unset or
 * `false`: none, the client address is the socket's. Otherwise a comma-separated list of the proxies'
 * addresses or CIDR ranges (`127.0.0.1`, `10.0.0.0/8`, `loopback`, `uniquelocal`): a request from one
 * of them is attributed to the address it forwards for. `true` (every peer is a proxy) and hop counts
 * are refused: either lets a client choose its own address (see SECURITY.md).
 */
const TrustProxy = z
  .string()
  .default('false')
  .transform((v, ctx): false | string[] => {
    const value = v.trim();
    if (value === 'false') return false;
    if (value === 'true') {
      ctx.addIssue({
        code: 'custom',
        message:
          'true would believe any X-Forwarded-For a client sends (a made-up address evades every per-address ' +
          "limit); give the proxies' addresses instead, e.g. TRUST_PROXY=127.0.0.1 for a proxy on this host",
      });
      return z.NEVER;
    }
    if (/^\d+$/.test(value)) {
      ctx.addIssue({
        code: 'custom',
        message:
          'hop counts are not supported (Fastify 5 ignores them: they cannot tell a proxy from a client ' +
          "that forges the header); give the proxies' addresses, e.g. TRUST_PROXY=127.0.0.1",
      });
      return z.NEVER;
    }
    const entries = value.split(',').map((e) => e.trim());
    const problems = entries.map((e) => (e === '' ? 'empty entry' : proxyEntryProblem(e))).filter(Boolean);
    if (problems.length > 0) {
      ctx.addIssue({
        code: 'custom',
        message: `${problems.join('; ')} (expected false or a comma-separated list of proxy addresses / CIDR ranges)`,
      });
      return z.NEVER;
    }
    return entries;
  });

/** Environment of the server, parsed once at boot; a bad value stops the start with a clear message. */
const EnvSchema = z.object({
  /** TCP port of the HTTP server. */
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  /** Level of the server log; `debug` or `trace` adds one line per request. */
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Host to listen on. */
  HOST: z.string().default('0.0.0.0'),
  /** Directory of the embedded PGlite database (used when DATABASE_URL is unset). */
  DATA_DIR: z.string().default('./data'),
  /** PostgreSQL connection string; when set, the server uses PostgreSQL instead of PGlite. */
  DATABASE_URL: z.string().url().optional(),
  /** Reverse proxies whose X-Forwarded-For names the client (rate limits, lockouts, audit); unset: none. */
  TRUST_PROXY: TrustProxy,
  /** Send cookies with the Secure flag (behind HTTPS). */
  COOKIE_SECURE: z
    .enum(['true', 'false'])
    .default('false')
    .transform((v) => v === 'true'),
  /** Minutes between monitoring sweeps (reminders, early warnings, correction tasks) of `start`; 0 disables. */
  MONITORING_SWEEP_MINUTES: z.coerce.number().min(0).max(10_080).default(60),
  /** Redis shared by several server processes (rate-limit counters); unset: each process counts in memory. */
  REDIS_URL: z.string().url().optional(),
  /** Prefix of this deployment's keys in Redis (several deployments may share one). */
  REDIS_PREFIX: z.string().default('perfcommons:'),
  /** Seconds a SIGTERM waits for in-flight requests (and running jobs) before the process exits anyway. */
  SHUTDOWN_GRACE_SECONDS: z.coerce.number().min(0).max(3600).default(25),
  /** Seconds a running job may take before it counts as dead (its process killed) and is retried. */
  JOB_EXPIRE_SECONDS: z.coerce.number().int().min(1).max(86_400).default(900),
  /** Seconds between the job supervisor's passes (expiring jobs of dead processes). */
  JOB_MAINTENANCE_SECONDS: z.coerce.number().int().min(1).max(3600).default(60),
  /** Seconds between a job worker's polls (a job queued by this process is started at once). */
  JOB_POLL_SECONDS: z.coerce.number().min(0.5).max(600).default(2),
  /** Seconds before a failed job's first retry (doubled after each); unset: each kind's own delay. */
  JOB_RETRY_DELAY_SECONDS: z.coerce.number().int().min(0).max(3600).optional(),
  /** SMTP server of outgoing e-mail (`smtp://user:pass@host:587`, `smtps://…`); unset: no e-mail is sent. */
  SMTP_URL: z.string().url().optional(),
  /** Sender of notification e-mails. */
  MAIL_FROM: z.string().default('PerfCommons <no-reply@localhost>'),
  /** SMS gateway: JSON `{to, text, idempotencyKey}` is POSTed here; unset: no SMS is sent. */
  SMS_HTTP_URL: z.string().url().optional(),
  /** Bearer token sent to the SMS gateway. */
  SMS_HTTP_TOKEN: z.string().optional(),
  /** Seconds between passes of the outbox sender (a new message also triggers one). */
  NOTIFY_INTERVAL_SECONDS: z.coerce.number().min(1).max(3600).default(30),
  /** Directory of the built web app served at `/`. */
  WEB_DIST: z.string().optional(),
  /** `production`: never load the demo city, refuse to start while any account has the demo password. */
  NODE_ENV: z.string().default('development'),
});

export type Env = z.infer<typeof EnvSchema>;

export function loadEnv(source: NodeJS.ProcessEnv = process.env): Env {
  const parsed = EnvSchema.safeParse(Object.fromEntries(Object.entries(source).filter(([, v]) => v !== '')));
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`Invalid environment:\n${lines.join('\n')}`);
  }
  return parsed.data;
}

/** Production mode: no demo city, no demo passwords (`NODE_ENV=production`). */
export const isProduction = (env: Pick<Env, 'NODE_ENV'>) => env.NODE_ENV === 'production';

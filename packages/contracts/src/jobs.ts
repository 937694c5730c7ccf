import { z } from 'zod';
import { LINKAGE_SOURCES } from '@perfcommons/domain';
import { ErrorDetail, IsoDate, itemsOf, Timestamp } from './common';
import { EXPORT_FORMATS, FRAME_MODES } from './enums-surveys';
import { IMPORT_KINDS } from './enums-onboarding';
import { fileReply } from './files';
import { LinkageImportReply } from './linkage';
import { ImportCommitReply } from './onboarding';
import { FrameReply } from './survey-views';
import { InsertedReply } from './values';

/** queued → active → completed; a failed attempt → retry (then active again) or failed. */
export const JOB_STATES = ['queued', 'active', 'retry', 'completed', 'failed'] as const;
export const JobState = z.enum(JOB_STATES);

/** Why the latest attempt failed: the error answer it would have given, with its HTTP status. */
export const JobError = z.object({
  error: z.string(),
  message: z.string(),
  status: z.number().int(),
  details: z.array(ErrorDetail).optional(),
});
export type JobError = z.infer<typeof JobError>;

/** A file a job made for its creator (an export), named in its result as `file`. */
export const JobFile = z.object({
  filename: z.string(),
  /** Media type, sent as content-type. */
  type: z.string(),
  bytes: z.number().int(),
  /** SHA-256 (hex), sent as `x-content-sha256`. */
  sha256: z.string(),
  /**
   * Stored encrypted with the personal-data key (a file of personal data), decrypted only into its
   * creator's download; size and digest are the plain file's.
   */
  encrypted: z.boolean().optional(),
});
export type JobFile = z.infer<typeof JobFile>;

/** An uploaded file a job imports (its chunks are in `job_files` until the job ends). */
const Upload = { filename: z.string(), bytes: z.number().int() };
/** A run of a periodic job: the period (counted from the epoch) it was queued for. */
const Period = { period: z.number().int().optional(), periodSeconds: z.number().int().optional() };
const CycleInput = z.object({ cycleId: z.uuid() });
const Digest = z.object({ sha256: z.string(), bytes: z.number().int() });

/** A monitoring sweep's steps in one cycle: how many it sent or opened, and the steps that failed. */
export const CycleSweep = z.object({
  cycleId: z.uuid(),
  code: z.string(),
  reminders: z.number().int().optional(),
  escalations: z.number().int().optional(),
  warnings: z.number().int().optional(),
  tasks: z.number().int().optional(),
  notified: z.number().int(),
  /** Steps that failed, with their error; the other steps and cycles still ran. */
  errors: z.array(z.object({ step: z.string(), message: z.string() })),
});
export type CycleSweep = z.infer<typeof CycleSweep>;
export const SweepReport = z.object({
  /** The day swept (UTC). */
  asOf: IsoDate,
  cycles: z.array(CycleSweep),
});
export type SweepReport = z.infer<typeof SweepReport>;

/** The kinds of durable job the platform runs. */
export const JOB_KINDS = [
  'results.compute',
  'notifications.send',
  'surveys.frame-import',
  'opendata.bundle',
  'values.import',
  'onboarding.import',
  'monitoring.sweep',
  'surveys.export',
  'linkage.import',
  'participation.personal-data',
] as const;
export type JobKind = (typeof JOB_KINDS)[number];

/**
 * What each kind of job takes (`input`, stored with its row) and makes (`result`, once completed).
 * The server's job definitions are typed by it (`JobDefinition<kind>`), the web reads a job's result
 * through it.
 */
export const JOB_KIND_SCHEMAS = {
  /** A full compute of a cycle's results. */
  'results.compute': {
    input: CycleInput,
    result: z.object({
      count: z.number().int(),
      rescored: z.number().int(),
      rewritten: z.number().int(),
      unchanged: z.number().int(),
      removed: z.number().int(),
    }),
  },
  /** The notification outbox sent (a system job: no row in `jobs`). */
  'notifications.send': {
    input: z.object(Period),
    result: z.object({
      sent: z.number().int(),
      failed: z.number().int(),
      retried: z.number().int(),
      skipped: z.number().int(),
    }),
  },
  /** A sampling frame (CSV or XLSX) imported into a survey. */
  'surveys.frame-import': {
    input: z.object({
      surveyId: z.uuid(),
      mode: z.enum(FRAME_MODES).optional(),
      /** Bytes of the uploaded file. */
      bytes: z.number().int(),
      /** The upload's name (`.xlsx` or `.csv`); jobs queued before it was recorded had a CSV. */
      filename: z.string().optional(),
    }),
    result: FrameReply,
  },
  /** A cycle's open data bundle and its results files: their digests. */
  'opendata.bundle': {
    input: CycleInput,
    result: Digest.extend({ files: z.record(z.string(), Digest) }),
  },
  /** A values file imported into a plan. */
  'values.import': { input: z.object({ planId: z.uuid(), ...Upload }), result: InsertedReply },
  /** An org file (units or cadres) committed. */
  'onboarding.import': {
    input: z.object({ kind: z.enum(IMPORT_KINDS), ...Upload }),
    result: ImportCommitReply,
  },
  /** One monitoring sweep, as of the moment it was queued for. */
  'monitoring.sweep': { input: z.object({ at: Timestamp, ...Period }), result: SweepReport },
  /** A survey's answers exported to a file its creator downloads. */
  'surveys.export': {
    input: z.object({ surveyId: z.uuid(), format: z.enum(EXPORT_FORMATS) }),
    result: z.object({
      /** Answers exported (data rows of the file). */
      rows: z.number().int(),
      /** The file, downloaded at `GET /api/jobs/:id/file`. */
      file: JobFile,
    }),
  },
  /** A 12345 / 好差评 file committed. */
  'linkage.import': {
    input: z.object({ source: z.enum(LINKAGE_SOURCES), ...Upload }),
    result: LinkageImportReply,
  },
  /** The signed-in account's own data (PIPL) as a JSON file only that account downloads. */
  'participation.personal-data': {
    input: z.object({
      /** Where the download was asked from (recorded in its `user.data_download` audit entry). */
      ip: z.string().nullable(),
    }),
    result: z.object({
      /** The file (`PersonalDataReply` as JSON), downloaded at `GET /api/jobs/:id/file`. */
      file: JobFile,
    }),
  },
} satisfies Record<JobKind, { input: z.ZodType; result: z.ZodType }>;

type KindSchemas = typeof JOB_KIND_SCHEMAS;
/** The input of a job of kind K (all kinds' inputs without K). */
export type JobInput<K extends JobKind = JobKind> = z.infer<KindSchemas[K]['input']>;
/** The result of a completed job of kind K (all kinds' results without K). */
export type JobResult<K extends JobKind = JobKind> = z.infer<KindSchemas[K]['result']>;

const jobOf = <K extends JobKind, I extends z.ZodType, R extends z.ZodType>(
  kind: K,
  { input, result }: { input: I; result: R },
) =>
  z.object({
    id: z.uuid(),
    kind: z.literal(kind),
    state: JobState,
    /** 0–100. */
    progress: z.number().int().min(0).max(100),
    /** What it is doing now (a step name such as `scoring`). */
    message: z.string().nullable(),
    /** Attempts begun so far, and the most it gets. */
    attempts: z.number().int(),
    maxAttempts: z.number().int(),
    lastError: JobError.nullable(),
    /** Input of the job (e.g. `{cycleId}`). */
    input,
    /** What the job produced, once completed. */
    result: result.nullable(),
    createdBy: z.uuid().nullable(),
    createdAt: Timestamp,
    startedAt: Timestamp.nullable(),
    finishedAt: Timestamp.nullable(),
    updatedAt: Timestamp,
  });

/**
 * A durable job (compute, import, export, sweep) as its creator and the office see it; `kind` tells
 * its input and result apart.
 */
export const Job = z.discriminatedUnion('kind', [
  jobOf('results.compute', JOB_KIND_SCHEMAS['results.compute']),
  jobOf('notifications.send', JOB_KIND_SCHEMAS['notifications.send']),
  jobOf('surveys.frame-import', JOB_KIND_SCHEMAS['surveys.frame-import']),
  jobOf('opendata.bundle', JOB_KIND_SCHEMAS['opendata.bundle']),
  jobOf('values.import', JOB_KIND_SCHEMAS['values.import']),
  jobOf('onboarding.import', JOB_KIND_SCHEMAS['onboarding.import']),
  jobOf('monitoring.sweep', JOB_KIND_SCHEMAS['monitoring.sweep']),
  jobOf('surveys.export', JOB_KIND_SCHEMAS['surveys.export']),
  jobOf('linkage.import', JOB_KIND_SCHEMAS['linkage.import']),
  jobOf('participation.personal-data', JOB_KIND_SCHEMAS['participation.personal-data']),
]);
export type Job = z.infer<typeof Job>;
/** A job of kind K. */
export type JobOf<K extends JobKind> = Extract<Job, { kind: K }>;

export const JobList = itemsOf(Job);

export const JobsQuery = z.object({
  /** Only jobs of this kind. */
  kind: z.enum(JOB_KINDS).optional(),
  /** At most this many, newest first. */
  limit: z.coerce.number().int().min(1).max(100).default(20),
});

/** 202: the work was queued as a job; follow it at `GET /api/jobs/:id`. */
export const JobAccepted = z.object({ jobId: z.uuid() });
export type JobAccepted = z.infer<typeof JobAccepted>;

/** The file a completed job made, for its creator only, while it is kept (24 hours). */
export const JobFileReply = fileReply('application/octet-stream', 'The file the job made (an export)');

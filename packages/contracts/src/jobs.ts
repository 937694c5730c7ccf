import { z } from 'zod';
import { ErrorDetail, itemsOf, Json, Timestamp } from './common';
import { fileReply } from './files';

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

/** A durable job (compute, export, sweep, sending) as its creator and the office see it. */
export const Job = z.object({
  id: z.uuid(),
  /** results.compute, notifications.send, … */
  kind: z.string(),
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
  input: Json,
  /** What the job produced, once completed. */
  result: Json,
  createdBy: z.uuid().nullable(),
  createdAt: Timestamp,
  startedAt: Timestamp.nullable(),
  finishedAt: Timestamp.nullable(),
  updatedAt: Timestamp,
});
export type Job = z.infer<typeof Job>;

export const JobList = itemsOf(Job);

export const JobsQuery = z.object({
  /** Only jobs of this kind. */
  kind: z.string().max(60).optional(),
  /** At most this many, newest first. */
  limit: z.coerce.number().int().min(1).max(100).default(20),
});

/** 202: the work was queued as a job; follow it at `GET /api/jobs/:id`. */
export const JobAccepted = z.object({ jobId: z.uuid() });
export type JobAccepted = z.infer<typeof JobAccepted>;

/** A file a job made for its creator (an export), named in its result as `file`. */
export const JobFile = z.object({
  filename: z.string(),
  /** Media type, sent as content-type. */
  type: z.string(),
  bytes: z.number().int(),
  /** SHA-256 (hex), sent as `x-content-sha256`. */
  sha256: z.string(),
});
export type JobFile = z.infer<typeof JobFile>;

/** The file a completed job made, for its creator only, while it is kept (24 hours). */
export const JobFileReply = fileReply('application/octet-stream', 'The file the job made (an export)');

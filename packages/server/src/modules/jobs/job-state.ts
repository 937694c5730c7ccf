import type { JobError } from '@perfcommons/contracts';
import type { jobs } from '../../db/schema';
import { AppError } from '../../lib/errors';

export type JobRow = typeof jobs.$inferSelect;
export const TERMINAL = ['completed', 'failed'];

/** The error as stored with the job and answered by a waiting request. */
export function errorOf(err: unknown): JobError {
  if (err instanceof AppError)
    return { error: err.error, message: err.message, status: err.statusCode, details: err.details };
  // The database's own words, not Drizzle's wrapper (which quotes the query and its parameters).
  let e = err as { message?: string; cause?: unknown } | undefined;
  while (e && e.cause instanceof Error) e = e.cause;
  const message = e?.message ?? String(err);
  return { error: 'internal', message, status: 500, details: [] };
}

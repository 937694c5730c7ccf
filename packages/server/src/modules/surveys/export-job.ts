import type { EXPORT_FORMATS, JobFile } from '@perfcommons/contracts';
import type { Db } from '../../db/client';
import type { Actor } from '../../lib/actor';
import { deleteExpiredOutputs, storeOutput } from '../jobs/files';
import { defineJob } from '../jobs/define';
import type { JobQueue } from '../jobs/queue';
import { exportableSurvey, exportAnswers } from './analysis';

type ExportFormat = (typeof EXPORT_FORMATS)[number];

export interface SurveyExportInput {
  surveyId: string;
  format: ExportFormat;
}

export interface ExportResult {
  /** Answers exported (data rows of the file). */
  rows: number;
  /** The file, downloaded by the job's creator at `GET /api/jobs/:id/file`. */
  file: JobFile;
}

/**
 * A survey's answers exported as a durable job: the file is written by the shared CSV/XLSX writer
 * (lib/export.ts, formulas escaped) and stored in `job_outputs` in the same transaction as its
 * `survey.export` audit entry, so an export is either audited and downloadable or neither. Its
 * creator downloads it for 24 hours (jobs/files.ts `OUTPUT_KEEP_HOURS`); files of older jobs are deleted here.
 */
export const surveyExportJob = defineJob<SurveyExportInput, ExportResult>('surveys.export', async (ctx) => {
  await deleteExpiredOutputs(ctx.db);
  ctx.progress(5, 'reading');
  const { surveyId, format } = ctx.input;
  return ctx.db.transaction(async (tx) => {
    const out = await exportAnswers(tx, ctx.actor, surveyId, format);
    ctx.progress(80, 'storing');
    const stored = await storeOutput(tx, ctx.id, out.body);
    ctx.progress(95, 'storing');
    return { rows: out.rows, file: { filename: `survey-answers.${out.ext}`, type: out.type, ...stored } };
  });
});

/**
 * Queues the export of a survey's answers; answers the job id. Who may export and whether the survey
 * has answers are checked first (a refusal answers at once, nothing queued).
 */
export async function queueSurveyExport(
  db: Db,
  queue: JobQueue,
  actor: Actor | null,
  surveyId: string,
  format: ExportFormat,
) {
  await exportableSurvey(db, actor, surveyId);
  const job = await queue.enqueue(surveyExportJob.kind, actor, { surveyId, format });
  return job.id;
}

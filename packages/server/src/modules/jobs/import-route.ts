import type { MultipartFile } from '@fastify/multipart';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { badRequest } from '../../lib/errors';
import type { JobQueue } from './queue';

/** The files an import takes. */
const SHEET_FILES = /\.(xlsx|csv)$/i;

/**
 * The one file of a multipart request, as a stream: an `.xlsx` or `.csv` of at most `maxBytes`
 * (@fastify/multipart cuts it there and marks it truncated; storing it then answers 413).
 */
export async function uploadedSheet(req: FastifyRequest, maxBytes: number): Promise<MultipartFile> {
  if (!req.isMultipart())
    throw badRequest('Send the file as multipart/form-data', [{ path: 'file', message: 'required' }]);
  const file = await req.file({ limits: { fileSize: maxBytes, files: 1 } });
  if (!file) throw badRequest('No file uploaded', [{ path: 'file', message: 'required' }]);
  if (!SHEET_FILES.test(file.filename)) {
    file.file.resume();
    throw badRequest('Upload an .xlsx or .csv file', [{ path: 'file', message: 'unsupported file type' }]);
  }
  return file;
}

/**
 * The handler of every import route: the upload is read as a stream, stored and queued as a durable
 * job by `queue`, and answered 202 `{ jobId }` (progress at GET /api/jobs/:id). With `?wait=true`
 * (scripts, tests) it waits for the job: its result (200), its refusal as the error the import gives
 * (400 naming rows, 403, 409, 413), or 202 when the job still runs at the end of the wait.
 */
export async function importJobRoute<R>(
  req: FastifyRequest,
  reply: FastifyReply,
  opts: {
    jobs: JobQueue;
    maxBytes: number;
    wait: boolean | undefined;
    queue: (file: MultipartFile) => Promise<{ jobId: string }>;
  },
): Promise<R | FastifyReply> {
  const file = await uploadedSheet(req, opts.maxBytes);
  const { jobId } = await opts.queue(file);
  if (!opts.wait) return reply.code(202).send({ jobId });
  const done = await opts.jobs.outcome<R>(jobId);
  return done.done ? done.result : reply.code(202).send({ jobId });
}

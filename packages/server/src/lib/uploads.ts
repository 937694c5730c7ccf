import fp from 'fastify-plugin';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError, badRequest } from './errors';

/** File uploads (imports, evidence) one account or address may have in progress at once. */
export const MAX_CONCURRENT_UPLOADS = 2;

const slotKey = Symbol('uploadSlot');
type WithSlot = FastifyRequest & { [slotKey]?: string };

/**
 * Limits concurrent multipart uploads per account (or per address when anonymous): parsing a spreadsheet
 * costs memory and CPU, and a few parallel imports by one user must not starve everyone else. The third
 * concurrent upload answers 429 `too_many_uploads`; the slot is freed when the answer is sent.
 */
export const uploadLimitPlugin = fp(async (app: FastifyInstance) => {
  const inFlight = new Map<string, number>();
  app.addHook('preHandler', async (req: WithSlot) => {
    if (!req.url.startsWith('/api/') || !req.isMultipart()) return;
    const key = req.actor ? `user:${req.actor.id}` : `ip:${req.ip}`;
    const n = inFlight.get(key) ?? 0;
    if (n >= MAX_CONCURRENT_UPLOADS)
      throw new AppError(
        429,
        'too_many_uploads',
        `At most ${MAX_CONCURRENT_UPLOADS} uploads at a time: wait for the running ones to finish`,
        [{ path: 'file', message: `${n} uploads in progress` }],
      );
    inFlight.set(key, n + 1);
    req[slotKey] = key;
  });
  const release = async (req: WithSlot) => {
    const key = req[slotKey];
    if (!key) return;
    req[slotKey] = undefined;
    const n = (inFlight.get(key) ?? 1) - 1;
    if (n <= 0) inFlight.delete(key);
    else inFlight.set(key, n);
  };
  app.addHook('onResponse', release);
  app.addHook('onRequestAbort', release);
});

/**
 * The one file of a multipart request, read into memory up to `maxBytes`: 400 without a file, 413
 * `file_too_large` past the limit (the parser stops reading there).
 */
export async function readUpload(req: FastifyRequest, maxBytes: number) {
  if (!req.isMultipart())
    throw badRequest('Send the file as multipart/form-data', [{ path: 'file', message: 'required' }]);
  const file = await req.file({ limits: { fileSize: maxBytes, files: 1 } });
  if (!file) throw badRequest('No file uploaded', [{ path: 'file', message: 'required' }]);
  try {
    return { filename: file.filename, content: await file.toBuffer() };
  } catch (err) {
    if ((err as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE')
      throw new AppError(413, 'file_too_large', `The file is larger than ${maxBytes} bytes`, [
        { path: 'file', message: `larger than ${maxBytes} bytes` },
      ]);
    throw err;
  }
}

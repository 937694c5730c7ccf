import fp from 'fastify-plugin';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Redis } from 'ioredis';
import { AppError, badRequest, errorCode } from './errors';

/** File uploads (imports, evidence) one account or address may have in progress at once. */
export const MAX_CONCURRENT_UPLOADS = 2;

const slotKey = Symbol('uploadSlot');
type WithSlot = FastifyRequest & { [slotKey]?: string };

/**
 * Limits concurrent multipart uploads per account (or per address when anonymous): parsing a spreadsheet
 * costs memory and CPU, and a few parallel imports by one user must not starve everyone else. The third
 * concurrent upload answers 429 `too_many_uploads`; the slot is freed when the answer is sent. With
 * Redis the slots are counted across every server process (a slot a crashed process held lapses
 * after SLOT_TTL_MS); without it, in this process.
 */
export const uploadLimitPlugin = fp(async (app: FastifyInstance, opts: { redis?: UploadSlotsRedis }) => {
  const slots = opts.redis ? redisSlots(opts.redis) : memorySlots();
  app.addHook('preHandler', async (req: WithSlot) => {
    if (!req.url.startsWith('/api/') || !req.isMultipart()) return;
    const key = req.actor ? `user:${req.actor.id}` : `ip:${req.ip}`;
    const n = await slots.take(key);
    if (n > MAX_CONCURRENT_UPLOADS) {
      await slots.give(key);
      throw new AppError(
        429,
        'too_many_uploads',
        `At most ${MAX_CONCURRENT_UPLOADS} uploads at a time: wait for the running ones to finish`,
        [{ path: 'file', message: `${n - 1} uploads in progress` }],
      );
    }
    req[slotKey] = key;
  });
  const release = async (req: WithSlot) => {
    const key = req[slotKey];
    if (!key) return;
    req[slotKey] = undefined;
    await slots.give(key);
  };
  app.addHook('onResponse', release);
  app.addHook('onRequestAbort', release);
});

/** Redis of the server processes and this deployment's key prefix. */
export interface UploadSlotsRedis {
  client: Redis;
  prefix: string;
}

/** Upload slots: `take` counts one more and answers the count with it, `give` returns one. */
interface Slots {
  take(key: string): Promise<number>;
  give(key: string): Promise<void>;
}

/** An upload slot left by a process that died lapses after this long. */
const SLOT_TTL_MS = 10 * 60_000;

function memorySlots(): Slots {
  const inFlight = new Map<string, number>();
  return {
    async take(key) {
      const n = (inFlight.get(key) ?? 0) + 1;
      inFlight.set(key, n);
      return n;
    },
    async give(key) {
      const n = (inFlight.get(key) ?? 1) - 1;
      if (n <= 0) inFlight.delete(key);
      else inFlight.set(key, n);
    },
  };
}

function redisSlots({ client, prefix }: UploadSlotsRedis): Slots {
  const k = (key: string) => `${prefix}uploads:${key}`;
  return {
    // Redis unreachable: uploads go on uncounted rather than fail.
    async take(key) {
      try {
        const [[, n]] = (await client.multi().incr(k(key)).pexpire(k(key), SLOT_TTL_MS).exec()) as [
          [Error | null, number],
        ];
        return n;
      } catch {
        return 1;
      }
    },
    async give(key) {
      await client.decr(k(key)).catch(() => undefined);
    },
  };
}

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
    if (errorCode(err) === 'FST_REQ_FILE_TOO_LARGE')
      throw new AppError(413, 'file_too_large', `The file is larger than ${maxBytes} bytes`, [
        { path: 'file', message: `larger than ${maxBytes} bytes` },
      ]);
    throw err;
  }
}

/** The uploaded sheet (multipart field `file`, .xlsx or .csv; 5 MB at most by the multipart limit). */
export async function sheetUpload(req: FastifyRequest) {
  if (!req.isMultipart())
    throw badRequest('Send the file as multipart/form-data', [{ path: 'file', message: 'required' }]);
  const file = await req.file();
  if (!file) throw badRequest('No file uploaded', [{ path: 'file', message: 'required' }]);
  if (!/\.(xlsx|csv)$/i.test(file.filename))
    throw badRequest('Upload an .xlsx or .csv file', [{ path: 'file', message: 'unsupported file type' }]);
  const buffer = await file.toBuffer();
  if (file.file.truncated)
    throw badRequest('The file is larger than 5 MB', [{ path: 'file', message: 'too large' }], 'too_large');
  return { buffer, filename: file.filename };
}

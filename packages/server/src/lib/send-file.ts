import type { FastifyReply } from 'fastify';

/** A stored file as a download route sends it (evidence, appeal files, finding files, materials). */
export interface DownloadFile {
  filename: string;
  /** Sniffed when it was stored, never taken from the client. */
  mimeType: string;
  content: Buffer;
  /** Its SHA-256 (hex), sent as `x-content-sha256` so that a client can check what it received. */
  sha256?: string | null;
}

/**
 * `Content-Disposition` for a file name of any script: an ASCII fallback (non-ASCII and quotes as `_`)
 * and the exact name in UTF-8 (RFC 6266, RFC 8187), so that no name can break the header.
 */
export function contentDisposition(filename: string, type: 'attachment' | 'inline' = 'attachment'): string {
  const ascii = filename.replace(/[^\x20-\x7e]|"/g, '_');
  return `${type}; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(filename)}`;
}

/** Sends a stored file as an attachment: its type, length, disposition and hash. */
export function sendFile(reply: FastifyReply, file: DownloadFile) {
  reply
    .header('content-type', file.mimeType)
    .header('content-length', file.content.length)
    .header('content-disposition', contentDisposition(file.filename));
  if (file.sha256) reply.header('x-content-sha256', file.sha256);
  return reply.send(file.content);
}

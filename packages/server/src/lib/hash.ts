import { createHash } from 'node:crypto';

/** JSON with object keys sorted and Dates as ISO strings, so equal data always hashes the same. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(normalise(value));
}

function normalise(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(normalise);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[key];
      if (v !== undefined) out[key] = normalise(v);
    }
    return out;
  }
  return value;
}

export const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** Digest algorithms of the audit chain (entries, Merkle roots, seals). */
export type ChainAlgorithm = 'sha256' | 'sm3';

/**
 * The algorithm for new audit hashes: SM3 (GB/T 32905) when `CRYPTO_SUITE=sm`, SHA-256 otherwise
 * (read per call, like lib/crypto.ts's suite, so one process follows its configuration).
 */
export const chainAlgorithm = (env: NodeJS.ProcessEnv = process.env): ChainAlgorithm =>
  (env.CRYPTO_SUITE ?? '').toLowerCase() === 'sm' ? 'sm3' : 'sha256';

/**
 * A digest of the audit chain. SHA-256 is stored as bare hex (every hash written before SM3 existed);
 * SM3 as `sm3:<hex>`, so each stored hash names its algorithm and a log that switched suites verifies.
 */
export function chainDigest(text: string, algorithm: ChainAlgorithm = chainAlgorithm()): string {
  return algorithm === 'sm3' ? `sm3:${createHash('sm3').update(text).digest('hex')}` : sha256(text);
}

/** The algorithm a stored chain hash was made with. */
export const algorithmOf = (stored: string | null | undefined): ChainAlgorithm =>
  stored?.startsWith('sm3:') ? 'sm3' : 'sha256';

import { hash } from 'node:crypto';

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

const plain = (x: object) => {
  const proto = Object.getPrototypeOf(x);
  return proto === Object.prototype || proto === null;
};

/**
 * Whether two values have the same canonical JSON (canonicalJson(a) === canonicalJson(b)), compared
 * in place for plain data (null, booleans, strings, finite numbers, arrays, plain objects); anything
 * else (a Date, a non-finite number, an undefined array item, a class instance) is compared by its
 * canonical JSON, so the answer is always that of the texts.
 */
export function sameJson(a: unknown, b: unknown): boolean {
  if (a === b && a !== undefined && (typeof a !== 'object' || a === null)) return true;
  const ta = typeof a;
  if (ta === typeof b) {
    if (ta === 'string' || ta === 'boolean') return false; // not ===
    if (ta === 'number' && Number.isFinite(a) && Number.isFinite(b)) return false; // not ===, 0 === -0
    if (ta === 'object' && a !== null && b !== null) {
      const x = a as Record<string, unknown>;
      const y = b as Record<string, unknown>;
      if (Array.isArray(x) && Array.isArray(y)) {
        if (x.length !== y.length) return false;
        for (let i = 0; i < x.length; i++)
          if (x[i] === undefined || y[i] === undefined) return canonicalJson(a) === canonicalJson(b);
          else if (!sameJson(x[i], y[i])) return false;
        return true;
      }
      if (!Array.isArray(x) && !Array.isArray(y) && plain(x) && plain(y)) {
        // Keys with an undefined value are left out of the JSON; the others must match.
        let n = 0;
        for (const k in x) {
          if (x[k] === undefined) continue;
          n++;
          if (!Object.hasOwn(y, k) || y[k] === undefined || !sameJson(x[k], y[k])) return false;
        }
        for (const k in y) if (y[k] !== undefined) n--;
        return n === 0;
      }
    }
  }
  return canonicalJson(a) === canonicalJson(b);
}

/** SHA-256 of a text, hex (one-shot `crypto.hash`: about three times faster than a Hash object on short texts). */
export const sha256 = (text: string) => hash('sha256', text, 'hex');

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
  return algorithm === 'sm3' ? `sm3:${hash('sm3', text, 'hex')}` : sha256(text);
}

/** The algorithm a stored chain hash was made with. */
export const algorithmOf = (stored: string | null | undefined): ChainAlgorithm =>
  stored?.startsWith('sm3:') ? 'sm3' : 'sha256';

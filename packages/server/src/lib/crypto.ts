import {
  createCipheriv,
  createDecipheriv,
  createHash,
  createHmac,
  randomBytes,
  timingSafeEqual,
} from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * Field encryption of personal data (PIPL) and secrets at rest.
 *
 * - Suite `aes` (default): AES-256-GCM, 96-bit random IV, 128-bit tag.
 * - Suite `sm` (`CRYPTO_SUITE=sm`, commercial cryptography GB/T 32907 / 32905): SM4-CTR with a random
 *   128-bit IV, authenticated by HMAC-SM3 over IV and ciphertext (encrypt-then-MAC). OpenSSL 3 ships SM4
 *   in CTR/CBC modes but not GCM, hence the explicit MAC.
 *
 * Ciphertexts name their suite (`enc:v1:aes:…`, `enc:v1:sm:…`), so switching `CRYPTO_SUITE` keeps older
 * values readable; new writes use the configured suite.
 *
 * The 256-bit master key comes from `PII_KEY` (64 hex digits or base64 of 32 bytes), else from the file
 * `PII_KEY_FILE`; in production without either, from `<DATA_DIR>/pii.key`, created (mode 0600) on first
 * use. Outside production with no key configured a fixed development key is used: never real data.
 */
export type CryptoSuite = 'aes' | 'sm';

const PREFIX = 'enc:v1:';
const DEV_KEY = createHash('sha256').update('perfcommons development key: not for real data').digest();

let cachedKey: { source: string; key: Buffer } | undefined;

function keySource(env: NodeJS.ProcessEnv) {
  return [env.PII_KEY ?? '', env.PII_KEY_FILE ?? '', env.NODE_ENV ?? '', env.DATA_DIR ?? ''].join('|');
}

function parseKey(text: string, where: string): Buffer {
  const t = text.trim();
  const key = /^[0-9a-f]{64}$/i.test(t) ? Buffer.from(t, 'hex') : Buffer.from(t, 'base64');
  if (key.length !== 32) throw new Error(`${where}: expected 32 bytes (64 hex digits or base64)`);
  return key;
}

/** The master key (see module comment); throws with a clear message when a configured key is unusable. */
export function masterKey(env: NodeJS.ProcessEnv = process.env): Buffer {
  const source = keySource(env);
  if (cachedKey?.source === source) return cachedKey.key;
  let key: Buffer;
  if (env.PII_KEY) key = parseKey(env.PII_KEY, 'PII_KEY');
  else if (env.PII_KEY_FILE) key = parseKey(readFileSync(env.PII_KEY_FILE, 'utf8'), env.PII_KEY_FILE);
  else if (env.NODE_ENV === 'production') {
    const file = path.resolve(env.DATA_DIR ?? './data', 'pii.key');
    if (!existsSync(file)) {
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, randomBytes(32).toString('hex') + '\n', { mode: 0o600, flag: 'wx' });
      chmodSync(file, 0o600);
    }
    key = parseKey(readFileSync(file, 'utf8'), file);
  } else key = DEV_KEY;
  cachedKey = { source, key };
  return key;
}

/** The configured suite for new ciphertexts. */
export function cryptoSuite(env: NodeJS.ProcessEnv = process.env): CryptoSuite {
  const s = (env.CRYPTO_SUITE ?? 'aes').toLowerCase();
  if (s === 'sm') return 'sm';
  if (s === 'aes' || s === '') return 'aes';
  throw new Error(`CRYPTO_SUITE must be aes or sm, not ${env.CRYPTO_SUITE}`);
}

/** A purpose-bound subkey of the master key (HMAC as a KDF, SM3 for the SM suite). */
function subkey(purpose: string, suite: CryptoSuite, length: number): Buffer {
  const master = masterKey();
  const memo = `${suite}:${purpose}:${length}`;
  if (subkeys.master !== master) subkeys = { master, keys: new Map() };
  let key = subkeys.keys.get(memo);
  if (!key) {
    const alg = suite === 'sm' ? 'sm3' : 'sha256';
    key = createHmac(alg, master).update(`perfcommons:${purpose}`).digest().subarray(0, length);
    subkeys.keys.set(memo, key);
  }
  return key;
}
/** Subkeys derived from the current master key (a million frame contacts derive them once). */
let subkeys: { master: Buffer | null; keys: Map<string, Buffer> } = { master: null, keys: new Map() };

/** IV, tag and ciphertext of `data` under `suite` (the one cipher of fields and files). */
function seal(data: Buffer, suite: CryptoSuite): Buffer {
  if (suite === 'sm') {
    const iv = randomBytes(16);
    const c = createCipheriv('sm4-ctr', subkey('sm4-enc', 'sm', 16), iv);
    const ct = Buffer.concat([c.update(data), c.final()]);
    const tag = createHmac('sm3', subkey('sm3-mac', 'sm', 32))
      .update(iv)
      .update(ct)
      .digest();
    return Buffer.concat([iv, tag, ct]);
  }
  const iv = randomBytes(12);
  const c = createCipheriv('aes-256-gcm', subkey('aes-gcm', 'aes', 32), iv);
  const ct = Buffer.concat([c.update(data), c.final()]);
  return Buffer.concat([iv, c.getAuthTag(), ct]);
}

/** The plaintext of {@link seal}'s output; throws when it was altered or the key is wrong. */
function unseal(suite: string, raw: Buffer): Buffer {
  if (suite === 'sm') {
    const iv = raw.subarray(0, 16);
    const tag = raw.subarray(16, 48);
    const ct = raw.subarray(48);
    const expected = createHmac('sm3', subkey('sm3-mac', 'sm', 32))
      .update(iv)
      .update(ct)
      .digest();
    if (tag.length !== 32 || !timingSafeEqual(tag, expected)) throw new Error('field ciphertext altered');
    const d = createDecipheriv('sm4-ctr', subkey('sm4-enc', 'sm', 16), iv);
    return Buffer.concat([d.update(ct), d.final()]);
  }
  if (suite === 'aes') {
    const d = createDecipheriv('aes-256-gcm', subkey('aes-gcm', 'aes', 32), raw.subarray(0, 12));
    d.setAuthTag(raw.subarray(12, 28));
    return Buffer.concat([d.update(raw.subarray(28)), d.final()]);
  }
  throw new Error(`unknown field cipher suite ${suite}`);
}

/** Encrypts `plain` with the configured suite; `enc:v1:<suite>:<base64url>`. */
export function encryptField(plain: string, suite: CryptoSuite = cryptoSuite()): string {
  return `${PREFIX}${suite}:${seal(Buffer.from(plain, 'utf8'), suite).toString('base64url')}`;
}

/**
 * Encrypts bytes (a stored file's chunk) like {@link encryptField}, binary rather than base64:
 * `enc:v1:<suite>:` in ASCII, then IV, tag and ciphertext.
 */
export function encryptBytes(data: Buffer, suite: CryptoSuite = cryptoSuite()): Buffer {
  return Buffer.concat([Buffer.from(`${PREFIX}${suite}:`), seal(data, suite)]);
}

/** Decrypts what {@link encryptBytes} wrote; throws when it was altered, the key is wrong or it is not ours. */
export function decryptBytes(sealed: Buffer): Buffer {
  const head = sealed.subarray(0, 16).toString('latin1');
  const end = head.indexOf(':', PREFIX.length);
  if (!head.startsWith(PREFIX) || end < 0) throw new Error('not an encrypted file chunk');
  return unseal(head.slice(PREFIX.length, end), sealed.subarray(end + 1));
}

/** Subkeys of the field ciphers, as {@link sealBatch} takes them. */
export interface FieldKeys {
  aes: Uint8Array;
  sm4: Uint8Array;
  sm3: Uint8Array;
}

/** The field cipher subkeys of the current master key. */
export const fieldKeys = (): FieldKeys => ({
  aes: subkey('aes-gcm', 'aes', 32),
  sm4: subkey('sm4-enc', 'sm', 16),
  sm3: subkey('sm3-mac', 'sm', 32),
});

/**
 * {@link encryptField} for many values at once, self-contained: it uses nothing but its parameters,
 * as its text also runs in the encryption worker threads (lib/crypto-pool.ts). The random IVs are
 * drawn once for the batch. Empty values and null stay null, as with {@link encryptOptional}.
 */
export function sealBatch(
  crypto: Pick<typeof import('node:crypto'), 'createCipheriv' | 'createHmac' | 'randomBytes'>,
  plains: readonly (string | null | undefined)[],
  suite: CryptoSuite,
  keys: FieldKeys,
): (string | null)[] {
  const sm = suite === 'sm';
  const ivLength = sm ? 16 : 12;
  const ivs = crypto.randomBytes(ivLength * plains.length);
  const out: (string | null)[] = [];
  for (let i = 0; i < plains.length; i++) {
    const plain = plains[i];
    if (!plain) {
      out.push(null);
      continue;
    }
    const iv = ivs.subarray(i * ivLength, (i + 1) * ivLength);
    const c = crypto.createCipheriv(sm ? 'sm4-ctr' : 'aes-256-gcm', sm ? keys.sm4 : keys.aes, iv);
    const update = c.update(plain, 'utf8');
    const last = c.final(); // empty for both modes
    const ct = last.length ? Buffer.concat([update, last]) : update;
    // AES: IV, GCM tag, ciphertext; SM: IV, HMAC-SM3 over IV and ciphertext, ciphertext.
    const tag = sm
      ? crypto.createHmac('sm3', keys.sm3).update(iv).update(ct).digest()
      : (c as import('node:crypto').CipherGCM).getAuthTag();
    const raw = Buffer.allocUnsafe(ivLength + tag.length + ct.length);
    iv.copy(raw, 0);
    tag.copy(raw, ivLength);
    ct.copy(raw, ivLength + tag.length);
    out.push(`enc:v1:${suite}:${raw.toString('base64url')}`);
  }
  return out;
}

/** {@link encryptField} for many values at once (see {@link sealBatch}); null for empty values. */
export const encryptFields = (
  plains: readonly (string | null | undefined)[],
  suite: CryptoSuite = cryptoSuite(),
) => sealBatch({ createCipheriv, createHmac, randomBytes }, plains, suite, fieldKeys());

/** Whether `value` is one of our ciphertexts (anything else is legacy plaintext). */
export const isEncrypted = (value: string) => value.startsWith(PREFIX);

/** Decrypts a value written by {@link encryptField}; throws when it was altered or the key is wrong. */
export function decryptField(value: string): string {
  if (!isEncrypted(value)) return value;
  const [suite, body] = value.slice(PREFIX.length).split(':');
  return unseal(suite, Buffer.from(body ?? '', 'base64url')).toString('utf8');
}

/** Encrypts when given a value; null stays null. */
export const encryptOptional = (v: string | null | undefined) => (v ? encryptField(v) : null);
/** Decrypts when given a value; null stays null. */
export const decryptOptional = (v: string | null | undefined) => (v ? decryptField(v) : null);

/** The one normal form of an e-mail address (trim, lower case) and of a phone number (digits, no +86). */
export function normalizeContact(kind: 'email' | 'phone', value: string): string {
  return kind === 'email'
    ? value.normalize('NFKC').trim().toLowerCase()
    : value
        .normalize('NFKC')
        .replace(/\D/g, '')
        .replace(/^86(?=\d{11}$)/, '');
}

/**
 * Keyed blind index of a contact (HMAC-SHA256 under a subkey of the master key): equality look-ups
 * (login by e-mail or phone, uniqueness) without storing the plaintext, and without letting someone
 * holding only the database enumerate the 10^11 phone numbers.
 */
export function contactLookup(kind: 'email' | 'phone', value: string): string {
  return createHmac('sha256', subkey('contact-lookup', 'aes', 32))
    .update(`${kind}:${normalizeContact(kind, value)}`)
    .digest('hex');
}

/** 138****1234: the first three and last four digits. */
export function maskPhone(phone: string): string {
  const d = phone.replace(/\s/g, '');
  if (d.length < 8) return '*'.repeat(d.length);
  return `${d.slice(0, 3)}${'*'.repeat(d.length - 7)}${d.slice(-4)}`;
}

/** w***@example.org: the first character of the local part and the domain. */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@');
  if (at < 1) return '***';
  return `${email[0]}***${email.slice(at)}`;
}

/**
 * Keyed digest (HMAC-SHA256 under a purpose-bound subkey of the master key) of a short secret such as a
 * recovery code: equality checks without storing the secret, and without letting someone who holds
 * only the database try every possible code offline.
 */
export function keyedDigest(purpose: string, text: string): string {
  return createHmac('sha256', subkey(purpose, 'aes', 32))
    .update(text)
    .digest('hex');
}

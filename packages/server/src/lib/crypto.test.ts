import { createCipheriv, createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  cryptoSuite,
  decryptBytes,
  decryptField,
  encryptBytes,
  encryptField,
  encryptFields,
  isEncrypted,
} from './crypto';
import { encryptFieldsInWorker } from './crypto-pool';
import { algorithmOf, chainAlgorithm, chainDigest, sha256 } from './hash';

/** Both suites run in every test run: AES-256-GCM + SHA-256 (default) and SM4 + SM3 (`CRYPTO_SUITE=sm`). */
describe('commercial cryptography primitives (known-answer tests)', () => {
  it('SM3 of "abc" is the GB/T 32905-2016 example A.1', () => {
    expect(createHash('sm3').update('abc').digest('hex')).toBe(
      '66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0',
    );
  });

  it('SM4 of the GB/T 32907-2016 example A.1 block', () => {
    const key = Buffer.from('0123456789abcdeffedcba9876543210', 'hex');
    const c = createCipheriv('sm4-ecb', key, null).setAutoPadding(false);
    const out = Buffer.concat([c.update(key), c.final()]).toString('hex');
    expect(out).toBe('681edf34d206965e86b3e94f536e4246');
  });
});

describe.each(['aes', 'sm'] as const)('field encryption, suite %s', (suite) => {
  it('round-trips, names its suite, and refuses a changed ciphertext', () => {
    const enc = encryptField('13812341234', suite);
    expect(isEncrypted(enc)).toBe(true);
    expect(enc.startsWith(`enc:v1:${suite}:`)).toBe(true);
    expect(decryptField(enc)).toBe('13812341234');
    expect(encryptField('13812341234', suite)).not.toBe(enc); // random IV
    const body = enc.slice(`enc:v1:${suite}:`.length);
    const flipped = body.slice(0, 10) + (body[10] === 'A' ? 'B' : 'A') + body.slice(11);
    expect(() => decryptField(`enc:v1:${suite}:${flipped}`)).toThrow();
  });

  it('encrypts bytes (a file chunk) with the same cipher: binary, named, tamper-evident', () => {
    // A chunk cut inside a UTF-8 character, as a file's 1 MB chunks are.
    const data = Buffer.from('{"name": "李明"}'.repeat(1000)).subarray(0, 1001);
    const sealed = encryptBytes(data, suite);
    expect(sealed.subarray(0, `enc:v1:${suite}:`.length).toString()).toBe(`enc:v1:${suite}:`);
    expect(sealed.includes(Buffer.from('李明'))).toBe(false);
    expect(decryptBytes(sealed).equals(data)).toBe(true);
    // The field form of the same bytes is the same cipher: one decrypts the other's body.
    const raw = encryptBytes(Buffer.from('李明'), suite).subarray(`enc:v1:${suite}:`.length);
    expect(decryptField(`enc:v1:${suite}:${raw.toString('base64url')}`)).toBe('李明');
    const altered = Buffer.from(sealed);
    altered[altered.length - 1] ^= 1;
    expect(() => decryptBytes(altered)).toThrow();
    expect(() => decryptBytes(data)).toThrow('not an encrypted file chunk');
  });

  it('encrypts a batch like one value at a time: each with its own IV, empty and null left null', () => {
    const plains = ['13812341234', '', null, 'x@example.org', '东城 😀', '13812341234'];
    const out = encryptFields(plains, suite);
    expect(out.map((c) => (c === null ? null : decryptField(c)))).toEqual([
      '13812341234',
      null,
      null,
      'x@example.org',
      '东城 😀',
      '13812341234',
    ]);
    expect(out.every((c) => c === null || c.startsWith(`enc:v1:${suite}:`))).toBe(true);
    expect(out[0]).not.toBe(out[5]);
    const ivs = out.filter((c): c is string => c !== null).map((c) => c.slice(0, 30));
    expect(new Set(ivs).size).toBe(ivs.length);
  });
});

describe('field encryption in worker threads', () => {
  it.each(['aes', 'sm'] as const)(
    'gives ciphertexts of the configured suite %s that decrypt here',
    async (suite) => {
      const before = process.env.CRYPTO_SUITE;
      process.env.CRYPTO_SUITE = suite;
      try {
        const plains = Array.from({ length: 300 }, (_, i) =>
          i % 7 ? `1380000${String(i).padStart(4, '0')}` : '',
        );
        const [a, b] = await Promise.all([
          encryptFieldsInWorker(plains),
          encryptFieldsInWorker(['东城 😀', null]),
        ]);
        expect(a.map((c) => (c === null ? '' : decryptField(c)))).toEqual(plains);
        expect(a.find((c) => c !== null)).toMatch(new RegExp(`^enc:v1:${suite}:`));
        expect(b[0] && decryptField(b[0])).toBe('东城 😀');
        expect(b[1]).toBeNull();
      } finally {
        if (before === undefined) delete process.env.CRYPTO_SUITE;
        else process.env.CRYPTO_SUITE = before;
      }
    },
  );
});

describe('audit chain digests', () => {
  it('follow CRYPTO_SUITE and name their algorithm', () => {
    expect(chainAlgorithm({})).toBe('sha256');
    expect(chainAlgorithm({ CRYPTO_SUITE: 'sm' })).toBe('sm3');
    expect(cryptoSuite({ CRYPTO_SUITE: 'SM' })).toBe('sm');
    expect(chainDigest('abc', 'sha256')).toBe(sha256('abc'));
    expect(chainDigest('abc', 'sm3')).toBe(
      'sm3:66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0',
    );
    expect(algorithmOf(chainDigest('x', 'sm3'))).toBe('sm3');
    expect(algorithmOf(chainDigest('x', 'sha256'))).toBe('sha256');
  });
});

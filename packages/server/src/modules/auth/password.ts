import { randomBytes, scrypt as scryptCb, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { ZxcvbnFactory } from '@zxcvbn-ts/core';
import * as common from '@zxcvbn-ts/language-common';

/** scrypt with options, as a promise (promisify would take the overload without them). */
const scrypt = (pw: string, salt: Buffer, len: number, opts: ScryptOptions) =>
  new Promise<Buffer>((resolve, reject) =>
    scryptCb(pw, salt, len, opts, (err, key) => (err ? reject(err) : resolve(key))),
  );
const PARAMS = { N: 16384, r: 8, p: 1 };

/** scrypt hash as `scrypt$N$r$p$salt$hash` (base64url). */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const hash = await scrypt(password, salt, 32, PARAMS);
  return [
    'scrypt',
    PARAMS.N,
    PARAMS.r,
    PARAMS.p,
    salt.toString('base64url'),
    hash.toString('base64url'),
  ].join('$');
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [alg, n, r, p, salt, hash] = stored.split('$');
  if (alg !== 'scrypt' || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64url');
  const actual = await scrypt(password, Buffer.from(salt, 'base64url'), expected.length, {
    N: Number(n),
    r: Number(r),
    p: Number(p),
  });
  return timingSafeEqual(actual, expected);
}

/** Shortest password a person may choose (the demo password, 8 characters, can never be chosen). */
export const MIN_PASSWORD_LENGTH = 10;
/** Character classes (lower case, upper case, digits, other) a chosen password must mix. */
export const MIN_PASSWORD_CLASSES = 3;
/** Lowest zxcvbn score (0–4) accepted: 3 = "safely unguessable: moderate protection from offline attacks". */
export const MIN_PASSWORD_SCORE = 3;

/**
 * A random password for an account someone else creates or resets (16 characters, 96 bits), drawn again
 * until it mixes three character classes, so that it satisfies the policy it will be checked against.
 */
export function generatePassword(): string {
  for (;;) {
    const p = randomBytes(12).toString('base64url');
    if (characterClasses(p) >= MIN_PASSWORD_CLASSES) return p;
  }
}

/**
 * A login name in the one form it is stored, compared and throttled by: Unicode NFKC (full-width letters
 * become ASCII), surrounding white space removed, lower case. Applied before anything else looks at it.
 */
export const normalizeUsername = (name: string) => name.normalize('NFKC').trim().toLowerCase();

let estimator: ZxcvbnFactory | undefined;
/** zxcvbn-ts with the common-password, name and keyboard dictionaries (built once, ~50 ms). */
function strength() {
  return (estimator ??= new ZxcvbnFactory({
    dictionary: { ...common.dictionary },
    graphs: common.adjacencyGraphs,
  }));
}

/** How many of the four classes (lower case, upper case, digits, anything else) `password` uses. */
export function characterClasses(password: string): number {
  return [/\p{Ll}/u, /\p{Lu}/u, /\p{Nd}/u, /[^\p{Ll}\p{Lu}\p{Nd}]/u].filter((re) => re.test(password)).length;
}

/**
 * Why `password` is not acceptable for the account `username`; empty when it is. The one password policy
 * of the platform (registration, change, import-free paths): at least 10 characters from three of the
 * four classes, not containing the username (or another given word such as the e-mail's name), and
 * rated at least 3 by the zxcvbn strength estimator (common passwords, words, dates, keyboard walks).
 */
export function passwordPolicyProblems(username: string, password: string, related: string[] = []): string[] {
  const problems: string[] = [];
  if (password.length < MIN_PASSWORD_LENGTH)
    problems.push(`must be at least ${MIN_PASSWORD_LENGTH} characters long`);
  if (characterClasses(password) < MIN_PASSWORD_CLASSES)
    problems.push(
      `must mix at least ${MIN_PASSWORD_CLASSES} of: lower-case letters, upper-case letters, digits, other characters`,
    );
  const lower = password.toLowerCase();
  const words = [normalizeUsername(username), ...related.map(normalizeUsername)].filter((w) => w.length >= 3);
  if (words.some((w) => lower.includes(w))) problems.push('must not contain the username');
  if (password.length <= 200) {
    const { score, feedback } = strength().check(password, words);
    if (score < MIN_PASSWORD_SCORE)
      problems.push(
        `is too easy to guess (strength ${score} of 4, at least ${MIN_PASSWORD_SCORE} needed${
          feedback.warning ? `: ${feedback.warning}` : ''
        })`,
      );
  }
  return problems;
}

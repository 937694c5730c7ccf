import { randomBytes, randomInt } from 'node:crypto';
import { sha256 } from '../../lib/hash';

/** Letters and digits that cannot be misread on paper or over the phone (no 0/O, 1/I/L). */
const CODE_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';
const CODE_LENGTH = 10;

/** A link token: 256 random bits, base64url (43 characters). */
export const newToken = () => randomBytes(32).toString('base64url');

/** A short code for print and SMS: 10 characters of a 31-letter alphabet (~49.5 bits), shown as XXXXX-XXXXX. */
export function newShortCode(): string {
  let s = '';
  for (let i = 0; i < CODE_LENGTH; i++) s += CODE_ALPHABET[randomInt(CODE_ALPHABET.length)];
  return `${s.slice(0, 5)}-${s.slice(5)}`;
}

/** Short codes are typed by people: case, dashes and spaces do not matter. */
export const normaliseCode = (code: string) => code.toUpperCase().replace(/[\s-]/g, '');

/** Whether the string the respondent brought is a short code rather than a link token. */
export const looksLikeCode = (s: string) => normaliseCode(s).length === CODE_LENGTH;

export const hashToken = (token: string) => sha256(`token:${token}`);
export const hashCode = (code: string) => sha256(`code:${normaliseCode(code)}`);

/** Hash used to look up an invitation from either a link token or a short code. */
export const lookupHash = (s: string) =>
  looksLikeCode(s)
    ? { column: 'code' as const, hash: hashCode(s) }
    : { column: 'token' as const, hash: hashToken(s) };

import type { FormInstance } from 'antd';
import i18next from 'i18next';
import type { ErrorDetail } from '@perfcommons/contracts';
import { ApiError } from '../shared/api';
import { en, zh } from '../shared/errorMessages';

/**
 * Turns API errors into localised text: the stable `error` code picks the headline, each detail shows its
 * field by name with a localised message (zod's validation texts and the server's short phrases are mapped).
 * Raw English server text only appears in the English UI, and only where no localised text exists.
 */
type Table = typeof zh;

const table = (): Table => (i18next.language === 'en' ? (en as Table) : zh);
const isEn = () => i18next.language === 'en';
const fill = (s: string, vars: Record<string, string | number>) =>
  s.replace(/\{\{(\w+)\}\}/g, (_, k: string) => String(vars[k] ?? ''));
const CJK = /[\u3400-\u9fff]/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-/i;

/** A field path (`rows.3.value`, `preconditions.plans_signed`) as the user would name it. */
export function fieldLabel(path: string): string {
  const T = table();
  const parts = path.split('.').filter((p) => p && !UUID.test(p));
  if (parts[0] === 'preconditions' && parts[1]) {
    const key = `cycles:check.${parts[1]}`;
    return i18next.exists(key) ? i18next.t(key) : parts[1];
  }
  return parts
    .map((p) => (/^\d+$/.test(p) ? `#${Number(p) + 1}` : ((T.field as Record<string, string>)[p] ?? p)))
    .join(' · ');
}

/** Zod's English issue texts as they reach the client through the server's validation errors. */
function zodMessage(m: string): string | undefined {
  const Z = table().zod;
  let x: RegExpMatchArray | null;
  if (/^Required$/i.test(m) || /^Invalid input: expected \w+, received undefined/.test(m)) return Z.required;
  if ((x = m.match(/^Too (small|big): expected (\w+) to (?:have|be) [<>]=?\s*(-?[\d.]+)/))) {
    const n = x[3];
    const small = x[1] === 'small';
    if (x[2] === 'string') return fill(small ? Z.tooSmallString : Z.tooBigString, { n });
    if (x[2] === 'array' || x[2] === 'set') return fill(small ? Z.tooSmallArray : Z.tooBigArray, { n });
    return fill(small ? Z.tooSmallNumber : Z.tooBigNumber, { n });
  }
  if ((x = m.match(/^Invalid input: expected (\w+)/))) {
    if (x[1] === 'number' || x[1] === 'nan') return Z.expectedNumber;
    if (x[1] === 'int') return Z.expectedInteger;
    if (x[1] === 'string') return Z.expectedString;
    if (x[1] === 'date') return Z.expectedDate;
    return Z.invalid;
  }
  if (/^Invalid (option|enum|literal|discriminator)/.test(m)) return Z.option;
  if (/^Invalid (input|union)$/.test(m)) return Z.invalid;
  if (/^Invalid email/.test(m)) return Z.email;
  if (/^Invalid (ISO )?(date|datetime|time)/.test(m)) return Z.expectedDate;
  if (/^Invalid (string|url|uuid|format)/.test(m)) return Z.format;
  if (/^Unrecognized key/.test(m)) return Z.unknownKey;
  if (/^Expected number, received nan/i.test(m)) return Z.expectedNumber;
  return undefined;
}

/** One detail message, localised; text already in Chinese (names, labels) passes through. */
export function detailMessage(m: string): string {
  const T = table();
  const text = m.trim();
  const phrase = (T.phrase as Record<string, string>)[text];
  if (phrase) return phrase;
  // `row 3: …` repeats what the path (`rows.2.value`) says already.
  const row = text.match(/^row \d+: (.*)$/);
  if (row) return detailMessage(row[1]!);
  if (/ is not a (number|whole number|integer)$/.test(text)) return table().zod.expectedNumber;
  if (/ is not a (valid )?date$/.test(text)) return table().zod.expectedDate;
  if (/ is not 2025, 2025-Q3/.test(text)) return table().zod.period;
  const locked = text.match(/^locked until (\S+)$/);
  if (locked)
    return fill(T.phrase['locked until'], { at: new Date(locked[1]!).toLocaleString(i18next.language) });
  const z = zodMessage(text);
  if (z) return z;
  if (CJK.test(text) || isEn()) return text;
  return T.zod.invalid;
}

export function detailText(d: ErrorDetail): string {
  const message = detailMessage(d.message);
  return d.path ? fill(table().fieldMessage, { field: fieldLabel(d.path), message }) : message;
}

/** The localised headline of an error: by code, else by HTTP status. */
export function errorHeadline(err: unknown): string {
  const T = table();
  if (err instanceof ApiError) {
    const byCode = (T.code as Record<string, string>)[err.code];
    const generic = err.code === 'bad_request' || err.code === 'conflict' || /^\d+$/.test(err.code);
    // The English UI may show the server's own (English) sentence where the code is generic.
    if (isEn() && generic && err.message) return err.message;
    if (byCode && !generic) return byCode;
    const byStatus = (T.status as Record<string, string>)[String(err.status)];
    return byStatus ?? byCode ?? (err.status >= 500 ? T.status['500'] : T.status['400']);
  }
  if (err instanceof TypeError) return T.code.network;
  const msg = (err as Error)?.message ?? String(err);
  return CJK.test(msg) || isEn() ? msg : T.code.bad_request;
}

/** Puts an API error's `details[]` on the matching form fields; returns the details no field took. */
export function applyFieldErrors(form: FormInstance, err: unknown, fields: string[]): string[] {
  if (!(err instanceof ApiError)) return [errorHeadline(err)];
  const rest: string[] = [];
  const set: { name: (string | number)[]; errors: string[] }[] = [];
  for (const d of err.details) {
    const name = d.path.split('.').map((p) => (/^\d+$/.test(p) ? Number(p) : p));
    if (fields.includes(String(name[0]))) set.push({ name, errors: [detailMessage(d.message)] });
    else rest.push(detailText(d));
  }
  form.setFields(set);
  if (set.length === 0 && rest.length === 0) rest.push(errorHeadline(err));
  else if (rest.length > 0) rest.unshift(errorHeadline(err));
  return rest;
}

/** One line for a toast: the localised headline plus each detail by field name. */
export function errorText(err: unknown): string {
  const head = errorHeadline(err);
  if (!(err instanceof ApiError) || err.details.length === 0) return head;
  const T = table();
  const details = err.details
    .slice(0, 8)
    .map(detailText)
    .filter((d, i, all) => all.indexOf(d) === i);
  if (err.details.length > 8) details.push('…');
  return isEn() ? `${head} (${details.join(T.joiner)})` : `${head}（${details.join(T.joiner)}）`;
}

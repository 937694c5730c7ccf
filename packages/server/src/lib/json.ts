/**
 * The JSON form of a value: what a jsonb column stores and gives back, and what an answer carries
 * (times as ISO text, undefined fields left out).
 */
export type Jsonified<T> = T extends Date
  ? string
  : T extends readonly unknown[]
    ? { [K in keyof T]: Jsonified<T[K]> }
    : T extends object
      ? { [K in keyof T]: Jsonified<T[K]> }
      : T;

/**
 * A value as a jsonb column will give it back: for a column typed with the JSON form of what is
 * written (a published report whose times are text when read), so that writer and readers agree.
 */
export function asStoredJson<T>(value: T): Jsonified<T> {
  return JSON.parse(JSON.stringify(value));
}

/** Characters JSON.stringify escapes (and surrogates, which it may): plain text is quoted as it is. */
// eslint-disable-next-line no-control-regex -- the control characters are what it looks for
const JSON_ESCAPED = /["\\\u0000-\u001f\ud800-\udfff]/;
/** JSON.stringify of a string, without its cost for the common text that needs no escape. */
export const jsonString = (v: string) => (JSON_ESCAPED.test(v) ? JSON.stringify(v) : `"${v}"`);

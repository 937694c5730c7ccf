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

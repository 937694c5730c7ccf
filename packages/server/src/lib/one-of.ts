/**
 * Whether `value` is one of `values` (an enum's `as const` list), narrowing it to the enum: the
 * check that lets a string read from a file or a request be used as the enum without a cast.
 */
export function isOneOf<T extends string>(values: readonly T[], value: string): value is T {
  return values.some((v) => v === value);
}

import { z } from 'zod';

/** A calendar day, `2026-01-31`. */
export const IsoDate = z.iso.date();
/** A moment, as JSON carries it: an ISO 8601 date-time string (`2026-01-31T08:00:00.000Z`). */
export const Timestamp = z.iso.datetime({ offset: true });
/** `:id` of a route. */
export const IdParams = z.object({ id: z.uuid() });
/** Answers that carry a list: `{ items: [...] }`. */
export const itemsOf = <T extends z.ZodType>(item: T) => z.object({ items: z.array(item) });
/** The type of an `itemsOf` answer. */
export interface Items<T> {
  items: T[];
}
/** A write acknowledged without a body of its own. */
export const OkReply = z.object({ ok: z.literal(true) });
/** One refused field of an error answer. */
export const ErrorDetail = z.object({ path: z.string(), message: z.string() });
export type ErrorDetail = z.infer<typeof ErrorDetail>;
/** Every refused request: a stable code, an English message and one detail per refused field. */
export const ErrorReply = z.object({ error: z.string(), message: z.string(), details: z.array(ErrorDetail) });
export type ErrorReply = z.infer<typeof ErrorReply>;
/** Any JSON value (free-form data such as consequence values or audit data). */
export const Json = z.unknown();

import { z } from 'zod';

/** Media types of the files the API sends. */
export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
export const CSV_TYPE = 'text/csv';

/**
 * The response of a route that sends bytes it made itself (a CSV, an XLSX, a zip, canonical JSON): its media
 * type and schema, so that the OpenAPI document names what comes back. The schema is wrapped as
 * `{ properties }`, which the OpenAPI transform and the serializer read like the schema itself but which leaves
 * the reply's type open: the handler sends a string or a Buffer, and Fastify sends those as they are.
 */
export const rawReply = (mediaType: string, description: string, schema: z.ZodType) => ({
  description,
  content: { [mediaType]: { schema: { properties: schema } } },
});

/** A file download: {@link rawReply} with a binary string. */
export const fileReply = (mediaType: string, description: string) =>
  rawReply(mediaType, description, z.string().meta({ format: 'binary' }));

/** 304 of a read cached by ETag: the client's copy (If-None-Match) is current; no body. */
export const NotModifiedReply = z.null().describe('Not modified: the copy named by If-None-Match is current');

import type {
  FastifyPluginAsync,
  FastifyPluginOptions,
  FastifySerializerCompiler,
  FastifyTypeProvider,
  RawServerDefault,
} from 'fastify';
import { $ZodType, safeParse, type output } from 'zod/v4/core';
import { AppError } from './errors';

/**
 * Whether every answer is checked against its declared response schema before it is sent. On under
 * tests (vitest, unless `PC_CHECK_RESPONSES=0`) and when `PC_CHECK_RESPONSES=1`; a mismatch then answers 500 `response_schema` naming the
 * fields, so a contract that drifted from the service fails the test that called the route.
 */
export const CHECK_RESPONSES =
  process.env.PC_CHECK_RESPONSES === '1' ||
  (Boolean(process.env.VITEST) && process.env.PC_CHECK_RESPONSES !== '0');

function resolve(schema: unknown): $ZodType | null {
  if (schema instanceof $ZodType) return schema;
  const props = typeof schema === 'object' && schema && 'properties' in schema ? schema.properties : null;
  return props instanceof $ZodType ? props : null;
}

/**
 * Response serializer for the zod response schemas of `@perfcommons/contracts`. Unlike the type provider's
 * own (which encodes through the schema and so drops every field the schema does not name), it sends the
 * handler's object as JSON unchanged: the schema documents the wire format in the OpenAPI document and, when
 * {@link CHECK_RESPONSES}, is checked against the JSON that goes out (dates already ISO strings).
 */
export const responseSerializer: FastifySerializerCompiler<unknown> = ({ schema, method, url }) => {
  const zod = resolve(schema);
  return (data) => {
    const json = JSON.stringify(data);
    if (CHECK_RESPONSES && zod) {
      const result = safeParse(zod, json === undefined ? undefined : JSON.parse(json));
      if (!result.success) {
        const details = result.error.issues
          .slice(0, 20)
          .map((i) => ({ path: i.path.map(String).join('.') || 'response', message: i.message }));
        throw new AppError(
          500,
          'response_schema',
          `${method} ${url}: the answer does not match its response schema (${details.map((d) => d.path).join(', ')})`,
          details,
        );
      }
    }
    return json;
  };
};

/**
 * What a handler may return for a response schema whose JSON is `T`: the same shape, except that a string
 * may still be a `Date` (a timestamp column; JSON.stringify writes it as the ISO string the schema names)
 * and an enum may still be a `string` (a text column; the check under tests holds it to the enum).
 */
export type Wire<T> = T extends string
  ? string | Date
  : T extends readonly (infer U)[]
    ? Wire<U>[]
    : T extends object
      ? { [K in keyof T]: Wire<T[K]> }
      : T;

/** The zod type provider with {@link Wire} replies: requests typed by their schemas, answers by theirs. */
export interface ContractTypeProvider extends FastifyTypeProvider {
  validator: this['schema'] extends $ZodType ? output<this['schema']> : unknown;
  serializer: this['schema'] extends $ZodType ? Wire<output<this['schema']>> : unknown;
}

/** A feature's route plugin, typed by the contracts' request and response schemas. */
export type FastifyPluginAsyncContract<Options extends FastifyPluginOptions = Record<never, never>> =
  FastifyPluginAsync<Options, RawServerDefault, ContractTypeProvider>;

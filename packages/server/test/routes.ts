import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { DEMO_PASSWORD } from '../src/seed/demo-city';

/** A route of the app as `METHOD /api/path/:param`. */
export interface RouteKey {
  method: string;
  url: string;
  key: string;
}

/**
 * Every API route the app serves, read from its route tree (`printRoutes`), so that tests follow the
 * route table without a hand-kept list. HEAD (generated for GET), the docs UI and the web fallback are left out.
 */
export function listRoutes(app: FastifyInstance): RouteKey[] {
  const lines = app.printRoutes({ commonPrefix: false }).split('\n');
  const stack: string[] = [];
  const out: RouteKey[] = [];
  for (const line of lines) {
    const m = /^([│ ]*)[├└]── (.*?)(?: \(([A-Z, ]+)\))?$/.exec(line);
    if (!m) continue;
    const depth = m[1].length / 4;
    stack.length = depth;
    const url = (depth > 0 ? stack[depth - 1] : '') + m[2];
    stack.push(url);
    if (!m[3] || !url.startsWith('/api/')) continue;
    for (const method of m[3].split(',').map((s) => s.trim())) {
      if (method === 'HEAD' || method === 'OPTIONS') continue;
      out.push({ method, url, key: `${method} ${url}` });
    }
  }
  const seen = new Set<string>();
  return out.filter((r) => (seen.has(r.key) ? false : (seen.add(r.key), true)));
}

type JsonSchema = {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  $ref?: string;
  format?: string;
  pattern?: string;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: boolean | number;
  minLength?: number;
  minItems?: number;
  default?: unknown;
  nullable?: boolean;
  additionalProperties?: boolean | JsonSchema;
};

export interface Operation {
  key: string;
  body?: JsonSchema;
  query: { name: string; required: boolean; schema: JsonSchema }[];
  components: Record<string, JsonSchema>;
}

/** Request schemas per route, from the OpenAPI document the zod schemas generate. */
export function operations(app: FastifyInstance): Map<string, Operation> {
  const spec = (app as unknown as { swagger(): OpenApi }).swagger();
  const out = new Map<string, Operation>();
  for (const [p, ops] of Object.entries(spec.paths ?? {})) {
    const url = p.replace(/\{(\w+)\}/g, ':$1');
    for (const [m, op] of Object.entries(ops)) {
      const key = `${m.toUpperCase()} ${url}`;
      out.set(key, {
        key,
        body: op.requestBody?.content?.['application/json']?.schema,
        query: (op.parameters ?? [])
          .filter((x) => x.in === 'query')
          .map((x) => ({ name: x.name, required: !!x.required, schema: x.schema ?? {} })),
        components: spec.components?.schemas ?? {},
      });
    }
  }
  return out;
}

interface OpenApi {
  paths?: Record<
    string,
    Record<
      string,
      {
        requestBody?: { content?: Record<string, { schema?: JsonSchema }> };
        parameters?: { in: string; name: string; required?: boolean; schema?: JsonSchema }[];
      }
    >
  >;
  components?: { schemas?: Record<string, JsonSchema> };
}

/**
 * A small valid value for a JSON schema: required properties only, first enum member, minimum
 * numbers, shortest strings. `hint(name)` supplies real values (ids of the demo city) by property name.
 */
export function sample(
  schema: JsonSchema | undefined,
  components: Record<string, JsonSchema>,
  hint: (name: string) => unknown = () => undefined,
  name = '',
  depth = 0,
): unknown {
  if (!schema || depth > 8) return undefined;
  if (schema.$ref)
    return sample(components[schema.$ref.split('/').pop()!], components, hint, name, depth + 1);
  const hinted = hint(name);
  if (hinted !== undefined) return hinted;
  if (schema.const !== undefined) return schema.const;
  if (schema.enum) return schema.enum[0];
  if (schema.default !== undefined) return schema.default;
  const alt = schema.anyOf ?? schema.oneOf;
  if (alt) return sample(alt[0], components, hint, name, depth + 1);
  if (schema.allOf) return sample(schema.allOf[0], components, hint, name, depth + 1);
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  switch (type) {
    case 'object': {
      const o: Record<string, unknown> = {};
      for (const k of schema.required ?? []) {
        o[k] = sample(schema.properties?.[k], components, hint, k, depth + 1);
      }
      return o;
    }
    case 'array': {
      const n = schema.minItems ?? 0;
      return Array.from({ length: n }, () => sample(schema.items, components, hint, name, depth + 1));
    }
    case 'integer':
    case 'number': {
      const min = typeof schema.minimum === 'number' ? schema.minimum : 1;
      return schema.exclusiveMinimum ? min + (type === 'integer' ? 1 : 0.5) : min;
    }
    case 'boolean':
      return true;
    case 'string': {
      if (schema.format === 'uuid') return '00000000-0000-4000-8000-000000000000';
      if (schema.format === 'date') return '2026-06-30';
      if (schema.format === 'date-time') return '2026-06-30T00:00:00Z';
      if (schema.format === 'email') return 'someone@example.org';
      if (schema.pattern?.startsWith('^\\d{4}')) return '2026';
      return 'x'.repeat(Math.max(schema.minLength ?? 1, 1));
    }
    default:
      return undefined;
  }
}

/** A request client for a role: its own cookies, CSRF header and client address (rate limits are per address). */
export interface RoleClient {
  name: string;
  headers: Record<string, string>;
  request(
    method: string,
    url: string,
    payload?: unknown,
    extra?: Record<string, string>,
  ): Promise<LightMyRequestResponse>;
}

let addressCounter = 0;
/** A new client address for each request keeps per-address rate limits out of the way of tests. */
export const nextAddress = () => {
  addressCounter += 1;
  return `10.${(addressCounter >> 16) & 255}.${(addressCounter >> 8) & 255}.${addressCounter & 255}`;
};

export async function roleClient(app: FastifyInstance, name: string): Promise<RoleClient> {
  let headers: Record<string, string> = {};
  if (name !== 'anonymous') {
    const res = await app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username: name, password: DEMO_PASSWORD },
      remoteAddress: nextAddress(),
    });
    if (res.statusCode !== 200) throw new Error(`login ${name}: ${res.statusCode} ${res.body}`);
    const c = Object.fromEntries(res.cookies.map((x) => [x.name, x.value]));
    headers = { cookie: `pc_session=${c.pc_session}; pc_csrf=${c.pc_csrf}`, 'x-csrf-token': c.pc_csrf };
  }
  return {
    name,
    headers,
    request: (method, url, payload, extra) =>
      app.inject({
        method: method as 'GET',
        url,
        headers: { ...headers, ...extra },
        remoteAddress: nextAddress(),
        ...(payload === undefined ? {} : { payload: payload as object }),
      }),
  };
}

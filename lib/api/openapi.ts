import 'server-only';
import { z } from 'zod';
import { ZError } from '@/lib/schemas/api';
import { ERROR_STATUS, type ErrorCode } from '@/lib/services/kernel/errors';
import { SWITCHBOARD_VERSION } from '@/lib/services/setup/status';
import type { AnyRoute } from './router';

/**
 * The OpenAPI 3.1 document, generated from the route table and the same zod schemas the handlers parse
 * with — so the document cannot drift from what the server accepts.
 */

export type JsonSchema = { [k: string]: unknown };

export interface OpenApiParameter {
  name: string;
  in: 'path' | 'query' | 'header';
  required: boolean;
  description?: string;
  schema: JsonSchema;
}

export interface OpenApiResponse {
  description: string;
  content?: { 'application/json'?: { schema: JsonSchema }; 'text/event-stream'?: { schema: JsonSchema } };
  /** Error codes this status can carry (extension, also rendered by /docs). */
  'x-error-codes'?: string[];
}

export interface OpenApiOperation {
  operationId: string;
  summary: string;
  tags: string[];
  security?: Record<string, string[]>[];
  parameters?: OpenApiParameter[];
  requestBody?: { required: boolean; content: { 'application/json': { schema: JsonSchema } } };
  responses: Record<string, OpenApiResponse>;
}

export interface OpenApiDocument {
  openapi: '3.1.0';
  info: { title: string; version: string; description: string };
  tags: { name: string }[];
  security: Record<string, string[]>[];
  paths: Record<string, Partial<Record<Lowercase<AnyRoute['method']>, OpenApiOperation>>>;
  components: { schemas: Record<string, JsonSchema>; securitySchemes: Record<string, JsonSchema> };
}

const DESCRIPTION = `Settings, feature flags and user preferences, resolved down a scope hierarchy (global → tenant → event → user).

- JSON in and out; bodies over 1 MiB answer 413 \`PAYLOAD_TOO_LARGE\`.
- Authenticate with \`Authorization: Bearer <api token>\` or \`X-API-Key: <api token>\`.
- Every error answers \`{ "error": { "code", "message", "field"?, "details"? } }\`.
- Writes return the new \`version\` and an \`ETag\`; send \`If-Match\` to refuse stale writes (412 \`VERSION_CONFLICT\`).
- Before first-run setup every path except the setup ones answers 503 \`SETUP_REQUIRED\`.`;

const STATUS_TEXT: Record<number, string> = {
  200: 'OK',
  201: 'Created',
  204: 'No content',
  400: 'Invalid request',
  401: 'Not authenticated',
  403: 'Not allowed',
  404: 'Not found',
  405: 'Method not allowed',
  409: 'Conflict',
  412: 'Version conflict',
  413: 'Payload too large',
  415: 'Unsupported media type',
  422: 'Invalid items',
  429: 'Too many requests',
  500: 'Internal error',
  503: 'Unavailable',
};

const PATH_PARAM_HINTS: Record<string, string> = {
  key: 'A dotted key, e.g. `display.theme`',
  projectId: 'A scope id of level `project`',
  id: 'The resource id',
};

/** zod → JSON Schema (draft 2020-12, the dialect of OpenAPI 3.1), tidied for embedding in the document. */
function toSchema(schema: z.ZodType, io: 'input' | 'output', defs: Record<string, JsonSchema>, prefix: string): JsonSchema {
  const out = z.toJSONSchema(schema, {
    target: 'draft-2020-12',
    io,
    unrepresentable: 'any',
    override: ({ zodSchema, jsonSchema }) => {
      // Responses are not parsed on the way out, so plain (non-strict) objects may carry more fields.
      const def = zodSchema._zod.def as { type: string; catchall?: unknown };
      if (io === 'output' && def.type === 'object' && def.catchall === undefined) delete jsonSchema.additionalProperties;
      // .int() adds ±MAX_SAFE_INTEGER bounds: true but noise to a reader
      if (jsonSchema.maximum === Number.MAX_SAFE_INTEGER) delete jsonSchema.maximum;
      if (jsonSchema.minimum === Number.MIN_SAFE_INTEGER) delete jsonSchema.minimum;
    },
  }) as JsonSchema;
  delete out.$schema;
  // Shared or recursive sub-schemas come back as local $defs (and a self-reference as `#`):
  // hoist them to components so every $ref resolves inside the OpenAPI document.
  const local = (out.$defs ?? {}) as Record<string, JsonSchema>;
  delete out.$defs;
  const rename = (name: string) => (name.startsWith('__') ? `${prefix}${name}` : name);
  const target = (ref: string) => `#/components/schemas/${ref === '#' ? prefix : rename(ref.slice('#/$defs/'.length))}`;
  for (const [name, s] of Object.entries(local)) defs[rename(name)] = rewriteRefs(s, target);
  const root = rewriteRefs(out, target);
  if (!JSON.stringify(root).includes(`"${target('#')}"`)) return root;
  defs[prefix] = root;
  return { $ref: target('#') };
}

function rewriteRefs(node: JsonSchema, target: (ref: string) => string): JsonSchema {
  const walk = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(walk);
    if (!v || typeof v !== 'object') return v;
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, k === '$ref' && typeof x === 'string' && x.startsWith('#') ? target(x) : walk(x)]));
  };
  return walk(node) as JsonSchema;
}

/** `GET /api/v1/settings/:key/resolve` → `getSettingsByKeyResolve` */
function operationId(r: AnyRoute): string {
  const words = r.path
    .replace(/^\/api\/v1\/?/, '')
    .split('/')
    .filter(Boolean)
    .map((s) => (s.startsWith(':') ? `By_${s.slice(1)}` : s))
    .flatMap((s) => s.split(/[^A-Za-z0-9]+/))
    .filter(Boolean);
  return r.method.toLowerCase() + words.map((w) => w[0].toUpperCase() + w.slice(1)).join('');
}

const errorResponse = (status: number, codes: string[]): OpenApiResponse => ({
  description: `${STATUS_TEXT[status] ?? 'Error'}: ${codes.map((c) => `\`${c}\``).join(', ')}`,
  content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
  'x-error-codes': codes,
});

/** Which error codes a route can answer, grouped by HTTP status. */
function errorCodes(r: AnyRoute): Map<number, string[]> {
  const codes: string[] = [];
  if (r.query || r.body || r.path.includes(':')) codes.push('INVALID_REQUEST');
  if (r.body) codes.push('PAYLOAD_TOO_LARGE');
  if (r.auth !== false) codes.push('UNAUTHENTICATED', 'INSUFFICIENT_PERMISSIONS');
  codes.push(...(r.errors ?? []));
  if (!r.beforeSetup) codes.push('SETUP_REQUIRED');
  codes.push('UNAVAILABLE');
  const byStatus = new Map<number, string[]>();
  for (const code of new Set(codes)) {
    const status = ERROR_STATUS[code as ErrorCode] ?? 500;
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  return new Map([...byStatus].sort(([a], [b]) => a - b));
}

function operation(r: AnyRoute, defs: Record<string, JsonSchema>): OpenApiOperation {
  const id = operationId(r);
  const parameters: OpenApiParameter[] = [...r.path.matchAll(/:(\w+)/g)].map(([, name]) => ({
    name,
    in: 'path',
    required: true,
    ...(PATH_PARAM_HINTS[name] && { description: PATH_PARAM_HINTS[name] }),
    schema: { type: 'string' },
  }));
  if (r.query) {
    const q = toSchema(r.query, 'input', defs, `${id}Query`);
    const required = new Set((q.required as string[] | undefined) ?? []);
    for (const [name, s] of Object.entries((q.properties ?? {}) as Record<string, JsonSchema>)) {
      const { description, ...schema } = s;
      parameters.push({ name, in: 'query', required: required.has(name), ...(typeof description === 'string' && { description }), schema });
    }
  }
  if (r.streaming) parameters.push({ name: 'Last-Event-ID', in: 'header', required: false, description: 'resume after this event id', schema: { type: 'string' } });
  const success = r.successStatus ?? 200;
  const responses: Record<string, OpenApiResponse> = {
    [success]: {
      description: STATUS_TEXT[success] ?? 'Success',
      content: { [r.streaming ?? 'application/json']: { schema: r.response ? toSchema(r.response, 'output', defs, `${id}Response`) : { type: 'object' } } },
    },
  };
  for (const [status, codes] of errorCodes(r)) responses[status] = errorResponse(status, codes);
  for (const [status, { description, schema }] of Object.entries(r.protocol?.responses ?? {})) {
    responses[status] = { description, ...(schema && { content: { 'application/json': { schema: toSchema(schema, 'output', defs, `${id}${status}`) } } }) };
  }
  const body = r.body ?? r.protocol?.body ?? r.upload;
  return {
    operationId: id,
    summary: r.summary,
    tags: r.tags,
    ...(r.auth === false && { security: [] }),
    ...(parameters.length && { parameters }),
    ...(body && {
      requestBody: { required: true, content: { 'application/json': { schema: toSchema(body, 'input', defs, `${id}Body`) } } },
    }),
    responses,
  };
}

/** Builds the document for a route table (pure; exported for tests). */
export function buildOpenApi(routes: AnyRoute[]): OpenApiDocument {
  const schemas: Record<string, JsonSchema> = { Error: toSchema(ZError, 'output', {}, 'Error') };
  const paths: OpenApiDocument['paths'] = {};
  for (const r of routes) {
    const path = r.path.replace(/:(\w+)/g, '{$1}');
    (paths[path] ??= {})[r.method.toLowerCase() as Lowercase<AnyRoute['method']>] = operation(r, schemas);
  }
  return {
    openapi: '3.1.0',
    info: { title: 'Switchboard', version: SWITCHBOARD_VERSION, description: DESCRIPTION },
    tags: [...new Set(routes.flatMap((r) => r.tags))].map((name) => ({ name })),
    security: [{ bearerAuth: [] }, { apiKey: [] }],
    paths,
    components: {
      schemas,
      securitySchemes: {
        bearerAuth: { type: 'http', scheme: 'bearer', description: 'An API token: `Authorization: Bearer <token>`' },
        apiKey: { type: 'apiKey', in: 'header', name: 'X-API-Key', description: 'The same API token in a header' },
      },
    },
  };
}

const built = new WeakMap<AnyRoute[], OpenApiDocument>();

/** The document for a route table, built once per table (the server's is built once per process). */
export function openApiDocumentFor(routes: AnyRoute[]): OpenApiDocument {
  let doc = built.get(routes);
  if (!doc) built.set(routes, (doc = buildOpenApi(routes)));
  return doc;
}

import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { buildOpenApi, type JsonSchema } from './openapi';
import { route } from './router';
import { openApiDocument, ROUTES } from './routes';

const doc = openApiDocument();
const openApiPath = (p: string) => p.replace(/:(\w+)/g, '{$1}');

describe('openApiDocument', () => {
  it('is OpenAPI 3.1 with both API token schemes', () => {
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.info.title).toBe('Switchboard');
    expect(doc.components.securitySchemes.bearerAuth).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(doc.components.securitySchemes.apiKey).toMatchObject({ type: 'apiKey', in: 'header', name: 'X-API-Key' });
    expect(openApiDocument()).toBe(doc); // built once
  });

  it('lists every route with its method, tags and declared path parameters', () => {
    for (const r of ROUTES) {
      const op = doc.paths[openApiPath(r.path)]?.[r.method.toLowerCase() as 'get'];
      expect(op, `${r.method} ${r.path}`).toBeDefined();
      expect(op!.tags).toEqual(r.tags);
      const declared = (op!.parameters ?? []).filter((p) => p.in === 'path').map((p) => p.name);
      expect(declared).toEqual([...r.path.matchAll(/:(\w+)/g)].map((m) => m[1]));
      if (r.auth === false) expect(op!.security).toEqual([]);
      else expect(Object.keys(op!.responses)).toEqual(expect.arrayContaining(['401', '403']));
    }
    const ids = Object.values(doc.paths).flatMap((ops) => Object.values(ops).map((o) => o!.operationId));
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('describes a request body from the handler schema', () => {
    const put = doc.paths['/api/v1/settings/{key}'].put!;
    const body = put.requestBody!.content['application/json'].schema;
    expect(body.required).toContain('scope');
    expect(body.additionalProperties).toBe(false);
    expect(Object.keys(body.properties as JsonSchema)).toEqual(expect.arrayContaining(['value', 'scope', 'reason', 'lock']));
    expect(put.parameters).toContainEqual(expect.objectContaining({ name: 'key', in: 'path', required: true }));
    expect(put.responses['409']['x-error-codes']).toEqual(['SETTING_READONLY', 'SETTING_LOCKED']);
    expect(put.responses['412'].description).toContain('VERSION_CONFLICT');
    expect(Object.keys(put.responses)).toEqual(expect.arrayContaining(['200', '400', '413']));
  });

  it('turns a query schema into parameters with defaults and bounds', () => {
    const list = doc.paths['/api/v1/settings'].get!;
    const limit = list.parameters!.find((p) => p.name === 'limit')!;
    expect(limit).toMatchObject({ in: 'query', required: false, schema: { type: 'integer', default: 50, maximum: 500 } });
    const userId = doc.paths['/api/v1/settings/{key}/resolve'].get!.parameters!.find((p) => p.name === 'userId')!;
    expect(userId.description).toMatch(/me/);
  });

  it('documents the success status and a public route without auth errors', () => {
    const bootstrap = doc.paths['/api/v1/setup/bootstrap'].post!;
    expect(Object.keys(bootstrap.responses)).toEqual(['201', '400', '409', '413', '503']);
    expect(bootstrap.responses['503']['x-error-codes']).toEqual(['UNAVAILABLE']);
    expect(doc.paths['/api/v1/openapi.json'].get!.security).toEqual([]);
  });
});

describe('OFREP in the document', () => {
  it("documents the protocol's own request and error bodies instead of API.md's", () => {
    const single = doc.paths['/ofrep/v1/evaluate/flags/{key}'].post!;
    expect(Object.keys((single.requestBody!.content['application/json'].schema.properties as JsonSchema).context as JsonSchema)).toContain('properties');
    expect(single.responses['404'].description).toBe('`FLAG_NOT_FOUND`');
    expect(single.responses['400'].content!['application/json']!.schema.required).toEqual(['key', 'errorCode', 'errorDetails']);
    const bulk = doc.paths['/ofrep/v1/evaluate/flags'].post!;
    expect(bulk.responses['304'].content).toBeUndefined();
    expect(bulk.responses['400'].content!['application/json']!.schema.required).toEqual(['errorCode', 'errorDetails']);
  });
});

describe('buildOpenApi', () => {
  it('hoists recursive schemas into components so every $ref resolves', () => {
    type Tree = { name: string; children: Tree[] };
    const ZTree: z.ZodType<Tree> = z.object({ name: z.string(), get children() { return z.array(ZTree); } });
    const d = buildOpenApi([route({ method: 'GET', path: '/api/v1/tree', summary: 'tree', tags: ['T'], response: ZTree, handler: async () => ({}) })]);
    const refs = JSON.stringify(d).match(/"\$ref":"[^"]+"/g) ?? [];
    expect(refs.length).toBeGreaterThan(0);
    for (const ref of refs) expect(d.components.schemas[ref.split('/').pop()!.replace(/"$/, '')], ref).toBeDefined();
  });
});

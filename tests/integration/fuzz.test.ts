import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { rowsOf } from '@/lib/db/client';
import type { JsonSchema, OpenApiDocument, OpenApiOperation } from '@/lib/api/openapi';
import { bootstrapped, startTestServer, type TestServer } from './harness';
import { createScopes, expectStatus, WORLD } from './support';

/**
 * Fuzzing every JSON endpoint of the OpenAPI document: bodies and query strings derived from each
 * operation's own schemas, then bent — wrong types, huge strings, deep nesting, odd unicode, `__proto__`,
 * unknown fields. Whatever comes in, the answer is a 2xx, or a 4xx with the error shape that wrote nothing;
 * never a 5xx. A fixed seed and a few runs per operation in `npm test`; `FUZZ_RUNS=500` for a long run
 * (`FUZZ_SEED` to replay one).
 */
const RUNS = Number(process.env.FUZZ_RUNS ?? 4);
const SEED = Number(process.env.FUZZ_SEED ?? 20260801);

let s: TestServer;
let token: string;
let doc: OpenApiDocument;

beforeAll(async () => {
  s = await startTestServer();
  token = await bootstrapped(s, 'accreditation');
  await createScopes(s, token, WORLD);
  doc = expectStatus(await s.api('GET', '/api/v1/openapi.json'), 200);
}, 240_000);
afterAll(async () => {
  await s?.close();
});

// ---------------------------------------------------------------- inputs derived from the schemas

/** Ids that exist (so a fuzzed request reaches deep into a handler) and ones that do not. */
const ID = fc.constantFrom('global', 'tenant-a', 'event-a1', 'catering.bufferPercentage', 'sms.providerApiKey', 'feature.cateringModule', 'accreditation', 'me', 'nope', '..', '%00', 'x'.repeat(300), 'ü日本\u202e');

const nastyString = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }), // lone surrogates included
  fc.constantFrom('', ' ', '\u0000', '__proto__', 'constructor', '../../etc/passwd', "'; drop table users; --", '<script>alert(1)</script>', '%s%n', '\u202e\u200b', 'NaN', '-1', '1e309', 'null', '[]', '{}'),
  fc.integer({ min: 1, max: 300_000 }).map((n) => 'x'.repeat(n)),
);

// nested values inside generated bodies (JSON.stringify-able); deeper ones are sent as raw text below
const deep = fc.integer({ min: 50, max: 400 }).map((depth) => {
  let v: unknown = 1;
  for (let i = 0; i < depth; i++) v = i % 2 ? [v] : { a: v };
  return v;
});

const anyJson: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(null, true, false, 0, -0, -1, 1.5, 2 ** 53 + 1, 1e308, -1e308, [], {}),
  nastyString,
  deep,
  fc.jsonValue({ maxDepth: 3 }),
  fc.constant(JSON.parse('{"__proto__":{"isAdmin":true},"constructor":{"prototype":{"x":1}}}')),
);

function resolveRef(schema: JsonSchema): JsonSchema {
  const ref = schema.$ref;
  if (typeof ref !== 'string') return schema;
  return resolveRef(doc.components.schemas[ref.replace('#/components/schemas/', '')] ?? {});
}

/** A value shaped like the schema, each part of which may be swapped for something hostile. */
function fromSchema(raw: JsonSchema, depth = 0): fc.Arbitrary<unknown> {
  const schema = resolveRef(raw);
  const shaped = ((): fc.Arbitrary<unknown> => {
    if (depth > 4) return anyJson;
    if (Array.isArray(schema.enum)) return fc.constantFrom(...(schema.enum as unknown[]));
    if ('const' in schema) return fc.constant(schema.const);
    const variants = (schema.anyOf ?? schema.oneOf ?? schema.allOf) as JsonSchema[] | undefined;
    if (variants?.length) return fc.oneof(...variants.map((v) => fromSchema(v, depth + 1)));
    const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
    switch (type) {
      case 'object': {
        const props = (schema.properties ?? {}) as Record<string, JsonSchema>;
        const keys = Object.keys(props);
        const known = fc.record(Object.fromEntries(keys.map((k) => [k, fromSchema(props[k], depth + 1)])), { requiredKeys: [] });
        const extra = fc.dictionary(fc.oneof(fc.string({ maxLength: 10 }), fc.constantFrom('__proto__', 'constructor', 'prototype')), anyJson, { maxKeys: 2 });
        return fc.tuple(known, fc.option(extra, { freq: 4 })).map(([k, e]) => (e ? { ...e, ...k } : k));
      }
      case 'array':
        return fc.array(fromSchema((schema.items as JsonSchema) ?? {}, depth + 1), { maxLength: 4 });
      case 'string':
        return schema.format === 'date-time' ? fc.date({ noInvalidDate: true }).map((d) => d.toISOString()) : fc.oneof(ID, fc.string({ maxLength: 20 }));
      case 'integer':
        return fc.integer({ min: -5, max: 200 });
      case 'number':
        return fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e6, max: 1e6 });
      case 'boolean':
        return fc.boolean();
      default:
        return anyJson;
    }
  })();
  return fc.oneof({ weight: 4, arbitrary: shaped }, { weight: 1, arbitrary: anyJson });
}

function queryFor(op: OpenApiOperation): fc.Arbitrary<string> {
  const params = (op.parameters ?? []).filter((p) => p.in === 'query');
  const value = (schema: JsonSchema) =>
    fc.oneof(
      fromSchema(schema).map((v) => (typeof v === 'string' ? v : JSON.stringify(v) ?? '')),
      nastyString.map((v) => v.slice(0, 5000)),
    );
  const pairs = fc.tuple(
    fc.array(fc.constantFrom(...(params.length ? params : [{ name: 'q', schema: {} as JsonSchema }])), { maxLength: 4 }).chain((chosen) =>
      fc.tuple(...chosen.map((p) => value(p.schema).map((v) => [p.name, v] as const))),
    ),
    fc.option(fc.tuple(fc.constantFrom('__proto__', 'unknown', 'limit', 'offset', 'scope'), nastyString.map((v) => v.slice(0, 200))), { freq: 3 }),
  );
  return pairs.map(([known, extra]) => {
    const q = new URLSearchParams();
    for (const [k, v] of known) q.append(k, v);
    if (extra) q.append(extra[0], extra[1]);
    // (past ~16 KB of headers Node itself answers 431 before any of our code runs)
    const text = q.toString().slice(0, 8000);
    return text ? `?${text}` : '';
  });
}

// ---------------------------------------------------------------- the properties

/** Rows in every table a request could write, in one round trip. */
async function counts(): Promise<Record<string, string>> {
  const [row] = rowsOf<Record<string, string>>(
    await s.app.db.execute(sql`select
      (select count(*) from audit_log where action <> 'setting.reveal') as audit,
      (select count(*) from users) as users, (select count(*) from role_assignments) as roles,
      (select count(*) from api_tokens) as tokens, (select count(*) from scopes) as scopes,
      (select count(*) from hierarchy_levels) as levels, (select count(*) from setting_definitions) as definitions,
      (select max(version) from setting_values) as value_versions, (select count(*) from setting_values) as values,
      (select count(*) from feature_flags) as flags`),
  );
  return Object.fromEntries(Object.entries(row).map(([k, v]) => [k, String(v)]));
}

function operations() {
  return Object.entries(doc.paths).flatMap(([path, ops]) =>
    Object.entries(ops)
      .filter(([method]) => method !== 'head')
      // Server-Sent Events answer with a stream that stays open: tests/integration/stream.test.ts covers them
      .filter(([, op]) => !(op as OpenApiOperation).responses['200']?.content?.['text/event-stream'])
      .map(([method, op]) => ({ path, method: method.toUpperCase(), op: op as OpenApiOperation })),
  );
}

describe('fuzzing every endpoint of the OpenAPI document', () => {
  it('covers the whole document', () => {
    expect(operations().length).toBeGreaterThan(40);
  });

  it('answers 2xx, or a 4xx with the error shape that wrote nothing; never a 5xx', async () => {
    const ops = operations();
    for (const [i, { path, method, op }] of ops.entries()) {
      const isOfrep = path.startsWith('/ofrep/');
      const bodySchema = op.requestBody?.content['application/json'].schema;
      const input = fc.record({
        params: fc.array(ID, { minLength: 3, maxLength: 3 }),
        query: queryFor(op),
        body: bodySchema ? fromSchema(bodySchema) : fc.option(anyJson, { freq: 3 }),
        raw: fc.option(
          fc.oneof(
            fc.constantFrom('{', '{"a":1,}', '\u0000', '[1,2', '{"__proto__":1}', '{"a":{"__proto__":{"b":1}}}', 'null', '"x"', '\ufeff{}'),
            fc.integer({ min: 1000, max: 200_000 }).map((d) => `${'{"a":['.repeat(d)}1${']}'.repeat(d)}`),
          ),
          { freq: 6 },
        ),
      });
      await fc.assert(
        fc.asyncProperty(input, async ({ params, query, body, raw }) => {
          let n = 0;
          const url = path.replace(/\{[^}]+\}/g, () => encodeURIComponent(params[n++])) + query;
          const text = method === 'GET' ? undefined : (raw ?? (body === undefined || body === null ? undefined : JSON.stringify(body)));
          const before = await counts();
          const res = await s.api(method, url, { token, raw: text, headers: text === undefined ? {} : { 'content-type': 'application/json' } });
          const what = `${method} ${url.slice(0, 200)} ${String(text).slice(0, 300)} → ${res.status} ${JSON.stringify(res.body).slice(0, 300)}`;
          expect(res.status, what).toBeLessThan(500);
          if (res.status >= 400 && !isOfrep) {
            expect(res.body, what).toEqual({ error: expect.objectContaining({ code: expect.stringMatching(/^[A-Z_]+$/), message: expect.any(String) }) });
            expect(await counts(), what).toEqual(before);
          }
        }),
        { numRuns: RUNS, seed: SEED + i, endOnFailure: true },
      );
    }
  }, 300_000);
});

import 'server-only';
import { createHash } from 'node:crypto';
import type { Principal } from '@/lib/auth/policy';
import type { FlagEvaluation } from '@/lib/engine/flags';
import type { TFlagReason } from '@/lib/schemas/flags';
import { ZOfrepBulkAnswer, ZOfrepBulkFailure, ZOfrepFailure, ZOfrepRequest, ZOfrepSuccess } from '@/lib/schemas/ofrep';
import type { App } from '@/lib/services/kernel/app';
import { ServiceError } from '@/lib/services/kernel/errors';
import { flagEvaluator, type FlagContextInput, type FlagEvaluator } from '@/lib/services/flags/evaluate';
import { json, readJsonBody } from '../http';
import { route } from '../router';

/**
 * The OpenFeature Remote Evaluation Protocol (open-feature/protocol, service/openapi.yaml), so the official
 * OFREP providers work unchanged. Values and reasons as API.md "OpenFeature remote evaluation" maps them.
 */

const tags = ['OpenFeature (OFREP)'];

const OPENFEATURE_REASON: Record<TFlagReason, string> = {
  NOT_FOUND: 'ERROR',
  ENABLED: 'STATIC',
  ROLLOUT_INCLUDED: 'SPLIT',
  ROLLOUT_EXCLUDED: 'SPLIT',
  USER_TARGETED: 'TARGETING_MATCH',
  USER_NOT_TARGETED: 'TARGETING_MATCH',
  ROLE_TARGETED: 'TARGETING_MATCH',
  ROLE_NOT_TARGETED: 'TARGETING_MATCH',
  DISABLED: 'DISABLED',
  EXPIRED: 'DISABLED',
  DEPENDENCY_DISABLED: 'DISABLED',
};

/** A bad request, answered with the protocol's own error body rather than API.md's. */
class OfrepFailure extends Error {
  readonly status = 400;
  constructor(
    readonly errorCode: 'PARSE_ERROR' | 'INVALID_CONTEXT',
    message: string,
  ) {
    super(message);
  }
}

/** The request's evaluation context (shape: ZOfrepRequest); empty strings count as absent. */
async function contextOf(req: Request): Promise<FlagContextInput> {
  let body: unknown;
  try {
    body = await readJsonBody(req);
  } catch (e) {
    if (e instanceof ServiceError && e.code === 'INVALID_REQUEST') throw new OfrepFailure('PARSE_ERROR', e.message);
    throw e;
  }
  if (!isObject(body) || !isObject(body.context)) throw new OfrepFailure('INVALID_CONTEXT', 'The body must be { "context": { … } }');
  const parsed = ZOfrepRequest.safeParse(body);
  if (!parsed.success) throw new OfrepFailure('INVALID_CONTEXT', `${parsed.error.issues[0].path.join('.')} must be a string`);
  const { context } = parsed.data;
  const text = (v: string | undefined) => (v === '' ? undefined : v);
  return {
    userId: text(context.targetingKey),
    tenantId: text(context.tenantId),
    eventId: text(context.eventId),
    projectId: text(context.projectId),
    scope: text(context.scope),
    role: text(context.role),
  };
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The evaluator for the request's context; a scope the context names badly or that does not exist is INVALID_CONTEXT. */
async function evaluatorFor(app: App, principal: Principal, req: Request): Promise<FlagEvaluator> {
  const input = await contextOf(req);
  try {
    return await flagEvaluator(app, principal, input);
  } catch (e) {
    if (e instanceof ServiceError && (e.code === 'INVALID_REQUEST' || e.code === 'SCOPE_NOT_FOUND')) throw new OfrepFailure('INVALID_CONTEXT', e.message);
    throw e;
  }
}

/**
 * One flag's answer: `value` true/false for a flag without variants; the assigned variant's key and value
 * for a flag with variants, and no value when such a flag is off, so the client keeps its code default.
 */
function evaluationBody(evaluator: FlagEvaluator, e: FlagEvaluation) {
  if (e.reason === 'NOT_FOUND') return { key: e.key, errorCode: 'FLAG_NOT_FOUND' as const, errorDetails: `No flag "${e.key}" here` };
  if (e.missingUserId) return { key: e.key, errorCode: 'TARGETING_KEY_MISSING' as const, errorDetails: `"${e.key}" needs context.targetingKey (the user id)` };
  const metadata = { reason: e.reason, scope: e.scopeId! };
  const base = { key: e.key, reason: OPENFEATURE_REASON[e.reason] };
  if (e.variant !== undefined) return { ...base, value: e.value, variant: e.variant, metadata };
  if (evaluator.flag(e.key)?.variants?.length) return { ...base, metadata };
  return { ...base, value: e.enabled, metadata };
}

function failure(e: unknown, key?: string): Response {
  if (!(e instanceof OfrepFailure)) throw e; // auth, permissions, storage: the router's answers
  return json({ ...(key !== undefined && { key }), errorCode: e.errorCode, errorDetails: e.message }, e.status);
}

/** Strong ETag of the bulk answer: it changes whenever any evaluation in it does (flags, context, expiry). */
const etagOf = (body: string) => `"${createHash('sha1').update(body).digest('base64url')}"`;

function matches(ifNoneMatch: string | null, tag: string): boolean {
  if (!ifNoneMatch) return false;
  return ifNoneMatch.split(',').some((t) => {
    const v = t.trim().replace(/^W\//, '');
    return v === '*' || v === tag;
  });
}

export const ofrepRoutes = [
  route({
    method: 'POST',
    path: '/ofrep/v1/evaluate/flags/:key',
    summary: 'OFREP single evaluation of a flag for a context',
    tags,
    response: ZOfrepSuccess,
    protocol: {
      body: ZOfrepRequest,
      responses: {
        400: { description: '`PARSE_ERROR` (malformed JSON), `INVALID_CONTEXT`, `TARGETING_KEY_MISSING`', schema: ZOfrepFailure },
        404: { description: '`FLAG_NOT_FOUND`', schema: ZOfrepFailure },
      },
    },
    handler: async ({ app, principal, params, req }) => {
      try {
        const evaluator = await evaluatorFor(app, principal, req);
        const body = evaluationBody(evaluator, evaluator.evaluate(params.key));
        return 'errorCode' in body ? json(body, body.errorCode === 'FLAG_NOT_FOUND' ? 404 : 400) : body;
      } catch (e) {
        return failure(e, params.key);
      }
    },
  }),
  route({
    method: 'POST',
    path: '/ofrep/v1/evaluate/flags',
    summary: 'OFREP bulk evaluation of every flag at the context’s scope: { flags: [...] } with an ETag; If-None-Match → 304',
    tags,
    response: ZOfrepBulkAnswer,
    protocol: {
      body: ZOfrepRequest,
      responses: {
        304: { description: 'Not modified: If-None-Match holds the current ETag' },
        400: { description: '`PARSE_ERROR` (malformed JSON), `INVALID_CONTEXT`', schema: ZOfrepBulkFailure },
      },
    },
    handler: async ({ app, principal, req }) => {
      try {
        const evaluator = await evaluatorFor(app, principal, req);
        const body = JSON.stringify({ flags: evaluator.keys().map((key) => evaluationBody(evaluator, evaluator.evaluate(key))) });
        const tag = etagOf(body);
        if (matches(req.headers.get('if-none-match'), tag)) return new Response(null, { status: 304, headers: { etag: tag, 'cache-control': 'no-store' } });
        return new Response(body, { headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', etag: tag } });
      } catch (e) {
        return failure(e);
      }
    },
  }),
];

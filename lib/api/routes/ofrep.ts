import 'server-only';
import { hash } from 'node:crypto';
import type { Principal } from '@/lib/auth/policy';
import type { FlagEvaluation, FlagRule } from '@/lib/engine/flags';
import type { TFlagReason } from '@/lib/schemas/flags';
import { ZOfrepBulkAnswer, ZOfrepBulkFailure, ZOfrepBulkQuery, ZOfrepEventsQuery, ZOfrepFailure, ZOfrepRefetch, ZOfrepRequest, ZOfrepSuccess } from '@/lib/schemas/ofrep';
import { revalidateTable } from '@/lib/services/flags/table';
import { ofrepEventStreams, openOfrepStream } from '@/lib/services/stream/ofrep';
import { SSE_HEADERS } from './stream';
import type { App } from '@/lib/services/kernel/app';
import { ServiceError } from '@/lib/services/kernel/errors';
import { flagEvaluator, type FlagContextInput, type FlagEvaluator } from '@/lib/services/flags/evaluate';
import { json, readJsonBody } from '../http';
import { JSON_HEADERS, Reply } from '../reply';
import type { ApiRequest } from '../request';
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
async function contextOf(req: ApiRequest): Promise<FlagContextInput> {
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
async function evaluatorFor(app: App, principal: Principal, req: ApiRequest): Promise<FlagEvaluator> {
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
function evaluationBody(rule: FlagRule | undefined, e: FlagEvaluation) {
  if (e.reason === 'NOT_FOUND') return { key: e.key, errorCode: 'FLAG_NOT_FOUND' as const, errorDetails: `No flag "${e.key}" here` };
  if (e.missingUserId) return { key: e.key, errorCode: 'TARGETING_KEY_MISSING' as const, errorDetails: `"${e.key}" needs context.targetingKey (the user id)` };
  const metadata = { reason: e.reason, scope: e.scopeId! };
  const base = { key: e.key, reason: OPENFEATURE_REASON[e.reason] };
  if (e.variant !== undefined) return { ...base, value: e.value, variant: e.variant, metadata };
  if (rule?.variants?.length) return { ...base, metadata };
  return { ...base, value: e.enabled, metadata };
}

/**
 * The serialized answers of one flag row, by outcome: a row has a handful of possible answers (its reasons
 * × its variants), none of which depends on who asked, so each is built and serialized once per row (rows
 * are replaced, never changed, when flags change) and every later request only looks it up.
 */
const answersByRule = new WeakMap<FlagRule, Map<string, { json: string; status: number }>>();

function answerOf(rule: FlagRule | undefined, e: FlagEvaluation): { json: string; status: number } {
  if (!rule) return serialized(evaluationBody(rule, e));
  let answers = answersByRule.get(rule);
  if (!answers) answersByRule.set(rule, (answers = new Map()));
  const outcome = `${e.reason}${e.missingUserId ? '!' : ''}\u0000${e.variant ?? ''}`;
  let answer = answers.get(outcome);
  if (!answer) answers.set(outcome, (answer = serialized(evaluationBody(rule, e))));
  return answer;
}

function serialized(body: ReturnType<typeof evaluationBody>) {
  const status = !('errorCode' in body) ? 200 : body.errorCode === 'FLAG_NOT_FOUND' ? 404 : 400;
  return { json: JSON.stringify(body), status };
}

function failure(e: unknown, key?: string): Reply {
  if (!(e instanceof OfrepFailure)) throw e; // auth, permissions, storage: the router's answers
  return json({ ...(key !== undefined && { key }), errorCode: e.errorCode, errorDetails: e.message }, e.status);
}

/**
 * Strong ETag of the bulk answer, from what decides every evaluation in it (the flag set's version, the
 * context's scope path, user and role, and which expiry times have passed) rather than from the body.
 */
const etagOf = (fingerprint: string) => `"${hash('sha1', fingerprint, 'base64url')}"`;

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
    duringMaintenance: true,
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
        const answer = answerOf(evaluator.flag(params.key), evaluator.evaluate(params.key));
        return new Reply(answer.status, answer.json);
      } catch (e) {
        return failure(e, params.key);
      }
    },
  }),
  route({
    method: 'POST',
    path: '/ofrep/v1/evaluate/flags',
    duringMaintenance: true,
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
    query: ZOfrepBulkQuery,
    handler: async ({ app, principal, req, query }) => {
      try {
        await revalidateTable(app, { etag: query.flagConfigEtag, lastModified: query.flagConfigLastModified });
        const evaluator = await evaluatorFor(app, principal, req);
        const tag = etagOf(evaluator.fingerprint());
        // evaluated even for a 304: every evaluation stamps its flag's last-evaluated time
        let body = '{"flags":[';
        const keys = evaluator.keys();
        for (let i = 0; i < keys.length; i++) body += (i ? ',' : '') + answerOf(evaluator.flag(keys[i]), evaluator.evaluate(keys[i])).json;
        body += `],"eventStreams":${await ofrepEventStreams(app, principal, evaluator.scopeIds)}}`;
        if (matches(req.headers.get('if-none-match'), tag)) return new Reply(304, null, { etag: tag, 'cache-control': 'no-store' });
        return new Reply(200, body, { ...JSON_HEADERS, etag: tag });
      } catch (e) {
        return failure(e);
      }
    },
  }),
  route({
    method: 'GET',
    path: '/ofrep/v1/events',
    auth: false,
    summary:
      'OFREP live updates (ADR-0008): plain `message` events `{ type: "refetchEvaluation", etag, lastModified }` when a flag on the context’s scope path changes. The URL comes from a bulk answer’s `eventStreams` (its ticket is short-lived, read-only and ends with the token it was issued for).',
    tags,
    query: ZOfrepEventsQuery,
    response: ZOfrepRefetch,
    streaming: 'text/event-stream',
    errors: ['UNAUTHENTICATED', 'RATE_LIMITED'],
    handler: async ({ app, query, req }) => new Response(await openOfrepStream(app, query.ticket, req.headers.get('last-event-id')), { headers: SSE_HEADERS }),
  }),
];

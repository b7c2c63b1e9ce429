import 'server-only';
import type { Principal } from '@/lib/auth/policy';
import { effectiveRule, evaluateFlag, type FlagEvaluation, type FlagRule } from '@/lib/engine/flags';
import type { App } from '../kernel/app';
import { resolveContext, type ContextInput } from '../scopes/context';
import { pathIds } from '../scopes/path';
import type { FlagRow } from './store';
import { expiredCount, factsOf, keysOnPath } from './fingerprint';
import { cachedTable, noteEvaluated } from './table';

export interface FlagContextInput extends Omit<ContextInput, 'userId'> {
  /** The targeting key: any id of the caller's users. */
  userId?: string;
  role?: string;
}

export interface FlagEvaluator {
  /** The effective row of a key on the context's scope path. */
  flag(key: string): FlagRule | undefined;
  /** Keys with a row on the context's scope path, sorted. */
  keys(): readonly string[];
  evaluate(key: string): FlagEvaluation;
  /**
   * Everything every evaluation of this evaluator depends on (the flag rows' versions, which expiry times
   * have passed, the scope path, user and role): equal fingerprints, equal answers.
   */
  fingerprint(): string;
  /** The context's scope path, most specific first. */
  scopeIds: readonly string[];
}

/** Flags as seen from a context: its scope path (checked for `flags.evaluate`), user and role. */
export async function flagEvaluator(app: App, principal: Principal, input: FlagContextInput): Promise<FlagEvaluator> {
  const { path } = await resolveContext(app, principal, { scope: input.scope, tenantId: input.tenantId, eventId: input.eventId, projectId: input.projectId }, { action: 'flags.evaluate' });
  const table = await cachedTable(app);
  const ids = pathIds(path);
  const flag = (key: string): FlagRow | undefined => effectiveRule(table.get(key), ids);
  const ctx = { userId: input.userId, role: input.role, now: new Date() };
  const facts = factsOf(table);
  return {
    flag,
    keys: () => keysOnPath(table, facts, ids.join('/'), (k) => !!flag(k)),
    evaluate(key) {
      const row = flag(key);
      if (row) noteEvaluated(app, row);
      return evaluateFlag(key, ctx, flag);
    },
    scopeIds: ids,
    fingerprint: () => JSON.stringify([facts.version, expiredCount(facts.expiries, ctx.now.getTime()), ids, ctx.userId ?? null, ctx.role ?? null]),
  };
}

/** `GET /flags/:key/evaluate` → `{ key, enabled, reason, variant?, value? }`; `userId=me` is the caller. */
export async function evaluateOne(app: App, principal: Principal, key: string, input: FlagContextInput) {
  const userId = input.userId === 'me' ? principal.userId : input.userId;
  const { enabled, reason, variant, value } = (await flagEvaluator(app, principal, { ...input, userId })).evaluate(key);
  return { key, enabled, reason, ...(variant !== undefined && { variant, value }) };
}

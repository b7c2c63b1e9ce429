/**
 * Feature flag evaluation (API.md "Feature flags", seed 003 §5.2). Pure: the caller hands in the flag rows
 * effective for the context's scope path and the current time.
 */
import * as crypto from 'node:crypto';
import type { TFlagReason, TFlagType, TFlagVariant } from '@/lib/schemas/flags';

// checks the web app's flag form runs too, kept apart from node:crypto
export { flagRuleProblems } from './flag-rules';

/** The rule fields of one stored flag row. */
export interface FlagRule {
  key: string;
  /** Where the row is stored: a scope's own row wins over its ancestors'. */
  scopeId: string;
  enabled: boolean;
  flagType: TFlagType;
  rolloutPercentage: number | null;
  enabledForRoles: readonly string[];
  enabledForUsers: readonly string[];
  dependsOnFlag: string | null;
  expiresAt: Date | null;
  variants: readonly TFlagVariant[] | null;
}

export interface FlagContext {
  /** The targeting key: any id of the caller's users. */
  userId?: string;
  role?: string;
  now: Date;
}

export interface FlagEvaluation {
  key: string;
  enabled: boolean;
  reason: TFlagReason;
  variant?: string;
  /** The assigned variant's value. */
  value?: unknown;
  /** The scope of the row that decided. */
  scopeId?: string;
  /** The answer hinged on a user id the context lacks (OFREP answers TARGETING_KEY_MISSING). */
  missingUserId?: true;
}

export interface FlagBuckets {
  rollout: number;
  variant: number;
}

// one-shot crypto.hash (Node ≥ 20.12 / 21.7) skips the Hash object; older runtimes (the SDK runs in the
// caller's Node) fall back to createHash: the same digest
const sha256: (text: string) => Buffer =
  typeof crypto.hash === 'function' ? (text) => crypto.hash('sha256', text, 'buffer') : (text) => crypto.createHash('sha256').update(text).digest();

/** How an evaluator gets a user's buckets for a flag: flagBuckets, or a memo in front of it (the SDK's). */
export type BucketsOf = (flagKey: string, userId: string) => FlagBuckets;

/**
 * The two buckets (0–99) of a user for a flag, from one SHA-256 of `"<flagKey>:<userId>"`: bytes 0–1
 * (big-endian) decide the percentage rollout exactly as API.md states, bytes 2–3 pick the variant, so
 * the users let in by a rollout are not all given the first variants.
 */
export function flagBuckets(flagKey: string, userId: string): FlagBuckets {
  const digest = sha256(`${flagKey}:${userId}`);
  return { rollout: digest.readUInt16BE(0) % 100, variant: digest.readUInt16BE(2) % 100 };
}

/** The variant whose cumulative weight range holds the bucket (weights sum to 100). */
export function pickVariant(variants: readonly TFlagVariant[], bucket: number): TFlagVariant {
  let upTo = 0;
  for (const v of variants) {
    upTo += v.weight;
    if (bucket < upTo) return v;
  }
  return variants[variants.length - 1];
}

/** The most specific row on the scope path (most specific scope first). */
export function effectiveRule<T>(rows: ReadonlyMap<string, T> | undefined, pathIds: readonly string[]): T | undefined {
  if (!rows) return undefined;
  for (const id of pathIds) {
    const row = rows.get(id);
    if (row) return row;
  }
  return undefined;
}

/**
 * Evaluates `key` in order: exists → enabled → not expired → its dependency is on (evaluated the same way,
 * for the same context) → the rule of its type → a variant, if it has any. `lookup` answers the effective
 * row of a key for the context's scope path.
 */
export function evaluateFlag(key: string, ctx: FlagContext, lookup: (key: string) => FlagRule | undefined, buckets: BucketsOf = flagBuckets): FlagEvaluation {
  return evaluate(key, ctx, lookup, buckets);
}

function evaluate(key: string, ctx: FlagContext, lookup: (key: string) => FlagRule | undefined, buckets: BucketsOf, seen?: Set<string>): FlagEvaluation {
  const rule = lookup(key);
  if (!rule) return { key, enabled: false, reason: 'NOT_FOUND' };
  if (!rule.enabled) return answer(key, rule, false, 'DISABLED');
  if (rule.expiresAt && ctx.now.getTime() > rule.expiresAt.getTime()) return answer(key, rule, false, 'EXPIRED');
  if (rule.dependsOnFlag) {
    seen = new Set(seen).add(key);
    // writes refuse cycles; one slipping through (rows of different scopes) counts as "dependency off"
    const dep = seen.has(rule.dependsOnFlag) ? undefined : evaluate(rule.dependsOnFlag, ctx, lookup, buckets, seen);
    if (!dep?.enabled) return answer(key, rule, false, 'DEPENDENCY_DISABLED', dep?.missingUserId);
  }

  const { userId, role } = ctx;
  // hashed only for the rules that need it, once: evaluation is a hot path (no closures here either, which
  // the server's TypeScript loader would name on every call)
  let b: FlagBuckets | undefined;
  let result: FlagEvaluation;
  switch (rule.flagType) {
    case 'percentage': {
      if (userId !== undefined) b = buckets(key, userId);
      const hit = !!b && b.rollout < (rule.rolloutPercentage ?? 0);
      result = answer(key, rule, hit, hit ? 'ROLLOUT_INCLUDED' : 'ROLLOUT_EXCLUDED', !b);
      break;
    }
    case 'user_targeted': {
      const hit = userId !== undefined && rule.enabledForUsers.includes(userId);
      result = answer(key, rule, hit, hit ? 'USER_TARGETED' : 'USER_NOT_TARGETED', userId === undefined);
      break;
    }
    case 'role_targeted': {
      const hit = role !== undefined && rule.enabledForRoles.includes(role);
      result = answer(key, rule, hit, hit ? 'ROLE_TARGETED' : 'ROLE_NOT_TARGETED');
      break;
    }
    // tenant_targeted (seed 003 §3.2): the targeting is the tenant's own row, already chosen by lookup
    default:
      result = answer(key, rule, true, 'ENABLED');
  }
  if (!result.enabled || !rule.variants?.length) return result;
  if (userId === undefined) return { ...result, missingUserId: true };
  b ??= buckets(key, userId);
  const variant = pickVariant(rule.variants, b.variant);
  result.variant = variant.key;
  result.value = variant.value;
  return result;
}

function answer(key: string, rule: FlagRule, enabled: boolean, reason: TFlagReason, missingUserId = false): FlagEvaluation {
  const result: FlagEvaluation = { key, enabled, reason, scopeId: rule.scopeId };
  if (missingUserId) result.missingUserId = true;
  return result;
}

/**
 * The cycle `key → dependsOn → … → key` a new dependency would close, or null. `dependencies(k)` answers
 * what flag k depends on in any scope's row, so a cycle through rows of different scopes is refused too.
 */
export function dependencyCycle(key: string, dependsOn: string, dependencies: (key: string) => Iterable<string>): string[] | null {
  const trail = new Map<string, string>(); // reached → reached from
  const queue = [dependsOn];
  trail.set(dependsOn, key);
  while (queue.length) {
    const at = queue.shift()!;
    if (at === key) {
      const cycle = [key];
      for (let k = trail.get(key)!; k !== key; k = trail.get(k)!) cycle.unshift(k);
      return [key, ...cycle];
    }
    for (const next of dependencies(at)) {
      if (!trail.has(next)) {
        trail.set(next, at);
        queue.push(next);
      }
    }
  }
  return null;
}

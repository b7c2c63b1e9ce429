/**
 * Local flag evaluation from a snapshot, by the server's own rule (lib/engine/flags: same order, same
 * SHA-256 buckets), so an SDK and `GET /flags/:key/evaluate` agree for every user.
 */
import { effectiveRule, evaluateFlag, flagBuckets, type FlagBuckets, type FlagEvaluation, type FlagRule } from '@/lib/engine/flags';
import type { TSdkSnapshot } from '@/lib/schemas/sdk';
import type { EvalContext } from './types';

// a user's buckets for a flag never change; a bounded memo saves rehashing on repeated evaluations
const MEMO_MAX = 10_000;

export class LocalFlags {
  private readonly rules = new Map<string, FlagRule>();
  private readonly memo = new Map<string, FlagBuckets>();
  private readonly lookup = (key: string) => this.rules.get(key);
  private readonly buckets = (flagKey: string, userId: string): FlagBuckets => {
    const id = flagKey + '\u0000' + userId;
    let b = this.memo.get(id);
    if (b === undefined) {
      if (this.memo.size >= MEMO_MAX) this.memo.clear();
      b = flagBuckets(flagKey, userId);
      this.memo.set(id, b);
    }
    return b;
  };

  constructor(snapshot: TSdkSnapshot) {
    const byKey = new Map<string, Map<string, FlagRule>>();
    for (const row of snapshot.flags) {
      let m = byKey.get(row.key);
      if (!m) byKey.set(row.key, (m = new Map()));
      m.set(row.scopeId, { ...row, expiresAt: row.expiresAt ? new Date(row.expiresAt) : null });
    }
    for (const [key, rows] of byKey) {
      const rule = effectiveRule(rows, snapshot.scopePath);
      if (rule) this.rules.set(key, rule);
    }
  }

  rule(key: string): FlagRule | undefined {
    return this.rules.get(key);
  }
  keys(): string[] {
    return [...this.rules.keys()];
  }

  evaluate(key: string, ctx: EvalContext, now = new Date()): FlagEvaluation {
    return evaluateFlag(key, { userId: ctx.userId, role: ctx.role, now }, this.lookup, this.buckets);
  }
}

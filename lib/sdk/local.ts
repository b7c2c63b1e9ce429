/**
 * Local flag evaluation from a snapshot, by the server's own rule (lib/engine/flags: same order, same
 * SHA-256 buckets), so an SDK and `GET /flags/:key/evaluate` agree for every user.
 */
import { effectiveRule, evaluateFlag, flagBuckets, type FlagBuckets, type FlagEvaluation, type FlagRule } from '@/lib/engine/flags';
import type { TSdkSnapshot } from '@/lib/schemas/sdk';
import type { EvalContext } from './types';

// a user's buckets for a flag never change; a bounded memo saves rehashing on repeated evaluations
const MEMO_MAX = 50_000;

export class LocalFlags {
  private readonly rules = new Map<string, FlagRule>();
  /** flag key → user id → buckets (two levels: no key concatenation per call). */
  private readonly memo = new Map<string, Map<string, FlagBuckets>>();
  private memoSize = 0;
  /** Reused for every evaluation (only expiry reads it): no Date allocated per call. */
  private readonly clock = new Date();
  private readonly lookup = (key: string) => this.rules.get(key);
  private readonly buckets = (flagKey: string, userId: string): FlagBuckets => {
    let users = this.memo.get(flagKey);
    if (users === undefined) this.memo.set(flagKey, (users = new Map()));
    let b = users.get(userId);
    if (b === undefined) {
      if (this.memoSize >= MEMO_MAX) {
        for (const m of this.memo.values()) m.clear();
        this.memoSize = 0;
      }
      b = flagBuckets(flagKey, userId);
      users.set(userId, b);
      this.memoSize++;
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

  evaluate(key: string, ctx: EvalContext, now?: Date): FlagEvaluation {
    if (now === undefined) {
      now = this.clock;
      now.setTime(Date.now());
    }
    return evaluateFlag(key, { userId: ctx.userId, role: ctx.role, now }, this.lookup, this.buckets);
  }
}

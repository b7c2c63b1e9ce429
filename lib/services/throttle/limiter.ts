/**
 * In-process token buckets: O(1) per check, no I/O, bounded memory. Each key holds up to `burst`
 * requests and refills at `perMinute` a minute. Past `maxKeys` the least recently seen key is dropped
 * (it starts again with a full bucket, which errs on the side of letting a request through).
 *
 * Per process: with several instances behind a load balancer every instance keeps its own buckets, so
 * a client spread over n instances gets up to n times the budget.
 */
export interface BucketOptions {
  /** Sustained rate; 0 turns the limit off. */
  perMinute: number;
  /** How many requests may arrive at once; defaults to one minute's worth. */
  burst?: number;
  maxKeys?: number;
}

export type Take = { ok: true } | { ok: false; retryAfterSeconds: number };

interface Bucket {
  tokens: number;
  at: number;
}

export class TokenBuckets {
  private buckets = new Map<string, Bucket>();
  private readonly rate: number;
  private readonly burst: number;
  private readonly maxKeys: number;

  constructor(readonly options: BucketOptions) {
    this.rate = options.perMinute / 60_000;
    this.burst = Math.max(1, options.burst ?? options.perMinute);
    this.maxKeys = options.maxKeys ?? 100_000;
  }

  get enabled() {
    return this.options.perMinute > 0;
  }

  take(key: string, now = Date.now(), cost = 1): Take {
    if (!this.enabled) return { ok: true };
    const bucket = this.refill(key, now);
    if (bucket.tokens >= cost) {
      bucket.tokens -= cost;
      return { ok: true };
    }
    return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((cost - bucket.tokens) / this.rate / 1000)) };
  }

  /** Whether `cost` is available right now, without spending it. */
  peek(key: string, now = Date.now(), cost = 1): Take {
    if (!this.enabled) return { ok: true };
    const bucket = this.buckets.get(key);
    if (!bucket) return { ok: true };
    const tokens = Math.min(this.burst, bucket.tokens + (now - bucket.at) * this.rate);
    return tokens >= cost ? { ok: true } : { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((cost - tokens) / this.rate / 1000)) };
  }

  forget(key: string) {
    this.buckets.delete(key);
  }

  private refill(key: string, now: number): Bucket {
    let bucket = this.buckets.get(key);
    if (bucket) {
      this.buckets.delete(key); // re-inserted below: Map order is then least recently seen first
      bucket.tokens = Math.min(this.burst, bucket.tokens + Math.max(0, now - bucket.at) * this.rate);
      bucket.at = now;
    } else {
      if (this.buckets.size >= this.maxKeys) this.buckets.delete(this.buckets.keys().next().value!);
      bucket = { tokens: this.burst, at: now };
    }
    this.buckets.set(key, bucket);
    return bucket;
  }
}

/**
 * Exponential backoff after failures per key: the first `free` failures cost nothing, then each one
 * makes the next attempt wait twice as long (from `baseSeconds`, capped at `maxSeconds`). The count
 * starts over after `resetAfterMs` without a failure, or on `succeed`.
 */
export class FailureBackoff {
  private failures = new Map<string, { count: number; last: number; until: number }>();

  constructor(private readonly options: { free: number; baseSeconds: number; maxSeconds: number; resetAfterMs: number; maxKeys?: number }) {}

  check(key: string, now = Date.now()): Take {
    const f = this.failures.get(key);
    if (!f || f.until <= now) return { ok: true };
    return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((f.until - now) / 1000)) };
  }

  fail(key: string, now = Date.now(), at: { resetAfterMs?: number; free?: number } = {}) {
    const prior = this.failures.get(key);
    const count = prior && now - prior.last < (at.resetAfterMs ?? this.options.resetAfterMs) ? prior.count + 1 : 1;
    const over = count - (at.free ?? this.options.free);
    const wait = over > 0 ? Math.min(this.options.maxSeconds, this.options.baseSeconds * 2 ** (over - 1)) * 1000 : 0;
    this.failures.delete(key);
    if (this.failures.size >= (this.options.maxKeys ?? 100_000)) this.failures.delete(this.failures.keys().next().value!);
    this.failures.set(key, { count, last: now, until: now + wait });
  }

  succeed(key: string) {
    this.failures.delete(key);
  }
}

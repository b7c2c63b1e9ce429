import 'server-only';
import { crossings, firstExceeded, ZERO, type Amounts, type Crossing } from '@/lib/engine/models/quota';
import { appendAudit } from '../audit/append';
import type { AuditInput, ChangeContext } from '../audit/types';
import type { App } from '../kernel/app';
import { inTransaction } from '../kernel/transaction';
import { counterAmounts, type WindowTarget } from './quotas';
import { addToCounters, dropCounters, lockCounters, type CounterKey } from './store';

/**
 * Metering in batches. Usage calls that arrive while a batch is being decided wait for the next one; each
 * batch is ONE transaction that locks every counter its calls touch (in key order), admits the calls in
 * arrival order — each only if it passes no hard limit on its whole path, given the calls admitted before
 * it — adds the admitted totals, writes the audit entries of thresholds crossed, and commits. The database
 * still decides under its row locks (exact across instances: another instance's batch waits for these
 * rows), and every admitted call is durable before it is answered; but a commit, and the wait on the hot
 * global and tenant rows, is paid once per batch instead of once per call.
 */

export interface MeterCall {
  provider: string;
  /** The counters of the usage's scope and every ancestor (quotas.ts counterTargets). */
  targets: WindowTarget[];
  delta: Amounts;
  ctx: ChangeContext;
  /** The audit entries of the thresholds this usage crossed (none: nothing audited). */
  audit: (crossed: { target: WindowTarget; crossing: Crossing }[]) => AuditInput[];
}

export interface Refusal {
  target: WindowTarget;
  metric: keyof Amounts;
  limit: number;
  used: number;
  requested: number;
}

export type Admission =
  | { ok: true; after: Amounts[]; crossed: { target: WindowTarget; crossing: Crossing }[] }
  | { ok: false; refusal: Refusal };

/** Calls decided in one transaction at most (a bigger backlog takes several batches). */
const MAX_BATCH = 256;

interface Waiting {
  call: MeterCall;
  resolve: (a: Admission) => void;
  reject: (e: unknown) => void;
}
interface Meter {
  queue: Waiting[];
  running: boolean;
}
const meters = new WeakMap<App, Meter>();

/** Decides one usage with whatever else is waiting: admitted (and recorded) or refused with the limit it would pass. */
export function meter(app: App, call: MeterCall): Promise<Admission> {
  let m = meters.get(app);
  if (!m) meters.set(app, (m = { queue: [], running: false }));
  const mine = m;
  return new Promise<Admission>((resolve, reject) => {
    mine.queue.push({ call, resolve, reject });
    if (!mine.running) void drain(app, mine);
  });
}

/** One batch at a time per instance: the next forms while this one is in the database. */
async function drain(app: App, m: Meter) {
  m.running = true;
  try {
    while (m.queue.length) {
      const batch = m.queue.splice(0, MAX_BATCH);
      try {
        const out = await decide(app, batch.map((w) => w.call));
        batch.forEach((w, i) => w.resolve(out[i]));
      } catch (e) {
        // the transaction rolled back: none of these calls was recorded
        for (const w of batch) w.reject(e);
      }
    }
  } finally {
    m.running = false;
  }
}

const keyOf = (provider: string, t: { scopeId: string; period: string; windowStart: Date }) => `${provider}|${t.scopeId}|${t.period}|${t.windowStart.toISOString()}`;
const add = (a: Amounts, b: Amounts): Amounts => ({ requests: a.requests + b.requests, tokens: a.tokens + b.tokens, cost: a.cost + b.cost });
const isZero = (a: Amounts) => a.requests === 0 && a.tokens === 0 && a.cost === 0;

/** Every counter the batch touches, once, sorted: the lock order all instances share. */
function batchKeys(calls: MeterCall[]): CounterKey[] {
  const keys = new Map<string, CounterKey>();
  for (const c of calls) {
    for (const t of c.targets) keys.set(keyOf(c.provider, t), { provider: c.provider, scopeId: t.scopeId, period: t.period, windowStart: t.windowStart, day: t.day });
  }
  return [...keys.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, k]) => k);
}

/** Arrival order: a call is admitted when, after those admitted before it, it passes no hard limit. */
function admit(calls: MeterCall[], used: Map<string, Amounts>): Admission[] {
  return calls.map((call): Admission => {
    // a counter missing here was deleted with its scope meanwhile: it counts from zero
    const before = call.targets.map((t) => used.get(keyOf(call.provider, t)) ?? ZERO);
    for (const [i, t] of call.targets.entries()) {
      const over = firstExceeded(before[i], add(before[i], call.delta), t.limits);
      if (over) return { ok: false, refusal: { target: t, ...over } };
    }
    const after = before.map((b) => add(b, call.delta));
    call.targets.forEach((t, i) => used.set(keyOf(call.provider, t), after[i]));
    const crossed = call.targets.flatMap((target, i) => crossings(before[i], after[i], target.limits).map((crossing) => ({ target, crossing })));
    return { ok: true, after, crossed };
  });
}

async function decide(app: App, calls: MeterCall[]): Promise<Admission[]> {
  const keys = batchKeys(calls);
  return inTransaction(app, async (tx) => {
    const { rows, created } = await lockCounters(tx, keys);
    const start = new Map(rows.map((r) => [keyOf(r.provider, r), counterAmounts(r)]));
    const used = new Map(start);
    const out = admit(calls, used);
    const adds = keys.flatMap((k) => {
      const key = keyOf(k.provider, k);
      const s = start.get(key) ?? ZERO;
      const u = used.get(key) ?? ZERO;
      const d = { requests: u.requests - s.requests, tokens: u.tokens - s.tokens, cost: u.cost - s.cost };
      return isZero(d) ? [] : [{ ...k, requests: d.requests, tokens: d.tokens, costMicros: d.cost }];
    });
    await addToCounters(tx, adds);
    const added = new Set(adds.map((a) => keyOf(a.provider, a)));
    await dropCounters(tx, created.filter((c) => !added.has(keyOf(c.provider, c))));
    for (const [i, a] of out.entries()) {
      if (a.ok && a.crossed.length) await appendAudit(tx, calls[i].ctx, calls[i].audit(a.crossed));
    }
    return out;
  });
}

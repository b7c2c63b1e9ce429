import 'server-only';
import { randomUUID } from 'node:crypto';
import type { Amounts, Limits } from '@/lib/engine/models/quota';
import type { App } from '../kernel/app';
import { freeze, IDLE_MS, isZero, LEASE_MS, newSlot, plus, SYNC_MS, type Admission, type Meter, type MeterCall, type Slot } from './slots';
import { syncOnce } from './sync';

export type { Admission, MeterCall, Refusal } from './slots';

/**
 * Metering with allowances. Each instance holds, per limited counter (a provider's day or month at a scope), an
 * allowance: a share of the counter's headroom reserved in the database (model_usage_allowances), not spent.
 * A usage whose every limited counter has room in this instance's allowance is admitted in memory and answered
 * at once; what was admitted is settled into the counters every SYNC_MS (sync.ts), where allowances are also
 * topped up, renewed and given back. Every other usage — no allowance yet, not enough room, or near a threshold
 * (the endgame, where no allowance is granted) — is decided exactly, in that same transaction, under the row
 * locks of its counters, counting every instance's allowance as taken: so the sum of counters and allowances
 * never passes a hard limit, across instances, and the 429 lands at exactly the limit (a call that only
 * allowances keep out waits for them to be given back). Allowances stay below the next threshold, so crossing
 * a soft threshold or reaching the hard limit is always an exact decision, audited in its transaction as before.
 *
 * What a 200 promises: the usage is admitted under every quota on its path, and that is durable — the fast path
 * admits only against an allowance committed before it. The counters show it within ~SYNC_MS (on this
 * instance's reads at once: listQuotas flushes first), and at shutdown (stopMetering). If the instance dies
 * first, other instances charge its allowances in full once their lease ends: usage is overcounted by at most
 * the unspent allowance, never undercounted on a limited counter, so a crash cannot let usage exceed a quota.
 * (Counters without a limit that a fast usage also touched lose at most its last ~SYNC_MS on a crash.)
 * A usage with no limited counter on its path takes the exact path and is recorded before it is answered.
 */

const meters = new WeakMap<App, Meter>();


function meterOf(app: App): Meter {
  let m = meters.get(app);
  if (m) return m;
  const created: Meter = (m = { instance: randomUUID(), slots: new Map(), queue: [], flushes: [], running: false, wake: null, closed: false, generation: 0 });
  meters.set(app, created);
  // a quota changed (here or elsewhere): allowances sized for the old limits go back
  app.caches.onChange((c) => {
    if (c.type !== 'models' && c.type !== 'scopes') return;
    created.generation++;
    for (const s of created.slots.values()) freeze(s);
  });
  app.onClose(() => stopMetering(app));
  return m;
}

const sameLimits = (a: Limits | undefined, b: Limits | undefined) =>
  (['requests', 'tokens', 'cost'] as const).every((k) => a?.[k]?.hard === b?.[k]?.hard && a?.[k]?.soft === b?.[k]?.soft);

/** Admits in memory when every limited counter of the call has room in this instance's allowance. */
function admitFast(m: Meter, call: MeterCall, now: number): Admission | null {
  if (m.closed || !call.targets.some((t) => t.limits)) return null;
  const slots: Slot[] = [];
  for (const t of call.targets) {
    let s = m.slots.get(t.slot);
    if (t.limits) {
      if (!s || !s.open || now >= s.deadline || !sameLimits(s.limits, t.limits)) return null;
      if (call.delta.requests > s.room.requests || call.delta.tokens > s.room.tokens || call.delta.cost > s.room.cost) return null;
    } else if (!s) {
      s = newSlot(call.provider, t);
      m.slots.set(t.slot, s);
    }
    slots.push(s!);
  }
  const d = call.delta;
  for (const s of slots) {
    s.room = { requests: s.room.requests - d.requests, tokens: s.room.tokens - d.tokens, cost: s.room.cost - d.cost };
    s.pending = plus(s.pending, d);
    s.known = plus(s.known, d);
    s.lastDelta = d;
    s.lastUsed = now;
  }
  return { ok: true, after: slots.map((s) => s.known), crossed: [] };
}

/** Decides one usage: at once against this instance's allowances, or exactly at the next sync. */
export function meter(app: App, call: MeterCall): Promise<Admission> {
  const m = meterOf(app);
  const fast = admitFast(m, call, performance.now());
  if (fast) {
    kick(app, m, false);
    return Promise.resolve(fast);
  }
  return new Promise<Admission>((resolve, reject) => {
    m.queue.push({ call, resolve, reject });
    kick(app, m, true);
  });
}

/** Settles this instance's admitted usage into the counters (a sync that starts after the call). */
export function flushMetering(app: App): Promise<void> {
  const m = meters.get(app);
  if (!m) return Promise.resolve();
  return new Promise<void>((resolve) => {
    m.flushes.push(resolve);
    kick(app, m, true);
  });
}

/**
 * What this instance admitted on these counters (slot keys) and has not yet committed to them, without waiting
 * for a sync: a check right after a usage sees it. Read it before the counters: a sync committing in between
 * is then counted twice (a moment's over-estimate), never missed.
 */
export function unsettledHere(app: App, slots: readonly string[]): Amounts[] {
  const m = meters.get(app);
  return slots.map((k) => {
    const s = m?.slots.get(k);
    return s ? plus(s.pending, s.settling) : { requests: 0, tokens: 0, cost: 0 };
  });
}

/** Shutdown: no more fast admissions; what was admitted is settled and every allowance given back. */
export async function stopMetering(app: App): Promise<void> {
  const m = meters.get(app);
  if (!m) return;
  m.closed = true;
  for (const s of m.slots.values()) freeze(s);
  await flushMetering(app);
}

function kick(app: App, m: Meter, urgent: boolean) {
  if (urgent) m.wake?.();
  if (!m.running) void run(app, m);
}

function hasWork(m: Meter, now: number): boolean {
  if (m.queue.length || m.flushes.length) return true;
  for (const s of m.slots.values()) {
    if (!isZero(s.pending) || !isZero(s.frozen)) return true;
    if (s.held && (now - s.lastUsed > IDLE_MS || now > s.deadline - LEASE_MS / 2)) return true;
  }
  return false;
}

const holdsAny = (m: Meter) => [...m.slots.values()].some((s) => s.held);

/** The sync loop: runs while there is usage to settle, calls to decide, or allowances to renew or give back. */
async function run(app: App, m: Meter) {
  m.running = true;
  try {
    for (;;) {
      if (!m.queue.some((w) => w.deferredSince === undefined) && !m.flushes.length) await nap(m, SYNC_MS);
      const now = performance.now();
      if (hasWork(m, now)) await syncOnce(app, m, now);
      else if (!holdsAny(m)) break;
    }
  } finally {
    m.running = false;
    m.wake = null;
  }
}

function nap(m: Meter, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    timer.unref?.();
    function done() {
      clearTimeout(timer);
      m.wake = null;
      resolve();
    }
    m.wake = done;
  });
}


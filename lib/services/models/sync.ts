import 'server-only';
import { allowanceFits, crossings, firstExceeded, METRICS, ZERO, type Amounts, type Limits } from '@/lib/engine/models/quota';
import { appendAudit } from '../audit/append';
import type { App } from '../kernel/app';
import type { Executor } from '@/lib/db/client';
import { inTransaction } from '../kernel/transaction';
import { freeze, IDLE_MS, isZero, keyOf, LEASE_MS, newSlot, plus, type Admission, type Meter, type Slot, type Waiting, type WindowTarget } from './slots';
import { addToCounters, allowancesOf, deleteAllowances, dropCounters, lockCounters, saveAllowances, type AllowanceRow, type CounterKey } from './store';

/**
 * One sync of an instance's meter (meter.ts): ONE transaction that locks every counter it touches (in key
 * order, so instances queue instead of deadlocking), charges expired allowances of dead instances in full,
 * settles what this instance admitted in memory, decides the waiting calls exactly, then tops up, renews or
 * gives back this instance's allowances, and writes the audit entries of thresholds crossed.
 */

/** Calls decided in one transaction at most (a bigger backlog takes several syncs). */
const MAX_BATCH = 256;
/** An allowance is at most this share of the room before the next threshold (several instances fit). */
const SHARE = 8;
/** An allowance covers at least this many usages like the last one. */
const MIN_CALLS = 64;
/** …and this many times what was admitted since the last sync. */
const RATE = 16;
/**
 * How long a call waits for other allowances to be given back before it is decided with them counted as
 * taken. They come back within a sync or two (the endgame, idle) or their lease ends (a dead instance): this
 * only ends a wait on an instance that keeps being granted (small usages while this call is a big one).
 */
const PATIENCE_MS = 5 * LEASE_MS;

interface Snap {
  slot: Slot;
  settle: Amounts;
  give: Amounts;
  /** The room still held after this sync settles and gives back (finite metrics). */
  room0: Amounts;
  /** Fast admission was open: it wants its allowance renewed. */
  demand: boolean;
}

interface Plan {
  key: CounterKey;
  limits: Limits | undefined;
  /** Our allowance row is gone or expired: it was charged in full. */
  lost?: boolean;
  /** Added to our room at commit (a grant); undefined: no grant (the endgame, idle, or shutting down). */
  topUp?: Amounts;
  /** Our allowance row after this sync (zero: deleted). */
  row: Amounts;
}

type Decision = Admission | 'defer';
const finite = (n: number) => (Number.isFinite(n) ? n : 0);
const minus = (a: Amounts, b: Amounts): Amounts => ({ requests: a.requests - b.requests, tokens: a.tokens - b.tokens, cost: a.cost - b.cost });
const amountsOf = (a: { requests: number; tokens: number; costMicros: number }): Amounts => ({ requests: a.requests, tokens: a.tokens, cost: a.costMicros });
/** The metrics of `a` that no limit covers (an allowance row holds only limited metrics). */
const uncovered = (a: Amounts, limits: Limits | undefined): Amounts => ({ requests: limits?.requests ? 0 : a.requests, tokens: limits?.tokens ? 0 : a.tokens, cost: limits?.cost ? 0 : a.cost });

export async function syncOnce(app: App, m: Meter, now: number) {
  const flushes = m.flushes.splice(0);
  const waiting = m.queue.splice(0, MAX_BATCH);
  const snaps = snapshot(m, waiting, now);
  const generation = m.generation;
  try {
    const out = await inTransaction(app, (tx) => decide(tx, m, snaps, waiting, now));
    for (const sn of snaps.values()) sn.slot.settling = { ...ZERO }; // committed: in the counters now
    // a quota changed meanwhile: what was granted under the old one is given back, not opened
    apply(m, out.plans, out.used, now, generation === m.generation);
    const deferred: Waiting[] = [];
    out.decisions.forEach((d, i) => {
      if (d !== 'defer') return waiting[i].resolve(d);
      waiting[i].deferredSince ??= now;
      deferred.push(waiting[i]);
    });
    m.queue.unshift(...deferred);
  } catch (e) {
    // rolled back: nothing settled, nothing decided, nothing given back
    for (const sn of snaps.values()) {
      sn.slot.pending = plus(sn.slot.pending, sn.settle);
      sn.slot.settling = { ...ZERO };
      sn.slot.frozen = plus(sn.slot.frozen, sn.give);
    }
    for (const w of waiting) w.reject(e);
  } finally {
    for (const f of flushes) f();
  }
}

/** Takes what was admitted and frozen so far; idle allowances (and all, at shutdown) are frozen to be given back. */
function snapshot(m: Meter, waiting: Waiting[], now: number): Map<string, Snap> {
  const touched = new Set(waiting.flatMap((w) => w.call.targets.map((t) => t.slot)));
  const snaps = new Map<string, Snap>();
  for (const [k, s] of m.slots) {
    if (s.open && (m.closed || now >= s.deadline || (now - s.lastUsed > IDLE_MS && !touched.has(k)))) freeze(s);
    const demand = s.open;
    const settle = s.pending;
    const give = s.frozen;
    if (!s.held && isZero(settle) && isZero(give)) {
      m.slots.delete(k);
      continue;
    }
    s.pending = { ...ZERO };
    s.settling = settle;
    s.frozen = { ...ZERO };
    snaps.set(k, { slot: s, settle, give, room0: { requests: finite(s.room.requests), tokens: finite(s.room.tokens), cost: finite(s.room.cost) }, demand });
  }
  return snaps;
}

function lockOrder(snaps: Map<string, Snap>, waiting: Waiting[]): [string, CounterKey][] {
  const keys = new Map<string, CounterKey>();
  for (const [k, sn] of snaps) keys.set(k, sn.slot.key);
  for (const { call } of waiting) {
    for (const t of call.targets) keys.set(t.slot, { provider: call.provider, scopeId: t.scopeId, period: t.period, windowStart: t.windowStart, day: t.day });
  }
  return [...keys.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

async function decide(tx: Executor, m: Meter, snaps: Map<string, Snap>, waiting: Waiting[], now: number) {
  const order = lockOrder(snaps, waiting);
  const keys = order.map(([, k]) => k);
  const { rows, created } = await lockCounters(tx, keys);
  const start = new Map(rows.map((r) => [keyOf(r.provider, r), amountsOf(r)]));
  const used = new Map(start);
  const add = (k: string, a: Amounts) => used.set(k, plus(used.get(k) ?? ZERO, a));
  const { others, mine, expired } = splitAllowances(await allowancesOf(tx, keys), m.instance, add);
  const plans = new Map<string, Plan>();
  const ownRoom = new Map<string, Amounts>();
  for (const [k, sn] of snaps) {
    const lost = sn.slot.held && !mine.has(k);
    // a lost allowance was charged in full: of what we admitted against it, only the metrics it did not cover are added
    add(k, lost ? uncovered(sn.settle, sn.slot.limits) : sn.settle);
    if (!lost && sn.slot.held) ownRoom.set(k, sn.room0);
    if (sn.slot.held) plans.set(k, { key: sn.slot.key, limits: sn.slot.limits, lost, row: lost ? { ...ZERO } : sn.room0 });
  }
  const taken = (k: string) => plus(others.get(k) ?? ZERO, ownRoom.get(k) ?? ZERO);
  const decisions = waiting.map((w) => decideCall(w, used, taken, now));
  planGrants(m, snaps, waiting, decisions, plans, { used, others });
  await write(tx, m, { order, start, used, created, expired, plans });
  for (const [i, d] of decisions.entries()) {
    if (d !== 'defer' && d.ok && d.crossed.length) await appendAudit(tx, waiting[i].call.ctx, waiting[i].call.audit(d.crossed));
  }
  return { decisions, plans, used };
}

/** Expired allowances are charged to their counters in full; live ones are ours or taken by others. */
function splitAllowances(rows: AllowanceRow[], instance: string, charge: (k: string, a: Amounts) => void) {
  const others = new Map<string, Amounts>();
  const mine = new Set<string>();
  const expired: AllowanceRow[] = [];
  for (const a of rows) {
    const k = keyOf(a.provider, a);
    if (a.expired) {
      charge(k, amountsOf(a));
      expired.push(a);
    } else if (a.instance === instance) mine.add(k);
    else others.set(k, plus(others.get(k) ?? ZERO, amountsOf(a)));
  }
  return { others, mine, expired };
}

/**
 * Arrival order: admitted when, after those admitted before it, it passes no hard limit on its path. A counter
 * with allowances counts them as taken; a call that only they would refuse, or that would cross a threshold
 * only with them counted, waits for them to be given back (at most PATIENCE_MS: then it is decided with them counted).
 */
function decideCall(w: Waiting, used: Map<string, Amounts>, taken: (k: string) => Amounts, now: number): Decision {
  const { call } = w;
  const keys = call.targets.map((t) => t.slot);
  const before = keys.map((k) => used.get(k) ?? ZERO);
  const late = w.deferredSince !== undefined && now - w.deferredSince > PATIENCE_MS;
  for (const [i, t] of call.targets.entries()) {
    if (!t.limits) continue;
    const held = plus(before[i], taken(keys[i]));
    const over = firstExceeded(held, plus(held, call.delta), t.limits);
    const shared = !isZero(taken(keys[i]));
    if (shared && !late && (over || crossings(held, plus(held, call.delta), t.limits).length)) return 'defer';
    if (over) return { ok: false, refusal: { target: t, ...over } };
  }
  const after = before.map((b) => plus(b, call.delta));
  keys.forEach((k, i) => used.set(k, after[i]));
  const crossed = call.targets.flatMap((target, i) => crossings(before[i], after[i], target.limits).map((crossing) => ({ target, crossing })));
  return { ok: true, after, crossed };
}

function wantOf(last: Amounts, settled: Amounts, limits: Limits): Amounts {
  const want = { ...ZERO };
  for (const k of METRICS) if (limits[k]) want[k] = Math.max(MIN_CALLS * last[k], RATE * settled[k]);
  return want;
}

/** Tops up the allowances still wanted — an open one, or one a waiting call needs — unless the counter is in its endgame. */
function planGrants(m: Meter, snaps: Map<string, Snap>, waiting: Waiting[], decisions: Decision[], plans: Map<string, Plan>, at: { used: Map<string, Amounts>; others: Map<string, Amounts> }) {
  const wanted = new Map<string, { key: CounterKey; limits: Limits; last: Amounts }>();
  const blocked = new Set<string>();
  for (const [k, sn] of snaps) if (sn.demand && sn.slot.limits) wanted.set(k, { key: sn.slot.key, limits: sn.slot.limits, last: sn.slot.lastDelta });
  waiting.forEach(({ call }, i) => {
    for (const t of call.targets) {
      const k = t.slot;
      if (decisions[i] === 'defer') blocked.add(k);
      if (t.limits) wanted.set(k, { key: { provider: call.provider, scopeId: t.scopeId, period: t.period, windowStart: t.windowStart, day: t.day }, limits: t.limits, last: call.delta });
    }
  });
  if (m.closed) return;
  for (const [k, w] of wanted) {
    if (blocked.has(k)) continue;
    const plan = plans.get(k) ?? { key: w.key, limits: w.limits, row: { ...ZERO } };
    const want = wantOf(w.last, snaps.get(k)?.settle ?? ZERO, w.limits);
    if (!allowanceFits(at.used.get(k) ?? ZERO, at.others.get(k) ?? ZERO, want, w.limits, SHARE)) continue;
    const row = { requests: Math.max(plan.row.requests, want.requests), tokens: Math.max(plan.row.tokens, want.tokens), cost: Math.max(plan.row.cost, want.cost) };
    plans.set(k, { ...plan, limits: w.limits, topUp: minus(row, plan.row), row });
  }
}

async function write(
  tx: Executor,
  m: Meter,
  w: { order: [string, CounterKey][]; start: Map<string, Amounts>; used: Map<string, Amounts>; created: { provider: string; scopeId: string; period: 'daily' | 'monthly'; windowStart: Date }[]; expired: AllowanceRow[]; plans: Map<string, Plan> },
) {
  const adds = w.order.flatMap(([k, key]) => {
    const d = minus(w.used.get(k) ?? ZERO, w.start.get(k) ?? ZERO);
    return isZero(d) ? [] : [{ ...key, requests: d.requests, tokens: d.tokens, costMicros: d.cost }];
  });
  await addToCounters(tx, adds);
  const added = new Set(adds.map((a) => keyOf(a.provider, a)));
  await dropCounters(tx, w.created.filter((c) => !added.has(keyOf(c.provider, c))));
  const keep = [...w.plans.values()].filter((p) => !isZero(p.row));
  const gone = [...w.plans.values()].filter((p) => isZero(p.row));
  await saveAllowances(tx, m.instance, keep.map((p) => ({ ...p.key, requests: p.row.requests, tokens: p.row.tokens, costMicros: p.row.cost })), LEASE_MS);
  await deleteAllowances(tx, [...w.expired, ...gone.map((p) => ({ ...p.key, instance: m.instance }))]);
}

/** After the commit: grants open fast admission; an allowance not renewed is frozen, to be given back next sync. */
function apply(m: Meter, plans: Map<string, Plan>, used: Map<string, Amounts>, now: number, current: boolean) {
  for (const [k, p] of plans) {
    let s = m.slots.get(k);
    if (!s) {
      const t = { ...p.key, limits: p.limits } as unknown as WindowTarget;
      m.slots.set(k, (s = newSlot(p.key.provider, t)));
    }
    if (p.lost) {
      s.room = { ...ZERO };
      s.open = false;
    }
    s.held = !isZero(p.row);
    if (p.topUp && s.held && current && !m.closed) {
      const limits = p.limits!;
      for (const x of METRICS) s.room[x] = limits[x] ? finite(s.room[x]) + p.topUp[x] : Infinity;
      s.limits = limits;
      s.open = true;
      s.lastUsed = Math.max(s.lastUsed, now);
      s.deadline = now + LEASE_MS * 0.9;
    } else if (s.held) {
      s.deadline = now + LEASE_MS * 0.9;
      freeze(s);
    } else {
      s.open = false;
      s.room = { ...ZERO };
    }
  }
  for (const [k, s] of m.slots) {
    const u = used.get(k);
    if (u) s.known = plus(u, s.pending);
  }
}

import 'server-only';
import type { Principal } from '@/lib/auth/policy';
import { PROVIDERS } from '@/lib/engine/models/providers';
import { fromMicros, localDay, PERIODS, remainingOf, toMicros, windowOf, type Amounts, type Limits, type Period } from '@/lib/engine/models/quota';
import type { ScopeRef } from '@/lib/engine/types';
import type { TQuotaStatus } from '@/lib/schemas/models';
import type { App } from '../kernel/app';
import { flushMetering } from './meter';
import { keyOf, type WindowTarget } from './slots';
import { authorizedPath } from './read';
import { modelState, stateMemo, type ModelState } from './state';
import { dailyHistory, readCounters, type CounterValue } from './store';

export type { WindowTarget } from './slots';

/** Limits with cost converted to micro-units (what the counters hold). */
export function inMicros(limits: Limits | undefined): Limits | undefined {
  if (!limits?.cost) return limits;
  const { hard, soft } = limits.cost;
  return { ...limits, cost: { hard: toMicros(hard), ...(soft !== undefined && { soft: toMicros(soft) }) } };
}

export const counterAmounts = (c: CounterValue | undefined): Amounts => ({ requests: c?.requests ?? 0, tokens: c?.tokens ?? 0, cost: c?.costMicros ?? 0 });
export const displayAmounts = <T extends Partial<Amounts>>(a: T): T => (a.cost === undefined ? a : { ...a, cost: fromMicros(a.cost) });

/** Windows by period and time zone, reused until they end (Intl arithmetic is the hot path's main cost). */
const windows = new Map<string, { start: Date; resetsAt: Date; day: string }>();
function cachedWindow(period: Period, at: Date, timeZone: string) {
  const key = `${period}|${timeZone}`;
  const hit = windows.get(key);
  if (hit && at >= hit.start && at < hit.resetsAt) return hit;
  const { start, resetsAt } = windowOf(period, at, timeZone);
  const fresh = { start, resetsAt, day: localDay(start, timeZone) };
  windows.set(key, fresh);
  return fresh;
}

/** A usage's targets, until one of their windows ends (or the model state is replaced). */
const targetMemo = stateMemo<{ targets: readonly WindowTarget[]; from: number; until: number }>();

/**
 * The counters of a usage at `path[0]`: a day and a month for the scope and each ancestor (usage counts
 * against every quota above it), in the time zone of that scope's quota (UTC without one). Sorted by
 * scope and period: the lock order every concurrent usage shares. Computed once per model state and
 * window (the metering hot path asks for the same targets thousands of times a second); read-only.
 */
export function counterTargets(state: ModelState, provider: string, path: ScopeRef[], at: Date): readonly WindowTarget[] {
  const key = `${provider}|${path[0].scopeId}`;
  const t = at.getTime();
  const hit = targetMemo.get(state, key);
  if (hit && t >= hit.from && t < hit.until) return hit.targets;
  const targets = buildTargets(state, provider, path, at);
  targetMemo.set(state, key, { targets, from: Math.max(...targets.map((x) => x.windowStart.getTime())), until: Math.min(...targets.map((x) => x.resetsAt.getTime())) });
  return targets;
}

function buildTargets(state: ModelState, provider: string, path: ScopeRef[], at: Date): WindowTarget[] {
  const rows = state.configs.get(provider);
  const targets: WindowTarget[] = [];
  for (const { scopeId } of path) {
    const quota = rows?.get(scopeId)?.quota ?? null;
    const timeZone = quota?.timeZone ?? 'UTC';
    for (const period of PERIODS) {
      const { start, resetsAt, day } = cachedWindow(period, at, timeZone);
      const limits = inMicros(quota?.[period]);
      targets.push({
        slot: keyOf(provider, { scopeId, period, windowStart: start }),
        scopeId,
        period,
        windowStart: start,
        resetsAt,
        day,
        quota,
        limits,
        max: { requests: limits?.requests?.hard ?? null, tokens: limits?.tokens?.hard ?? null, costMicros: limits?.cost?.hard ?? null },
      });
    }
  }
  return targets.sort((a, b) => (a.scopeId < b.scopeId ? -1 : a.scopeId > b.scopeId ? 1 : a.period.localeCompare(b.period)));
}

const HISTORY_DAYS = 30;

async function history(app: App, provider: string, scopeId: string, timeZone: string, at: Date) {
  const days = Array.from({ length: HISTORY_DAYS }, (_, i) => localDay(new Date(at.getTime() - (HISTORY_DAYS - 1 - i) * 86_400_000), timeZone));
  const rows = new Map((await dailyHistory(app.db, provider, scopeId, days[0])).map((r) => [r.day, r]));
  return days.map((day) => {
    const r = rows.get(day);
    return { day, requests: r?.requests ?? 0, tokens: r?.tokens ?? 0, cost: fromMicros(r?.costMicros ?? 0) };
  });
}

async function quotaStatus(app: App, provider: string, targets: WindowTarget[], at: Date): Promise<TQuotaStatus> {
  const quota = targets[0].quota!;
  const counters = await readCounters(app.db, provider, targets);
  const windows = targets.map((t) => {
    const used = counterAmounts(counters.find((c) => c.period === t.period));
    return { period: t.period, start: t.windowStart.toISOString(), resetsAt: t.resetsAt.toISOString(), usage: displayAmounts(used), limits: quota[t.period] ?? {}, remaining: displayAmounts(remainingOf(used, t.limits)) };
  });
  const w = (p: Period) => windows.find((x) => x.period === p)!;
  return {
    provider,
    scope: targets[0].scopeId,
    quota,
    windows,
    usage: { daily: w('daily').usage, monthly: w('monthly').usage },
    remaining: { daily: w('daily').remaining, monthly: w('monthly').remaining },
    resetsAt: { daily: w('daily').resetsAt, monthly: w('monthly').resetsAt },
    history: await history(app, provider, targets[0].scopeId, quota.timeZone, at),
  };
}

/**
 * `GET /models/quotas?scope=`: every quota that limits usage at the scope — its own and its ancestors'
 * (a global budget counts every tenant's usage) — with the current windows' usage, what remains, when
 * each window resets, and the last 30 days at the quota's scope.
 */
export async function listQuotas(app: App, principal: Principal, input: { scope: string }, at = new Date()) {
  const path = await authorizedPath(app, principal, input.scope, 'models.read');
  const state = await modelState(app);
  // usage this instance admitted against its allowances is in the counters before they are read
  await flushMetering(app);
  const quotas: TQuotaStatus[] = [];
  for (const provider of PROVIDERS) {
    const targets = counterTargets(state, provider.id, path, at).filter((t) => t.quota);
    for (const { scopeId } of path) {
      const own = targets.filter((t) => t.scopeId === scopeId);
      if (own.length) quotas.push(await quotaStatus(app, provider.id, own, at));
    }
  }
  return { scope: input.scope, quotas };
}

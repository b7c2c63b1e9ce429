import 'server-only';
import type { Principal } from '@/lib/auth/policy';
import type { ProviderDescriptor } from '@/lib/engine/models/providers';
import { crossings, firstExceeded, fromMicros, remainingOf, toMicros, type Amounts } from '@/lib/engine/models/quota';
import type { ResolvedModelConfig } from '@/lib/engine/models/resolve';
import type { ScopeRef } from '@/lib/engine/types';
import type { TUsageBody } from '@/lib/schemas/models';
import type { App } from '../kernel/app';
import { appendAudit } from '../audit/append';
import type { AuditInput, ChangeContext } from '../audit/types';
import { inTransaction } from '../kernel/transaction';
import { fail } from '../kernel/errors';
import type { Executor } from '@/lib/db/client';
import { emitModelEvents, type ModelQuotaEvent } from './events';
import { counterAmounts, counterTargets, displayAmounts, type WindowTarget } from './quotas';
import { allowedAt, authorizedPath, resolveAt } from './read';
import { auditKey, modelState, providerOr404, type ModelState } from './state';
import { addToCounters, readCounters, type CounterValue } from './store';

/** The resolved configuration, if the provider may be used at the path: active, and not excluded by a restriction. */
export function usableConfig(state: ModelState, provider: ProviderDescriptor, path: ScopeRef[]): ResolvedModelConfig {
  const { allowed, restrictedAt } = allowedAt(state, path);
  if (allowed !== null && !allowed.includes(provider.id)) {
    fail('MODEL_PROVIDER_NOT_ALLOWED', `"${path[0].scopeId}" may not use ${provider.label}: "${restrictedAt}" allows only ${allowed.join(', ') || 'no provider'}`, 'provider');
  }
  const resolved = resolveAt(state, provider, path);
  if (resolved.status.value !== 'active') {
    const where = resolved.status.scopeId ? `set inactive at "${resolved.status.scopeId}"` : 'not configured yet (providers start inactive)';
    fail('MODEL_PROVIDER_INACTIVE', `${provider.label} is inactive at "${path[0].scopeId}": ${where}`, 'provider');
  }
  return resolved;
}

interface Refusal {
  target: WindowTarget;
  metric: keyof Amounts;
  limit: number;
  used: number;
  requested: number;
}

/** The limit a refused usage would have passed, with what was used (read under the statement's row locks). */
async function refusal(tx: Executor, provider: string, targets: WindowTarget[], after: CounterValue[], delta: Amounts): Promise<Refusal | null> {
  const find = (list: CounterValue[], t: WindowTarget) => list.find((c) => c.scopeId === t.scopeId && c.period === t.period);
  const missing = targets.filter((t) => !find(after, t));
  const current = missing.length ? await readCounters(tx, provider, missing) : [];
  for (const t of targets) {
    const row = find(after, t);
    const before = row ? subtract(counterAmounts(row), delta) : counterAmounts(find(current, t));
    const over = firstExceeded(before, add(before, delta), t.limits);
    if (over) return { target: t, ...over };
  }
  return null;
}

const add = (a: Amounts, b: Amounts): Amounts => ({ requests: a.requests + b.requests, tokens: a.tokens + b.tokens, cost: a.cost + b.cost });
const subtract = (a: Amounts, b: Amounts): Amounts => ({ requests: a.requests - b.requests, tokens: a.tokens - b.tokens, cost: a.cost - b.cost });
const shown = (metric: keyof Amounts, n: number) => (metric === 'cost' ? fromMicros(n) : n);

function refuse(provider: string, r: Refusal): never {
  const { target: t, metric } = r;
  return fail(
    'QUOTA_EXCEEDED',
    `The ${t.period} ${metric} quota of ${provider} at "${t.scopeId}" is ${shown(metric, r.limit)}: ${shown(metric, r.used)} used, this usage adds ${shown(metric, r.requested)}. It resets at ${t.resetsAt.toISOString()}`,
    metric,
    { scope: t.scopeId, period: t.period, metric, limit: shown(metric, r.limit), used: shown(metric, r.used), requested: shown(metric, r.requested), resetsAt: t.resetsAt.toISOString() },
  );
}

/**
 * `POST /models/:provider/usage`: adds a usage to the counters of the scope and every ancestor at once,
 * or to none of them (429 QUOTA_EXCEEDED, naming the limit and when it resets). The database decides:
 * each counter row is locked while its limit is checked and raised, so concurrent callers cannot overspend.
 * Crossing a soft threshold, or reaching a hard limit, is audited in the same transaction.
 */
export async function recordUsage(app: App, principal: Principal, providerId: string, body: TUsageBody, ctx: ChangeContext, at = new Date()) {
  const provider = providerOr404(providerId);
  const path = await authorizedPath(app, principal, body.scope, 'models.use');
  const state = await modelState(app);
  usableConfig(state, provider, path);
  const targets = counterTargets(state, provider.id, path, at);
  const delta: Amounts = { requests: body.requests, tokens: body.tokens, cost: toMicros(body.cost) };
  const events: ModelQuotaEvent[] = [];
  const counters = await inTransaction(app, async (tx) => {
    const after = await addToCounters(tx, provider.id, targets, { requests: delta.requests, tokens: delta.tokens, costMicros: delta.cost });
    // a counter missing from the answer was at its limit; a window's first usage may also start above one
    const over = await refusal(tx, provider.id, targets, after, delta);
    if (over) refuse(provider.id, over);
    const audits: AuditInput[] = [];
    for (const t of targets) {
      const now = counterAmounts(after.find((c) => c.scopeId === t.scopeId && c.period === t.period));
      for (const x of crossings(subtract(now, delta), now, t.limits)) {
        const event: ModelQuotaEvent = { type: 'model.quota', provider: provider.id, scopeId: t.scopeId, period: t.period, metric: x.metric, threshold: x.threshold, limit: shown(x.metric, x.limit), used: shown(x.metric, x.used), resetsAt: t.resetsAt.toISOString(), at: at.toISOString() };
        events.push(event);
        audits.push({ action: 'model.quota', key: auditKey(provider.id), scopeId: t.scopeId, level: path.find((p) => p.scopeId === t.scopeId)?.level, newValue: event.used, details: { ...event, usageAt: body.scope } });
      }
    }
    await appendAudit(tx, ctx, audits);
    return after;
  });
  emitModelEvents(app, events);
  return {
    provider: provider.id,
    scope: body.scope,
    recorded: { requests: body.requests, tokens: body.tokens, cost: fromMicros(delta.cost) },
    remaining: targets
      .filter((t) => t.limits)
      .map((t) => ({ scope: t.scopeId, period: t.period, remaining: displayAmounts(remainingOf(counterAmounts(counters.find((c) => c.scopeId === t.scopeId && c.period === t.period)), t.limits)), resetsAt: t.resetsAt.toISOString() })),
  };
}

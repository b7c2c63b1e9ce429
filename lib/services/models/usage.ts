import 'server-only';
import type { Principal } from '@/lib/auth/policy';
import type { ProviderDescriptor } from '@/lib/engine/models/providers';
import { fromMicros, remainingOf, toMicros, type Amounts, type Crossing } from '@/lib/engine/models/quota';
import type { ResolvedModelConfig } from '@/lib/engine/models/resolve';
import type { ScopeRef } from '@/lib/engine/types';
import type { TUsageBody } from '@/lib/schemas/models';
import type { App } from '../kernel/app';
import type { AuditInput, ChangeContext } from '../audit/types';
import { fail } from '../kernel/errors';
import { emitModelEvents, type ModelQuotaEvent } from './events';
import { counterTargets, displayAmounts, type WindowTarget } from './quotas';
import { meter, type Refusal } from './meter';
import { allowedAt, authorizedPath, resolveAt } from './read';
import { auditKey, modelState, providerOr404, stateMemo, type ModelState } from './state';

const usableMemo = stateMemo<ResolvedModelConfig>();

/**
 * The resolved configuration, if the provider may be used at the path: active, and not excluded by a
 * restriction. Resolved once per model state: every metered call asks again. Read-only.
 */
export function usableConfig(state: ModelState, provider: ProviderDescriptor, path: ScopeRef[]): ResolvedModelConfig {
  const key = `${provider.id}|${path[0].scopeId}`;
  return usableMemo.get(state, key) ?? usableMemo.set(state, key, checkUsable(state, provider, path));
}

function checkUsable(state: ModelState, provider: ProviderDescriptor, path: ScopeRef[]): ResolvedModelConfig {
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
 * or to none of them (429 QUOTA_EXCEEDED, naming the limit and when it resets). The database decides,
 * under row locks on those counters, with the other usages arriving meanwhile (meter.ts): concurrent
 * callers cannot overspend, here or on other instances. Crossing a soft threshold, or reaching a hard
 * limit, is audited in the same transaction; plain metering calls are not (the counters are the record).
 */
export async function recordUsage(app: App, principal: Principal, providerId: string, body: TUsageBody, ctx: ChangeContext, at = new Date()) {
  const provider = providerOr404(providerId);
  const path = await authorizedPath(app, principal, body.scope, 'models.use');
  const state = await modelState(app);
  usableConfig(state, provider, path);
  const targets = counterTargets(state, provider.id, path, at);
  const delta: Amounts = { requests: body.requests, tokens: body.tokens, cost: toMicros(body.cost) };
  const events: ModelQuotaEvent[] = [];
  const audit = (crossed: { target: WindowTarget; crossing: Crossing }[]): AuditInput[] =>
    crossed.map(({ target: t, crossing: x }) => {
      const event: ModelQuotaEvent = { type: 'model.quota', provider: provider.id, scopeId: t.scopeId, period: t.period, metric: x.metric, threshold: x.threshold, limit: shown(x.metric, x.limit), used: shown(x.metric, x.used), resetsAt: t.resetsAt.toISOString(), at: at.toISOString() };
      events.push(event);
      return { action: 'model.quota', key: auditKey(provider.id), scopeId: t.scopeId, level: path.find((p) => p.scopeId === t.scopeId)?.level, newValue: event.used, details: { ...event, usageAt: body.scope } };
    });
  const admission = await meter(app, { provider: provider.id, targets, delta, ctx, audit });
  if (!admission.ok) refuse(provider.id, admission.refusal);
  emitModelEvents(app, events);
  return {
    provider: provider.id,
    scope: body.scope,
    recorded: { requests: body.requests, tokens: body.tokens, cost: fromMicros(delta.cost) },
    remaining: targets
      .map((t, i) => ({ t, used: admission.after[i] }))
      .filter(({ t }) => t.limits)
      .map(({ t, used }) => ({ scope: t.scopeId, period: t.period, remaining: displayAmounts(remainingOf(used, t.limits)), resetsAt: t.resetsAt.toISOString() })),
  };
}

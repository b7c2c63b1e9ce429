import 'server-only';
import { can, type Principal } from '@/lib/auth/policy';
import { firstExceeded, fromMicros, type Amounts } from '@/lib/engine/models/quota';
import type { ScopeRef } from '@/lib/engine/types';
import type { App } from '../kernel/app';
import { pathIds } from '../scopes/path';
import { counterAmounts, counterTargets } from './quotas';
import { authorizedPath } from './read';
import { modelState, providerOr404, type ModelState } from './state';
import { readCounters } from './store';
import { unsettledHere } from './meter';
import { plus } from './slots';
import { usableConfig } from './usage';

/** The API key effective at the path, in plain text only for a caller holding models.useKey where it is stored. */
function keyFor(app: App, state: ModelState, principal: Principal, provider: string, path: ScopeRef[], from: string | null) {
  if (!from) return { apiKey: null, apiKeyWithheld: false };
  const keyPath = pathIds(path.slice(path.findIndex((p) => p.scopeId === from)));
  if (!can(principal, 'models.useKey', { scopePath: keyPath })) return { apiKeyWithheld: true };
  const ciphertext = state.configs.get(provider)?.get(from)?.apiKeyCiphertext;
  return { apiKey: ciphertext ? (app.secrets.decrypt(ciphertext) as string) : null, apiKeyWithheld: false };
}

/**
 * `POST /models/:provider/check`: may a call be made at this scope now, and with what configuration?
 * Refused outright (like usage) when the provider is inactive or not allowed there; `allowed: false` with
 * the limit when a quota has no room for one more request (or the estimated tokens): the counters and what
 * this instance admitted and has not settled yet (other instances' last ~SYNC_MS is not seen). Records nothing.
 */
export async function checkModel(app: App, principal: Principal, providerId: string, input: { scope: string; estimatedTokens?: number }, at = new Date()) {
  const provider = providerOr404(providerId);
  const path = await authorizedPath(app, principal, input.scope, 'models.use');
  const state = await modelState(app);
  const resolved = usableConfig(state, provider, path);
  const targets = counterTargets(state, provider.id, path, at).filter((t) => t.limits);
  const unsettled = unsettledHere(app, targets.map((t) => t.slot));
  const counters = await readCounters(app.db, provider.id, targets);
  // any call uses at least one token: a used-up token quota refuses even without an estimate
  const want: Amounts = { requests: 1, tokens: input.estimatedTokens ?? 1, cost: 0 };
  let reason: { code: string; message: string; details: unknown } | undefined;
  for (const [i, t] of targets.entries()) {
    const used = plus(counterAmounts(counters.find((c) => c.scopeId === t.scopeId && c.period === t.period)), unsettled[i]);
    // cost is known only afterwards: a cost quota refuses once it is used up
    const over = firstExceeded(used, { requests: used.requests + want.requests, tokens: used.tokens + want.tokens, cost: used.cost + (t.limits?.cost ? 1 : 0) }, t.limits);
    if (!over) continue;
    const show = (n: number) => (over.metric === 'cost' ? fromMicros(n) : n);
    reason = {
      code: 'QUOTA_EXCEEDED',
      message: `The ${t.period} ${over.metric} quota of ${provider.id} at "${t.scopeId}" (${show(over.limit)}) has no room: ${show(over.used)} used. It resets at ${t.resetsAt.toISOString()}`,
      details: { scope: t.scopeId, period: t.period, metric: over.metric, limit: show(over.limit), used: show(over.used), resetsAt: t.resetsAt.toISOString() },
    };
    break;
  }
  const parameters = Object.fromEntries(Object.entries(resolved.parameters).map(([k, v]) => [k, v.value]));
  return {
    allowed: !reason,
    provider: provider.id,
    scope: input.scope,
    ...(reason && { reason }),
    model: resolved.model.value,
    parameters,
    baseUrl: resolved.baseUrl.value,
    ...keyFor(app, state, principal, provider.id, path, resolved.apiKey.scopeId),
  };
}

import 'server-only';
import { can, isPlatformAdmin, type Action, type Principal } from '@/lib/auth/policy';
import { PROVIDERS, type ProviderDescriptor } from '@/lib/engine/models/providers';
import { allowedProviders, resolveModelConfig, type ResolvedModelConfig } from '@/lib/engine/models/resolve';
import type { ScopeRef } from '@/lib/engine/types';
import type { TModelConfig, TModelList } from '@/lib/schemas/models';
import type { App } from '../kernel/app';
import { appendAudit } from '../audit/append';
import type { ChangeContext } from '../audit/types';
import { inTransaction } from '../kernel/transaction';
import { fail } from '../kernel/errors';
import { MASK } from '@/lib/engine/secrecy';
import { confirmPassword } from '../identity/password';
import { pathIds, refuseAt, scopePath } from '../scopes/path';
import { auditKey, modelState, presetMap, providerOr404, storedMap, type ModelState } from './state';
import type { ConfigRow } from './store';

const DOING: Partial<Record<Action, string>> = {
  'models.read': 'read AI model configurations',
  'models.write': 'change AI model configurations',
  'models.use': 'check providers or record model usage',
};

/** The scope's path, after checking the caller may `action` there (a scope they may not even read: 404, as if unknown). */
export async function authorizedPath(app: App, principal: Principal, scope: string, action: Action): Promise<ScopeRef[]> {
  const path = await scopePath(app, scope);
  if (!can(principal, action, { scopePath: pathIds(path) })) refuseAt(principal, pathIds(path), `You may not ${DOING[action] ?? action} at scope "${scope}"`);
  return path;
}

/**
 * Limits on a scope (its quota, its provider restriction) are set from above: by whoever may change
 * models at the parent scope (platform admins at global). A tenant admin shapes their tenant's
 * configuration but cannot raise the budget the platform gave it.
 */
export function mayLimit(principal: Principal, path: ScopeRef[]): boolean {
  if (path.length === 1) return isPlatformAdmin(principal);
  return can(principal, 'models.write', { scopePath: pathIds(path.slice(1)) });
}

/** One provider resolved at a path from the in-memory state. */
export function resolveAt(state: ModelState, provider: ProviderDescriptor, path: ScopeRef[]): ResolvedModelConfig {
  const rows = state.configs.get(provider.id) ?? new Map<string, ConfigRow>();
  return resolveModelConfig(provider, path, storedMap(rows.values()), presetMap(state.templates.values()));
}

export function allowedAt(state: ModelState, path: ScopeRef[]) {
  return allowedProviders(path, state.access);
}

function ownOf(row: ConfigRow | undefined): TModelConfig['own'] {
  if (!row) return null;
  return {
    model: row.model,
    preset: row.preset,
    parameters: row.parameters,
    status: row.status,
    baseUrl: row.baseUrl,
    apiKey: row.apiKeyCiphertext ? MASK : null,
    quota: row.quota,
    locked: row.locked,
    metadata: row.metadata,
    version: row.version,
    updatedAt: row.updatedAt.toISOString(),
    updatedBy: row.updatedBy,
  };
}

export function toModelConfig(state: ModelState, provider: ProviderDescriptor, path: ScopeRef[]): TModelConfig {
  const r = resolveAt(state, provider, path);
  const { allowed } = allowedAt(state, path);
  return {
    provider: provider.id,
    label: provider.label,
    scope: path[0].scopeId,
    allowed: allowed === null || allowed.includes(provider.id),
    model: r.model,
    status: r.status,
    preset: r.preset,
    baseUrl: r.baseUrl,
    apiKey: { ...r.apiKey, value: r.apiKey.value ? MASK : null },
    parameters: r.parameters,
    lockedAt: r.lockedAt,
    own: ownOf(state.configs.get(provider.id)?.get(path[0].scopeId)),
    models: provider.models,
    parameterSchema: provider.parameters,
  };
}

/** `GET /models?scope=`: every provider resolved at the scope, each field with where it comes from. */
export async function listModels(app: App, principal: Principal, input: { scope: string }): Promise<TModelList> {
  const path = await authorizedPath(app, principal, input.scope, 'models.read');
  const state = await modelState(app);
  const { allowed, restrictedAt } = allowedAt(state, path);
  const mayWrite = can(principal, 'models.write', { scopePath: pathIds(path) });
  return { scope: input.scope, mayWrite, mayLimit: mayWrite && mayLimit(principal, path), allowedProviders: allowed, restrictedAt, providers: PROVIDERS.map((p) => toModelConfig(state, p, path)) };
}

export async function getModel(app: App, principal: Principal, providerId: string, input: { scope: string }): Promise<TModelConfig> {
  const provider = providerOr404(providerId);
  const path = await authorizedPath(app, principal, input.scope, 'models.read');
  return toModelConfig(await modelState(app), provider, path);
}

/** The API key effective at a scope in plain text, for a platform admin who re-entered their password. Audited. */
export async function revealModelKey(app: App, principal: Principal, providerId: string, input: { scope: string; password: string }, ctx: ChangeContext) {
  const provider = providerOr404(providerId);
  if (!can(principal, 'settings.reveal')) fail('INSUFFICIENT_PERMISSIONS', 'Only platform admins may reveal secrets');
  // a wrong password is audited and throttled like a failed sign-in
  await confirmPassword(app, principal, input.password, ctx, 'model.reveal', 'password');
  const path = await scopePath(app, input.scope);
  const state = await modelState(app);
  const r = resolveAt(state, provider, path);
  const row = r.apiKey.scopeId ? state.configs.get(provider.id)?.get(r.apiKey.scopeId) : undefined;
  const apiKey = row?.apiKeyCiphertext ? (app.secrets.decrypt(row.apiKeyCiphertext) as string) : null;
  await inTransaction(app, (tx) =>
    appendAudit(tx, ctx, [{ action: 'model.reveal', key: auditKey(provider.id), scopeId: input.scope, level: path[0].level, details: { resolvedFrom: r.apiKey.resolvedFrom, from: r.apiKey.scopeId } }]),
  );
  return { provider: provider.id, scope: input.scope, apiKey, resolvedFrom: r.apiKey.resolvedFrom, scopeId: r.apiKey.scopeId };
}

import 'server-only';
import type { Principal } from '@/lib/auth/policy';
import { PROVIDER_IDS, type ProviderDescriptor } from '@/lib/engine/models/providers';
import { blockingModelLock } from '@/lib/engine/models/resolve';
import { parameterIssue, type TModelConfigBody, type TModelConfig } from '@/lib/schemas/models';
import type { App } from '../kernel/app';
import { appendAudit } from '../audit/append';
import { canonicalJson } from '../audit/chain';
import type { ChangeContext } from '../audit/types';
import { inTransaction } from '../kernel/transaction';
import { fail } from '../kernel/errors';
import { REDACTED } from '@/lib/engine/secrecy';
import { pathIds } from '../scopes/path';
import { allowedAt, authorizedPath, mayLimit, toModelConfig } from './read';
import { auditKey, modelState, providerOr404, storedMap } from './state';
import { accessRow, configsOnPath, deleteAccess, deleteConfig, saveAccess, saveConfig, templateRow, type ConfigRow } from './store';

/** The row as the audit log records it: the key never, only whether one is set. */
function audited(row: ConfigRow | undefined) {
  if (!row) return null;
  return {
    model: row.model,
    preset: row.preset,
    parameters: row.parameters,
    status: row.status,
    quota: row.quota,
    baseUrl: row.baseUrl,
    apiKey: row.apiKeyCiphertext ? REDACTED : null,
    locked: row.locked,
    metadata: row.metadata,
  };
}

async function validateConfig(app: App, provider: ProviderDescriptor, body: TModelConfigBody) {
  if (body.model != null && !provider.models.some((m) => m.id === body.model)) {
    fail('INVALID_REQUEST', `${provider.label} has no model "${body.model}" (it offers ${provider.models.map((m) => m.id).join(', ')})`, 'model');
  }
  const issue = parameterIssue(provider, body.parameters);
  if (issue) fail('INVALID_REQUEST', issue.message, issue.field);
  if (body.preset != null) {
    const preset = await templateRow(app.db, body.preset);
    if (!preset) fail('INVALID_REQUEST', `No parameter preset "${body.preset}"`, 'preset');
    else if (preset.provider !== provider.id) fail('INVALID_REQUEST', `Preset "${body.preset}" is for ${preset.provider}, not ${provider.id}`, 'preset');
  }
}

/** `PUT /models/:provider`: what `scope` stores for the provider, replacing its previous override. */
export async function putModel(app: App, principal: Principal, providerId: string, body: TModelConfigBody & { ifMatch?: number }, ctx: ChangeContext) {
  const provider = providerOr404(providerId);
  const path = await authorizedPath(app, principal, body.scope, 'models.write');
  await validateConfig(app, provider, body);
  const saved = await inTransaction(app, async (tx, changed) => {
    const rows = await configsOnPath(tx, provider.id, pathIds(path));
    const lock = blockingModelLock(path, storedMap(rows));
    if (lock) fail('SETTING_LOCKED', `The ${provider.label} configuration is locked at "${lock}": scopes below it cannot override it`, 'scope');
    const old = rows.find((r) => r.scopeId === body.scope);
    if (body.ifMatch !== undefined && (old?.version ?? 0) !== body.ifMatch) fail('VERSION_CONFLICT', `Version is ${old?.version ?? 0}, not ${body.ifMatch}`);
    const quota = body.quota === undefined ? (old?.quota ?? null) : body.quota;
    if (canonicalJson(quota) !== canonicalJson(old?.quota ?? null) && !mayLimit(principal, path)) {
      fail('INSUFFICIENT_PERMISSIONS', `The quota of "${body.scope}" is set from the scope above it`, 'quota');
    }
    const apiKeyCiphertext = body.apiKey === undefined ? (old?.apiKeyCiphertext ?? null) : body.apiKey === null ? null : app.secrets.encrypt(body.apiKey);
    const row = await saveConfig(tx, {
      provider: provider.id,
      scopeId: body.scope,
      model: body.model ?? null,
      preset: body.preset ?? null,
      parameters: body.parameters,
      status: body.status ?? null,
      quota,
      apiKeyCiphertext,
      keyVersion: apiKeyCiphertext ? app.secrets.keyVersion : null,
      baseUrl: body.baseUrl ?? null,
      locked: body.lock,
      metadata: body.metadata ?? null,
      version: (old?.version ?? 0) + 1,
      updatedAt: new Date(),
      updatedBy: principal.userId,
    });
    await appendAudit(tx, ctx, [
      { action: 'model.update', key: auditKey(provider.id), scopeId: body.scope, level: path[0].level, oldValue: audited(old), newValue: audited(row), reason: body.reason, version: row.version },
    ]);
    changed({ type: 'models' });
    return row;
  });
  return { ...toModelConfig(await modelState(app), provider, path), version: saved.version };
}

/** `DELETE /models/:provider?scope=`: forget the scope's override, so it inherits again. */
export async function revertModel(app: App, principal: Principal, providerId: string, input: { scope: string; reason?: string; ifMatch?: number }, ctx: ChangeContext): Promise<TModelConfig & { reverted: true }> {
  const provider = providerOr404(providerId);
  const path = await authorizedPath(app, principal, input.scope, 'models.write');
  await inTransaction(app, async (tx, changed) => {
    const old = (await configsOnPath(tx, provider.id, [input.scope]))[0];
    if (!old) fail('NOT_FOUND', `"${input.scope}" has no ${provider.label} configuration of its own`, 'scope');
    if (input.ifMatch !== undefined && old.version !== input.ifMatch) fail('VERSION_CONFLICT', `Version is ${old.version}, not ${input.ifMatch}`);
    if (old.quota && !mayLimit(principal, path)) fail('INSUFFICIENT_PERMISSIONS', `The override at "${input.scope}" carries a quota set from the scope above it`, 'quota');
    await deleteConfig(tx, provider.id, input.scope);
    await appendAudit(tx, ctx, [{ action: 'model.revert', key: auditKey(provider.id), scopeId: input.scope, level: path[0].level, oldValue: audited(old), newValue: null, reason: input.reason }]);
    changed({ type: 'models' });
  });
  return { ...toModelConfig(await modelState(app), provider, path), reverted: true };
}

/** `PUT /models/access`: restrict a scope (and everything below) to some providers; null lifts it. */
export async function setAccess(app: App, principal: Principal, input: { scope: string; allowedProviders: string[] | null; reason?: string }, ctx: ChangeContext) {
  const path = await authorizedPath(app, principal, input.scope, 'models.write');
  if (!mayLimit(principal, path)) fail('INSUFFICIENT_PERMISSIONS', `Which providers "${input.scope}" may use is decided at the scope above it`, 'scope');
  const unknown = input.allowedProviders?.find((p) => !PROVIDER_IDS.includes(p));
  if (unknown) fail('NOT_FOUND', `No AI model provider "${unknown}"`, 'allowedProviders');
  const list = input.allowedProviders ? [...new Set(input.allowedProviders)].sort() : null;
  await inTransaction(app, async (tx, changed) => {
    const old = await accessRow(tx, input.scope);
    if (list) await saveAccess(tx, { scopeId: input.scope, allowedProviders: list, version: (old?.version ?? 0) + 1, updatedAt: new Date(), updatedBy: principal.userId });
    else await deleteAccess(tx, input.scope);
    await appendAudit(tx, ctx, [{ action: 'model.access', key: 'models.access', scopeId: input.scope, level: path[0].level, oldValue: old?.allowedProviders ?? null, newValue: list, reason: input.reason }]);
    changed({ type: 'models' });
  });
  return { scope: input.scope, allowedProviders: list, effective: allowedAt(await modelState(app), path).allowed };
}

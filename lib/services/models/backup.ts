import 'server-only';
import type { Executor } from '@/lib/db/client';
import type { App } from '../kernel/app';
import type { Change } from '../kernel/cache';
import { appendAudit } from '../audit/append';
import type { ChangeContext } from '../audit/types';
import { inTransaction } from '../kernel/transaction';
import { fail } from '../kernel/errors';
import { allAccess, allConfigs, allTemplates, replaceAll } from './store';

/**
 * THE SEAM for backups of type `model` (API.md "Export, import, backups"; issue 10 builds backups):
 * a dump of every model configuration, preset and provider restriction, and its atomic restore. API keys
 * stay encrypted in the dump (ciphertext under the app's key); usage counters are metering, not
 * configuration, and are neither dumped nor touched by a restore.
 */
export interface ModelDump {
  type: 'model';
  version: 1;
  configurations: {
    provider: string;
    scopeId: string;
    model: string | null;
    preset: string | null;
    parameters: Record<string, unknown>;
    status: 'active' | 'inactive' | null;
    quota: unknown;
    apiKeyCiphertext: string | null;
    keyVersion: number | null;
    baseUrl: string | null;
    locked: boolean;
    metadata: Record<string, unknown> | null;
    version: number;
  }[];
  templates: { id: string; name: string; provider: string; description: string; parameters: Record<string, unknown>; version: number }[];
  access: { scopeId: string; allowedProviders: string[]; version: number }[];
}

/** `db`: a transaction's view (a restore's pre-restore backup), else the database. */
export async function dumpModelConfiguration(app: App, db: Executor = app.db): Promise<ModelDump> {
  const [configs, templates, access] = await Promise.all([allConfigs(db), allTemplates(db), allAccess(db)]);
  return {
    type: 'model',
    version: 1,
    configurations: configs
      .sort((a, b) => `${a.provider}/${a.scopeId}`.localeCompare(`${b.provider}/${b.scopeId}`))
      .map((c) => ({
        provider: c.provider,
        scopeId: c.scopeId,
        model: c.model,
        preset: c.preset,
        parameters: c.parameters,
        status: c.status,
        quota: c.quota,
        apiKeyCiphertext: c.apiKeyCiphertext,
        keyVersion: c.keyVersion,
        baseUrl: c.baseUrl,
        locked: c.locked,
        metadata: c.metadata,
        version: c.version,
      })),
    templates: templates.map((t) => ({ id: t.id, name: t.name, provider: t.provider, description: t.description, parameters: t.parameters, version: t.version })),
    access: access.map((a) => ({ scopeId: a.scopeId, allowedProviders: a.allowedProviders, version: a.version })),
  };
}

/** Replaces all model configuration with the dump's, in one transaction with one audit entry. */
export async function restoreModelConfiguration(app: App, dump: ModelDump, ctx: ChangeContext, reason: string): Promise<{ configurations: number; templates: number; access: number }> {
  checkModelDump(dump);
  return inTransaction(app, (tx, changed) => replaceModelConfiguration(tx, dump, ctx, reason, changed));
}

/** Refuses a dump that is not one, or whose configurations name a preset it does not contain. */
export function checkModelDump(dump: ModelDump): void {
  if (dump?.type !== 'model' || dump.version !== 1) fail('INVALID_REQUEST', 'Not a model backup (type "model", version 1)');
  const presets = new Set(dump.templates.map((t) => t.id));
  const dangling = dump.configurations.find((c) => c.preset !== null && !presets.has(c.preset));
  if (dangling) fail('INVALID_REQUEST', `The backup's ${dangling.provider} configuration at "${dangling.scopeId}" uses preset "${dangling.preset}", which it does not contain`);
}

/** The restore itself, inside the caller's transaction (a full backup's restore applies it with the values, atomically). */
export async function replaceModelConfiguration(tx: Executor, dump: ModelDump, ctx: ChangeContext, reason: string, changed: (c: Change) => void) {
  checkModelDump(dump);
  const counts = { configurations: dump.configurations.length, templates: dump.templates.length, access: dump.access.length };
  await replaceAll(tx, {
    configurations: dump.configurations.map((c) => ({ ...c, quota: c.quota as never, updatedBy: ctx.actor.id })),
    templates: dump.templates.map((t) => ({ ...t, updatedBy: ctx.actor.id })),
    access: dump.access.map((a) => ({ ...a, updatedBy: ctx.actor.id })),
  });
  await appendAudit(tx, { ...ctx, source: 'restore' }, [{ action: 'model.restore', key: 'models', scopeId: 'global', level: 'global', reason, details: counts }]);
  changed({ type: 'models' });
  return counts;
}

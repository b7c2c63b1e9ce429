import 'server-only';
import { ZSettingKey } from '@/lib/schemas/common';
import { ZMigrationWriteOptions, type MigrationContext, type TMigrationOperation } from '@/lib/schemas/migrations';
import { fail } from '../kernel/errors';

/** Reads the value stored at a scope (null when none is). */
export type StoredReader = (key: string, scope: string) => Promise<unknown>;

function checked(key: unknown, options: unknown) {
  const k = ZSettingKey.safeParse(key);
  if (!k.success) fail('INVALID_REQUEST', `A migration named the key ${JSON.stringify(key)}, which is not a setting key`, 'key');
  const o = ZMigrationWriteOptions.safeParse(options ?? {});
  if (!o.success) fail('INVALID_REQUEST', `Options for "${k.data}": ${o.error.issues[0].path.join('.')} ${o.error.issues[0].message}`, 'scope');
  return { key: k.data, ...o.data };
}

/**
 * Runs a migration step against a recorder: its writes become operations (the last one per key and scope
 * wins), applied afterwards in one transaction. A step that throws halfway has therefore written nothing.
 */
export async function recordSteps(step: (ctx: MigrationContext) => Promise<void> | void, read: StoredReader): Promise<TMigrationOperation[]> {
  const ops = new Map<string, TMigrationOperation>();
  const id = (key: string, scope: string) => `${key}\u0000${scope}`;
  const ctx: MigrationContext = {
    async setSetting(key, value, options) {
      const c = checked(key, options);
      if (value === undefined) fail('INVALID_REQUEST', `setSetting("${c.key}") needs a value (use deleteSetting to remove one)`, 'value');
      ops.delete(id(c.key, c.scope));
      ops.set(id(c.key, c.scope), { action: 'set', key: c.key, scope: c.scope, value, ...(c.lock !== undefined ? { lock: c.lock } : {}) });
    },
    async deleteSetting(key, options) {
      const c = checked(key, options);
      ops.delete(id(c.key, c.scope));
      ops.set(id(c.key, c.scope), { action: 'delete', key: c.key, scope: c.scope });
    },
    async getSetting(key, options) {
      const c = checked(key, options);
      const own = ops.get(id(c.key, c.scope));
      if (own) return own.action === 'set' ? own.value : null;
      return read(c.key, c.scope);
    },
  };
  await step(ctx);
  return [...ops.values()];
}

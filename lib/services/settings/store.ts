import 'server-only';
import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Executor } from '@/lib/db/client';
import { settingValues } from '@/lib/db/schema';
import type { StoredValue } from '@/lib/engine/types';
import type { TDefinition } from '@/lib/schemas/definition';
import type { App } from './app';
import { MASK, REDACTED } from './secrets';

export type ValueRow = typeof settingValues.$inferSelect;

/** Stored values of one key at the given scopes, secrets decrypted. */
export async function loadStored(app: App, db: Executor, key: string, scopeIds: string[]): Promise<Map<string, StoredValue>> {
  const rows = await db
    .select()
    .from(settingValues)
    .where(and(eq(settingValues.key, key), inArray(settingValues.scopeId, scopeIds)));
  return new Map(rows.map((r) => [r.scopeId, toStored(app, r)]));
}

/**
 * Like loadStored, after taking a transaction lock on (key, target scope): concurrent writers of the same
 * value queue here, and each then reads what the previous one committed — also when the row does not
 * exist yet, where a row lock would lock nothing.
 */
export async function loadStoredForWrite(app: App, db: Executor, key: string, target: string, others: string[]): Promise<Map<string, StoredValue>> {
  await db.execute(sql`select pg_advisory_xact_lock(hashtextextended(${`${key} ${target}`}, 0))`);
  return loadStored(app, db, key, [target, ...others]);
}

/** Stored values of many keys at the given scopes: key → scope → value. One query. */
export async function loadStoredMany(app: App, db: Executor, scopeIds: string[], keys?: string[]): Promise<Map<string, Map<string, StoredValue>>> {
  const rows = await db
    .select()
    .from(settingValues)
    .where(and(inArray(settingValues.scopeId, scopeIds), keys ? inArray(settingValues.key, keys) : undefined));
  const out = new Map<string, Map<string, StoredValue>>();
  for (const r of rows) {
    let m = out.get(r.key);
    if (!m) out.set(r.key, (m = new Map()));
    m.set(r.scopeId, toStored(app, r));
  }
  return out;
}

export function toStored(app: App, r: ValueRow): StoredValue {
  return {
    value: r.ciphertext ? app.secrets.decrypt(r.ciphertext) : r.value,
    locked: r.locked,
    version: r.version,
    skipTo: r.skipTo,
  };
}

export const isSecretDef = (def: TDefinition) => def.isSecret || def.type === 'secret';

/** What a response may show of a value: secrets as "********" (an unset or empty secret stays visible as such). */
export function shown(def: TDefinition, value: unknown): unknown {
  if (!isSecretDef(def) || value === null || value === undefined || value === '') return value ?? null;
  return MASK;
}

/** What the audit log may record of a value. */
export function audited(def: TDefinition, value: unknown): unknown {
  if (!isSecretDef(def) || value === null || value === undefined) return value ?? null;
  return REDACTED;
}

/** The public view of a definition (the secret default is masked too). */
export function publicDefinition(def: TDefinition) {
  return { ...def, defaultValue: shown(def, def.defaultValue) };
}

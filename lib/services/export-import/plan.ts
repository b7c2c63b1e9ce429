import 'server-only';
import type { Executor } from '@/lib/db/client';
import { can, type Principal } from '@/lib/auth/policy';
import { checkCrossFieldRules } from '@/lib/engine/cross-field';
import { resolveSetting } from '@/lib/engine/resolve';
import type { ScopeRef, StoredValue } from '@/lib/engine/types';
import { validateValue } from '@/lib/engine/value-schema';
import type { TDefinition } from '@/lib/schemas/definition';
import type { TChange, TDiffSummary } from '@/lib/schemas/export-import';
import type { App } from '../kernel/app';
import { canonicalJson } from '../audit/chain';
import { getRegistry } from '../registry/read';
import { ServiceError } from '../kernel/errors';
import { isSecret as isSecretDef, MASK } from '@/lib/engine/secrecy';
import { shown } from '../kernel/secrecy';
import { planDefinitions } from './plan-definitions';
import { planFlags, type FlagTarget, type FlagWrite } from './plan-flags';
import { allPaths, toStored, type Paths } from './paths';
import { diffEtag } from './plan-etag';
import { loadValuesAt } from './store';

/**
 * The diff of every bulk configuration write (import, restore, promote, revert): the state asked for,
 * compared with what is stored, item by item, with the engine's own rules. Computed for the preview and
 * again inside the confirm's transaction; the two must hash alike (the ETag) or nothing is applied.
 */

export interface ValueTarget {
  key: string;
  scope: string;
  /** The plain value (not for secrets from a file: those come as `encrypted`). */
  value?: unknown;
  encrypted?: string;
  locked?: boolean;
  skipTo?: string | null;
}

export interface TargetState {
  values: ValueTarget[];
  /** Values to remove (restore and revert bring a scope back to a state without them). */
  removeValues?: { key: string; scope: string }[];
  flags?: FlagTarget[];
  removeFlags?: { key: string; scope: string }[];
  definitions?: TDefinition[];
  /** Plain secret values are fine: they come from this instance's own storage (promote, revert, restore). */
  plainSecrets?: boolean;
  /** A restore by a platform admin: users' own values (scope `user:<id>`) are part of the state too. */
  restore?: boolean;
  /** Scopes the confirm creates before it writes (a restore into an instance that lacks them). */
  scopes?: { id: string; level: string; parentId: string | null }[];
  /** Items the caller already knows cannot be applied (e.g. a revert over later changes), listed as invalid. */
  refused?: { kind: 'setting' | 'flag'; key: string; scope: string; code: string; message: string }[];
}

export interface ValueWrite {
  def: TDefinition;
  scopeId: string;
  level: string;
  value: unknown;
  locked: boolean;
  skipTo: string | null;
  current?: StoredValue;
}

export interface ValueDelete {
  def?: TDefinition;
  key: string;
  scopeId: string;
  level: string;
  current: StoredValue;
}

export interface Plan {
  changes: TChange[];
  summary: TDiffSummary;
  etag: string;
  valueWrites: ValueWrite[];
  valueDeletes: ValueDelete[];
  flagWrites: FlagWrite[];
  definitions: TDefinition[];
  newCategories: string[];
}

type Stored = Map<string, Map<string, StoredValue>>;

const failure = (e: ServiceError) => ({ code: e.code, message: e.message, ...(e.field ? { field: e.field } : {}) });
const invalid = (code: ServiceError['code'], message: string, field?: string) => new ServiceError(code, message, field);

async function loadStored(app: App, db: Executor, scopeIds: string[]): Promise<Stored> {
  const out: Stored = new Map();
  for (const r of await loadValuesAt(db, scopeIds)) {
    let m = out.get(r.key);
    if (!m) out.set(r.key, (m = new Map()));
    m.set(r.scopeId, toStored(app, r));
  }
  return out;
}

/** Computes the whole diff. `db` is the confirm's transaction (after its locks) or the database for a preview. */
export async function computePlan(app: App, principal: Principal, db: Executor, target: TargetState): Promise<Plan> {
  const [registry, paths] = await Promise.all([getRegistry(app), allPaths(db, target.scopes)]);
  const defPlan = await planDefinitions(app, principal, db, registry, target.definitions ?? []);
  const defs = new Map(registry.byKey);
  for (const d of defPlan.created) defs.set(d.key, d);
  const ctx: ValueContext = { app, principal, defs, paths, stored: new Map(), categories: registry.categoryByKey, plainSecrets: !!target.plainSecrets, restore: !!target.restore, mayWriteAt: new Map() };
  const touched = new Set<string>();
  for (const t of [...target.values, ...(target.removeValues ?? [])]) for (const p of pathFor(ctx, t.scope) ?? []) touched.add(p.scopeId);
  ctx.stored = await loadStored(app, db, [...touched]);
  const values = planValues(ctx, target.values);
  const deletes = planRemovals(ctx, target.removeValues ?? []);
  checkCrossField(ctx, [...defs.values()], values);
  const flags = await planFlags(principal, db, paths, target.flags ?? [], target.removeFlags ?? []);
  const refused = (target.refused ?? []).map(
    (r): TChange => ({ kind: r.kind, key: r.key, scope: r.scope, currentValue: null, newValue: null, currentVersion: 0, action: 'invalid', error: { code: r.code, message: r.message } }),
  );
  const changes = [...defPlan.changes, ...values.map((v) => v.change), ...deletes.map((d) => d.change), ...flags.changes, ...refused];
  return {
    changes,
    summary: summarize(changes),
    etag: diffEtag(changes),
    // unchanged items are neither rewritten nor audited (a no-op must not bump versions or fill the log)
    valueWrites: values.filter((v) => v.write && v.change.action !== 'invalid' && v.change.action !== 'unchanged').map((v) => v.write!),
    valueDeletes: deletes.filter((d) => d.remove).map((d) => d.remove!),
    flagWrites: flags.writes,
    definitions: defPlan.created,
    newCategories: defPlan.newCategories,
  };
}

function summarize(changes: TChange[]): TDiffSummary {
  const n = (a: TChange['action']) => changes.filter((c) => c.action === a).length;
  return { toCreate: n('create'), toUpdate: n('update'), toDelete: n('delete'), unchanged: n('unchanged'), invalid: n('invalid') };
}

interface ValueContext {
  app: App;
  principal: Principal;
  defs: Map<string, TDefinition>;
  paths: Paths;
  stored: Stored;
  categories: Map<string, { security: boolean }>;
  plainSecrets: boolean;
  restore: boolean;
  /** mayWrite's answers by scope and security flag: a bulk asks the policy once per scope, not per item. */
  mayWriteAt: Map<string, boolean>;
}

/** A scope's path; a user's values (restore only) sit above global in the chain. */
function pathFor(ctx: ValueContext, scope: string): ScopeRef[] | undefined {
  if (!scope.startsWith('user:')) return ctx.paths.get(scope);
  return ctx.restore ? [{ scopeId: scope, level: 'user' }, ...(ctx.paths.get('global') ?? [])] : undefined;
}

/** Restores run as a platform admin over everything; otherwise the policy decides per scope. */
function mayWrite(ctx: ValueContext, path: ScopeRef[], security: boolean | undefined): boolean {
  if (ctx.restore && path[0].level === 'user') return true;
  const at = `${path[0].scopeId}\u0000${security}`;
  if (!ctx.mayWriteAt.has(at)) ctx.mayWriteAt.set(at, can(ctx.principal, 'settings.write', { scopePath: path.map((p) => p.scopeId), securityCategory: security }));
  return ctx.mayWriteAt.get(at)!;
}

interface PlannedValue {
  change: TChange;
  write?: ValueWrite;
}

function planValues(ctx: ValueContext, targets: ValueTarget[]): PlannedValue[] {
  const seen = new Set<string>();
  return targets.map((t) => {
    const current = ctx.stored.get(t.key)?.get(t.scope);
    const def = ctx.defs.get(t.key);
    const change: TChange = {
      kind: 'setting',
      key: t.key,
      scope: t.scope,
      currentValue: current && def ? shown(def, current.value) : (current?.value ?? null),
      newValue: t.encrypted !== undefined ? MASK : def ? shown(def, t.value ?? null) : (t.value ?? null),
      currentVersion: current?.version ?? 0,
      action: 'invalid',
    };
    try {
      const id = `${t.key} ${t.scope}`;
      if (seen.has(id)) throw invalid('INVALID_REQUEST', `"${t.key}" at "${t.scope}" appears twice`, 'settings');
      seen.add(id);
      const write = checkValue(ctx, t, def, current);
      change.newValue = shown(write.def, write.skipTo ? null : write.value);
      change.newLocked = write.locked;
      if (current) change.currentLocked = current.locked;
      change.action = !current ? 'create' : sameValue(current, write) ? 'unchanged' : 'update';
      return { change, write };
    } catch (e) {
      if (!(e instanceof ServiceError)) throw e;
      return { change: { ...change, error: failure(e) } };
    }
  });
}

const sameValue = (c: StoredValue, w: ValueWrite) =>
  c.locked === w.locked && (c.skipTo ?? null) === w.skipTo && (w.skipTo !== null || canonicalJson(c.value) === canonicalJson(w.value));

/** The rules of a single write (see the settings service), applied to one item of a bulk target state. */
function checkValue(ctx: ValueContext, t: ValueTarget, def: TDefinition | undefined, current: StoredValue | undefined): ValueWrite {
  if (!def) throw invalid('SETTING_NOT_FOUND', `No setting "${t.key}" in this registry`, 'key');
  const path = pathFor(ctx, t.scope);
  if (!path) throw invalid('SCOPE_NOT_FOUND', `No scope "${t.scope}" here (create it first, or map it with mapScopes)`, 'scope');
  const level = path[0].level;
  const security = ctx.categories.get(def.category)?.security;
  if (!mayWrite(ctx, path, security)) {
    throw invalid('INSUFFICIENT_PERMISSIONS', `You may not change "${t.key}" at scope "${t.scope}"`, 'scope');
  }
  if (def.readonly) throw invalid('SETTING_READONLY', `"${t.key}" is read-only`, 'key');
  if (!def.allowedLevels.includes(level)) throw invalid('SCOPE_NOT_ALLOWED', `"${t.key}" cannot be set at the ${level} level (allowed: ${def.allowedLevels.join(', ')})`, 'scope');
  const value = plainValue(ctx, t, def);
  const locked = t.locked ?? current?.locked ?? false;
  const skipTo = t.skipTo ?? null;
  const write: ValueWrite = { def, scopeId: t.scope, level, value: null, locked, skipTo, current };
  if (current && sameValue(current, { ...write, value })) return { ...write, value: skipTo ? null : value };
  const lock = path.findLast((p, i) => i > 0 && ctx.stored.get(t.key)?.get(p.scopeId)?.locked);
  if (lock) throw invalid('SETTING_LOCKED', `"${t.key}" is locked at scope "${lock.scopeId}"`, 'scope');
  if (skipTo !== null) {
    if (def.overrideBehavior !== 'allowSkipLevel') throw invalid('INVALID_REQUEST', `"${t.key}" does not allow skipping levels`, 'skipTo');
    if (!path.slice(1).some((p) => p.level === skipTo)) throw invalid('INVALID_REQUEST', `"${skipTo}" is not a level above "${t.scope}"`, 'skipTo');
    return write;
  }
  const v = validateValue(def, value);
  if (!v.ok) throw invalid('INVALID_SETTING_VALUE', `${t.key}: ${v.issues[0].message}`, t.key);
  return { ...write, value: v.value };
}

/** A secret arrives encrypted (a file) or plain from our own storage; a plain secret in a file is refused. */
function plainValue(ctx: ValueContext, t: ValueTarget, def: TDefinition): unknown {
  if (!isSecretDef(def)) {
    if (t.encrypted !== undefined) throw invalid('INVALID_SETTING_VALUE', `"${t.key}" is not a secret here, but the file has it encrypted`, t.key);
    return t.value;
  }
  if (t.encrypted === undefined) {
    if (ctx.plainSecrets && t.value !== undefined) return t.value;
    if (t.skipTo) return null;
    throw invalid('INVALID_SETTING_VALUE', `"${t.key}" is a secret: a file must carry it encrypted (export with includeSecrets=true), never in plain text`, t.key);
  }
  try {
    return ctx.app.secrets.decrypt(t.encrypted);
  } catch {
    throw invalid('INVALID_SETTING_VALUE', `"${t.key}": the encrypted value cannot be decrypted with this instance's key (was it exported elsewhere?)`, t.key);
  }
}

function planRemovals(ctx: ValueContext, removals: { key: string; scope: string }[]): { change: TChange; remove?: ValueDelete }[] {
  return removals.flatMap((r): { change: TChange; remove?: ValueDelete }[] => {
    const current = ctx.stored.get(r.key)?.get(r.scope);
    const path = pathFor(ctx, r.scope);
    if (!current || !path) return [];
    const def = ctx.defs.get(r.key);
    const change: TChange = {
      kind: 'setting',
      key: r.key,
      scope: r.scope,
      currentValue: def ? shown(def, current.value) : current.value,
      newValue: null,
      currentLocked: current.locked,
      currentVersion: current.version,
      action: 'delete',
    };
    const security = def ? ctx.categories.get(def.category)?.security : true;
    if (!mayWrite(ctx, path, security)) {
      return [{ change: { ...change, action: 'invalid', error: { code: 'INSUFFICIENT_PERMISSIONS', message: `You may not change "${r.key}" at scope "${r.scope}"`, field: 'scope' } } }];
    }
    return [{ change, remove: { def, key: r.key, scopeId: r.scope, level: path[0].level, current } }];
  });
}

/** Cross-field rules at each scope written, with the whole batch's values in place. */
function checkCrossField(ctx: ValueContext, defs: TDefinition[], planned: PlannedValue[]) {
  const withRules = defs.filter((d) => d.validation?.rules?.length);
  if (withRules.length === 0) return;
  const byScope = new Map<string, PlannedValue[]>();
  for (const p of planned) {
    if (!p.write || p.change.action === 'invalid' || p.change.action === 'unchanged') continue;
    if (!byScope.has(p.write.scopeId)) byScope.set(p.write.scopeId, []);
    byScope.get(p.write.scopeId)!.push(p);
  }
  for (const [scopeId, items] of byScope) {
    const path = pathFor(ctx, scopeId)!;
    const proposed = new Map(items.map((i) => [i.write!.def.key, i.write!]));
    const get = (key: string) => {
      const def = ctx.defs.get(key);
      if (!def) return undefined;
      const m = new Map(ctx.stored.get(key));
      const p = proposed.get(key);
      if (p) m.set(scopeId, { value: p.value, locked: p.locked, version: 0, skipTo: p.skipTo });
      return resolveSetting(def, path, (id) => m.get(id)).value;
    };
    for (const issue of checkCrossFieldRules(defs, [...proposed.keys()], get)) {
      const item = items.find((i) => i.write!.def.key === issue.path) ?? items[0];
      item.change.action = 'invalid';
      item.change.error = { code: 'INVALID_SETTING_VALUE', message: `${issue.path}: ${issue.message}`, field: issue.path };
    }
  }
}

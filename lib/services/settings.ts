import 'server-only';
import { and, count, desc, eq, gte, inArray, isNotNull, lte, max, sql } from 'drizzle-orm';
import type { Executor } from '@/lib/db/client';
import { auditLog, settingValues, users } from '@/lib/db/schema';
import { can, type Principal } from '@/lib/auth/policy';
import { verifyPassword } from '@/lib/auth/passwords';
import { checkCrossFieldRules } from '@/lib/engine/cross-field';
import { isValidScopeId, parseUserScope } from '@/lib/engine/hierarchy';
import { resolveSetting } from '@/lib/engine/resolve';
import type { Resolution, ScopeRef, StoredValue } from '@/lib/engine/types';
import { validateValue } from '@/lib/engine/value-schema';
import type { TDefinition } from '@/lib/schemas/definition';
import type { App } from './app';
import { appendAudit, toAuditEntry, queryAudit, type AuditEntry, type AuditSource, type ChangeContext } from './audit';
import { inTransaction } from './changes';
import { readableScopeIds, resolveContext, type ContextInput, type ResolvedContext } from './context';
import { getDefinition, getRegistry } from './definitions';
import { countFlagKeys } from './flags';
import { fail, ServiceError } from './errors';
import { getLevels, loadPathWithValues, pathIds, scopePath } from './scopes';
import { audited, isSecretDef, loadStored, loadStoredForWrite, loadStoredMany, publicDefinition, shown } from './values';

const GLOBAL_PATH: ScopeRef[] = [{ scopeId: 'global', level: 'global' }];

// ---------------------------------------------------------------- reads

/** Resolves one key for a context, through the in-process cache. The value is NOT masked. */
export async function resolveInternal(app: App, def: TDefinition, ctx: ResolvedContext, preloaded?: Map<string, StoredValue>): Promise<Resolution> {
  const userId = def.allowedLevels.includes('user') ? ctx.userId : undefined;
  const cacheKey = userId ? `${ctx.path[0].scopeId}\u0000${userId}` : ctx.path[0].scopeId;
  const hit = app.caches.getResolved<Resolution>(def.key, cacheKey);
  if (hit) return hit;
  const generation = app.caches.generation(def.key);
  const scopeIds = pathIds(ctx.path);
  if (userId) scopeIds.push(`user:${userId}`);
  const stored = preloaded ?? (await loadStored(app, app.db, def.key, scopeIds));
  const resolution = resolveSetting(def, ctx.path, (id) => stored.get(id), userId ? { userId, value: stored.get(`user:${userId}`) } : undefined);
  app.caches.setResolved(def.key, cacheKey, generation, resolution);
  return resolution;
}

export interface ResolveAnswer {
  key: string;
  value: unknown;
  type: string;
  resolvedFrom: string;
  resolvedScopeId: string | null;
  inheritanceChain: { level: string; scopeId: string | null; value: unknown; locked?: boolean; skipped?: boolean; skipTo?: string }[];
  version: number;
}

function answer(def: TDefinition, r: Resolution): ResolveAnswer {
  return {
    key: def.key,
    value: shown(def, r.value),
    type: def.type,
    resolvedFrom: r.resolvedFrom,
    resolvedScopeId: r.resolvedScopeId,
    inheritanceChain: r.inheritanceChain.map((l) => ({ ...l, value: shown(def, l.value) })),
    version: r.version,
  };
}

export async function resolveKey(app: App, principal: Principal, key: string, input: ContextInput & { at?: Date }): Promise<ResolveAnswer> {
  const def = await getDefinition(app, key);
  const ownPreferences = def.allowedLevels.includes('user') && (input.userId === 'me' || input.userId === principal.userId);
  // A scope seen for the first time: its path and the key's values come in one query (a cache miss
  // then costs one round trip, not two). Authorization below still runs before anything is answered.
  const named = input.scope ?? input.eventId ?? input.projectId ?? input.tenantId ?? 'global';
  const userId = input.userId === 'me' ? principal.userId : input.userId;
  const preloaded =
    !input.at && !app.caches.path(named) && isValidScopeId(named)
      ? await loadPathWithValues(app, def.key, named, def.allowedLevels.includes('user') && userId ? `user:${userId}` : undefined)
      : undefined;
  const ctx = await resolveContext(app, principal, input, { ownPreferences });
  if (input.at) return answer(def, await resolveAt(app, def, ctx, input.at));
  return answer(def, await resolveInternal(app, def, ctx, preloaded?.path[0].scopeId === ctx.path[0].scopeId ? preloaded.stored : undefined));
}

/** Resolution as of a past moment, rebuilt from the audit history of each scope on the path. */
async function resolveAt(app: App, def: TDefinition, ctx: ResolvedContext, at: Date): Promise<Resolution> {
  const userId = def.allowedLevels.includes('user') ? ctx.userId : undefined;
  const scopeIds = pathIds(ctx.path);
  if (userId) scopeIds.push(`user:${userId}`);
  const rows = await app.db
    .selectDistinctOn([auditLog.scopeId])
    .from(auditLog)
    .where(and(eq(auditLog.key, def.key), inArray(auditLog.scopeId, scopeIds), inArray(auditLog.action, ['setting.set', 'setting.revert']), lte(auditLog.at, at)))
    .orderBy(auditLog.scopeId, desc(auditLog.id));
  const stored = new Map<string, StoredValue>();
  for (const r of rows) {
    if (r.action !== 'setting.set' || !r.scopeId) continue;
    const d = (r.details ?? {}) as { locked?: boolean; skipTo?: string };
    stored.set(r.scopeId, {
      value: r.newCiphertext ? app.secrets.decrypt(r.newCiphertext) : r.newValue,
      locked: d.locked === true,
      version: r.version ?? 1,
      skipTo: d.skipTo ?? null,
    });
  }
  return resolveSetting(def, ctx.path, (id) => stored.get(id), userId ? { userId, value: stored.get(`user:${userId}`) } : undefined);
}

/** Resolves many keys for one context with one query for whatever is not cached (SDK getMany, lists, documents). */
export async function resolveMany(app: App, defs: TDefinition[], ctx: ResolvedContext): Promise<Map<string, Resolution>> {
  const out = new Map<string, Resolution>();
  const missing: TDefinition[] = [];
  const gens = new Map<string, number>();
  for (const def of defs) {
    const userId = def.allowedLevels.includes('user') ? ctx.userId : undefined;
    const hit = app.caches.getResolved<Resolution>(def.key, userId ? `${ctx.path[0].scopeId}\u0000${userId}` : ctx.path[0].scopeId);
    if (hit) out.set(def.key, hit);
    else {
      missing.push(def);
      gens.set(def.key, app.caches.generation(def.key));
    }
  }
  if (missing.length === 0) return out;
  const scopeIds = pathIds(ctx.path);
  if (ctx.userId) scopeIds.push(`user:${ctx.userId}`);
  const stored = await loadStoredMany(app, app.db, scopeIds, missing.length < 200 ? missing.map((d) => d.key) : undefined);
  for (const def of missing) {
    const m = stored.get(def.key);
    const userId = def.allowedLevels.includes('user') ? ctx.userId : undefined;
    const r = resolveSetting(def, ctx.path, (id) => m?.get(id), userId ? { userId, value: m?.get(`user:${userId}`) } : undefined);
    app.caches.setResolved(def.key, userId ? `${ctx.path[0].scopeId}\u0000${userId}` : ctx.path[0].scopeId, gens.get(def.key)!, r);
    out.set(def.key, r);
  }
  return out;
}

export interface SettingListItem {
  key: string;
  label: string;
  description: string;
  category: string;
  group: string | null;
  type: string;
  value: unknown;
  isOverridden: boolean;
  locked: boolean;
  resolvedValue: unknown;
  resolvedFrom: string;
  version: number;
  requiresRestart: boolean;
  isSecret: boolean;
  readonly: boolean;
}

export async function listSettings(
  app: App,
  principal: Principal,
  q: ContextInput & { category?: string; q?: string; limit: number; offset: number },
): Promise<{ settings: SettingListItem[]; total: number }> {
  const ctx = await resolveContext(app, principal, q);
  const registry = await getRegistry(app);
  const needle = q.q?.toLowerCase();
  const matching = registry.definitions.filter(
    (d) =>
      (!q.category || d.category === q.category) &&
      (!needle || d.key.toLowerCase().includes(needle) || d.label.toLowerCase().includes(needle) || d.description.toLowerCase().includes(needle)),
  );
  const page = matching.slice(q.offset, q.offset + q.limit);
  const [resolved, here] = await Promise.all([
    resolveMany(app, page, ctx),
    loadStoredMany(app, app.db, [ctx.path[0].scopeId], page.length < 200 ? page.map((d) => d.key) : undefined),
  ]);
  const settings = page.map((def) => {
    const r = resolved.get(def.key)!;
    const own = here.get(def.key)?.get(ctx.path[0].scopeId);
    return {
      key: def.key,
      label: def.label,
      description: def.description,
      category: def.category,
      group: def.group ?? null,
      type: def.type,
      value: own ? shown(def, own.value) : null,
      isOverridden: !!own,
      locked: own?.locked ?? false,
      resolvedValue: shown(def, r.value),
      resolvedFrom: r.resolvedFrom,
      version: own?.version ?? 0,
      requiresRestart: def.requiresRestart,
      isSecret: isSecretDef(def),
      readonly: def.readonly,
    };
  });
  return { settings, total: matching.length };
}

export async function getSetting(app: App, principal: Principal, key: string, input: ContextInput) {
  const def = await getDefinition(app, key);
  const ctx = await resolveContext(app, principal, input);
  const r = await resolveInternal(app, def, ctx);
  const own = (await loadStored(app, app.db, key, [ctx.path[0].scopeId])).get(ctx.path[0].scopeId);
  return {
    setting: publicDefinition(def),
    scope: ctx.path[0].scopeId,
    value: own ? shown(def, own.value) : null,
    locked: own?.locked ?? false,
    resolvedValue: shown(def, r.value),
    resolvedFrom: r.resolvedFrom,
    resolvedScopeId: r.resolvedScopeId,
    version: own?.version ?? 0,
  };
}

// ---------------------------------------------------------------- writes

export type WriteOp =
  | { kind: 'set'; key: string; scope: string; value: unknown; lock?: boolean; skipTo?: string; ifMatch?: number }
  | { kind: 'revert'; key: string; scope: string; ifMatch?: number };

export interface WriteOptions {
  reason?: string;
  /** Overrides the request's audit source (rollback, import …). */
  source?: AuditSource;
  /** false: apply the valid items, report the others (bulk with atomic: false). */
  atomic?: boolean;
}

export interface WriteResult {
  key: string;
  scope: string;
  kind: 'set' | 'revert';
  created: boolean;
  def: TDefinition;
  value: unknown;
  locked: boolean;
  version: number;
  audit: AuditEntry;
}

export interface WriteOutcome {
  results: WriteResult[];
  errors: { key: string; scope: string; error: { code: string; message: string; field?: string; details?: unknown } }[];
}

interface Target {
  path: ScopeRef[];
  level: string;
  userId?: string;
}

async function writeTarget(app: App, scope: string, tx: Executor): Promise<Target> {
  const userId = parseUserScope(scope);
  if (userId !== null) return { path: GLOBAL_PATH, level: 'user', userId };
  const path = await scopePath(app, scope, tx);
  return { path, level: path[0].level };
}

/**
 * The one write path for values: authorization, registry rules, locks, versions, validation, cross-field
 * rules, storage, audit and change notification — all in one transaction.
 */
export async function applyWrites(app: App, principal: Principal, ops: WriteOp[], opts: WriteOptions, ctx: ChangeContext): Promise<WriteOutcome> {
  if (ops.length === 0) return { results: [], errors: [] };
  // one change per value per request: two would read the same version and the second would hide the first
  const seen = new Set<string>();
  for (const op of ops) {
    const id = `${op.key} ${op.scope}`;
    if (seen.has(id)) fail('INVALID_REQUEST', `"${op.key}" at "${op.scope}" appears twice in one request`, 'settings');
    seen.add(id);
  }
  const registry = await getRegistry(app);
  const atomic = opts.atomic !== false;
  return inTransaction(app, async (tx, changed) => {
    const errors: WriteOutcome['errors'] = [];
    const accepted: { op: WriteOp; def: TDefinition; target: Target; current?: StoredValue; lastVersion: number; value?: unknown }[] = [];

    for (const op of ops) {
      try {
        const def = registry.byKey.get(op.key);
        if (!def) fail('SETTING_NOT_FOUND', `No setting "${op.key}"`, 'key');
        const target = await writeTarget(app, op.scope, tx);
        const category = registry.categoryByKey.get(def!.category);
        if (!can(principal, 'settings.write', { scopePath: target.userId ? undefined : pathIds(target.path), userId: target.userId, securityCategory: category?.security })) {
          fail('INSUFFICIENT_PERMISSIONS', target.userId ? 'You may change only your own preferences' : `You may not change "${op.key}" at scope "${op.scope}"`);
        }
        accepted.push({ op, def: def!, target, ...(await checkWrite(app, tx, def!, op, target, opts)) });
      } catch (e) {
        if (!(e instanceof ServiceError) || atomic) throw e;
        errors.push({ key: op.key, scope: op.scope, error: { code: e.code, message: e.message, field: e.field, details: e.details } });
      }
    }

    await checkCrossField(app, tx, registry.definitions, accepted);

    const results: WriteResult[] = [];
    const auditInputs = [];
    for (const a of accepted) {
      const { op, def, target, current, lastVersion } = a;
      const scopeId = target.userId ? `user:${target.userId}` : target.path[0].scopeId;
      const secret = isSecretDef(def);
      if (op.kind === 'revert') {
        await tx.delete(settingValues).where(and(eq(settingValues.key, def.key), eq(settingValues.scopeId, scopeId)));
        auditInputs.push({
          action: 'setting.revert',
          key: def.key,
          scopeId,
          level: target.level,
          oldValue: audited(def, current!.value),
          newValue: null,
          reason: opts.reason ?? null,
          source: opts.source,
          version: lastVersion + 1,
        });
        results.push({ key: def.key, scope: scopeId, kind: 'revert', created: false, def, value: null, locked: false, version: lastVersion + 1 } as WriteResult);
      } else {
        const version = lastVersion + 1;
        const skipTo = op.skipTo ?? null;
        const stored = skipTo ? null : a.value;
        const ciphertext = secret && !skipTo ? app.secrets.encrypt(stored) : null;
        const row = {
          key: def.key,
          scopeId,
          value: secret ? null : stored,
          ciphertext,
          keyVersion: ciphertext ? app.secrets.keyVersion : null,
          locked: op.lock ?? current?.locked ?? false,
          skipTo,
          version,
          updatedAt: new Date(),
          updatedBy: principal.userId,
        };
        await tx.insert(settingValues).values(row).onConflictDoUpdate({ target: [settingValues.key, settingValues.scopeId], set: row });
        auditInputs.push({
          action: 'setting.set',
          key: def.key,
          scopeId,
          level: target.level,
          oldValue: current ? audited(def, current.value) : null,
          newValue: audited(def, stored),
          newCiphertext: ciphertext,
          reason: opts.reason ?? null,
          source: opts.source,
          version,
          details: { locked: row.locked, ...(skipTo ? { skipTo } : {}), ...(current ? {} : { created: true }) },
        });
        results.push({ key: def.key, scope: scopeId, kind: 'set', created: !current, def, value: stored, locked: row.locked, version } as WriteResult);
      }
      changed({ type: 'value', key: def.key, scopeId, version: results[results.length - 1].version });
    }
    const rows = await appendAudit(tx, ctx, auditInputs);
    rows.forEach((row, i) => (results[i].audit = toAuditEntry(row)));
    return { results, errors };
  });
}

/** Every rule a single write must pass before anything is stored. Returns the current row and the parsed value. */
async function checkWrite(app: App, tx: Executor, def: TDefinition, op: WriteOp, target: Target, opts: WriteOptions) {
  if (def.readonly) fail('SETTING_READONLY', `"${def.key}" is read-only`, 'key');
  if (!def.allowedLevels.includes(target.level)) {
    fail('SCOPE_NOT_ALLOWED', `"${def.key}" cannot be set at the ${target.level} level (allowed: ${def.allowedLevels.join(', ')})`, 'scope');
  }
  if (target.level === 'global' && !opts.reason?.trim()) fail('REASON_REQUIRED', 'Changes at the global scope need a reason', 'reason');
  const scopeId = target.userId ? `user:${target.userId}` : target.path[0].scopeId;
  const others = target.userId ? pathIds(target.path) : pathIds(target.path).slice(1);
  const stored = await loadStoredForWrite(app, tx, def.key, scopeId, others);
  const current = stored.get(scopeId);
  // versions go on after a revert removed the row, so a version names one state of (key, scope) forever
  const lastVersion = current?.version ?? (await lastAuditedVersion(tx, def.key, scopeId));
  if (op.ifMatch !== undefined && op.ifMatch !== (current?.version ?? 0)) {
    fail('VERSION_CONFLICT', `"${def.key}" at "${scopeId}" is at version ${current?.version ?? 0}, not ${op.ifMatch}`, 'version', { currentVersion: current?.version ?? 0 });
  }
  // a lock at an ancestor (for a user value: anywhere on its context path) refuses the write
  const ancestors = target.userId ? target.path : target.path.slice(1);
  const lock = [...ancestors].reverse().find((p) => stored.get(p.scopeId)?.locked);
  if (lock) fail('SETTING_LOCKED', `"${def.key}" is locked at scope "${lock.scopeId}"`, 'scope', { lockedBy: lock.scopeId });
  if (op.kind === 'revert') {
    if (!current) fail('NOT_FOUND', `Nothing is stored for "${def.key}" at "${scopeId}"`, 'scope');
    return { current, lastVersion };
  }
  if (op.skipTo) {
    if (def.overrideBehavior !== 'allowSkipLevel') fail('INVALID_REQUEST', `"${def.key}" does not allow skipping levels`, 'skipTo');
    if (!target.path.slice(1).some((p) => p.level === op.skipTo)) fail('INVALID_REQUEST', `"${op.skipTo}" is not a level above "${scopeId}"`, 'skipTo');
    return { current, lastVersion, value: null };
  }
  const v = validateValue(def, op.value);
  if (!v.ok) {
    const first = v.issues[0];
    fail('INVALID_SETTING_VALUE', `${def.key}: ${first.message}`, first.path ? `${def.key}${first.path.startsWith('[') ? '' : '.'}${first.path}` : def.key, { issues: v.issues, validationRule: first.rule });
  }
  return { current, lastVersion, value: (v as { value: unknown }).value };
}

async function lastAuditedVersion(tx: Executor, key: string, scopeId: string): Promise<number> {
  const [row] = await tx
    .select({ version: max(auditLog.version) })
    .from(auditLog)
    .where(and(eq(auditLog.key, key), eq(auditLog.scopeId, scopeId)));
  return row?.version ?? 0;
}

/** Cross-field rules, checked at each written scope with the batch's new values in place. */
async function checkCrossField(
  app: App,
  tx: Executor,
  defs: TDefinition[],
  accepted: { op: WriteOp; def: TDefinition; target: Target; value?: unknown }[],
) {
  const byScope = new Map<string, typeof accepted>();
  for (const a of accepted) {
    const id = a.target.userId ? `user:${a.target.userId}` : a.target.path[0].scopeId;
    byScope.set(id, [...(byScope.get(id) ?? []), a]);
  }
  const withRules = defs.filter((d) => d.validation?.rules?.length);
  if (withRules.length === 0) return;
  for (const [scopeId, items] of byScope) {
    const changedKeys = items.map((i) => i.def.key);
    const { target } = items[0];
    const involved = new Set<string>();
    for (const d of withRules) for (const rule of d.validation!.rules!) {
      const other = rule.includes(':') ? rule.slice(rule.indexOf(':') + 1) : undefined;
      if (changedKeys.includes(d.key) || (other && changedKeys.includes(other))) {
        involved.add(d.key);
        if (other) involved.add(other);
      }
    }
    if (involved.size === 0) continue;
    const ids = [...pathIds(target.path), ...(target.userId ? [scopeId] : [])];
    const stored = await loadStoredMany(app, tx, ids, [...involved]);
    const proposed = new Map(items.map((i) => [i.def.key, i]));
    const get = (key: string) => {
      const p = proposed.get(key);
      if (p && p.op.kind === 'set' && !p.op.skipTo) return p.value;
      const def = defs.find((d) => d.key === key);
      if (!def) return undefined;
      const m = new Map(stored.get(key));
      if (p) m.delete(scopeId); // reverted or skipping in this batch
      return resolveSetting(def, target.path, (id) => m.get(id), target.userId ? { userId: target.userId, value: m.get(scopeId) } : undefined).value;
    };
    const issues = checkCrossFieldRules(defs, changedKeys, get);
    if (issues.length) fail('INVALID_SETTING_VALUE', issues[0].message, issues[0].path, { issues, validationRule: issues[0].rule });
  }
}

export function writeAnswer(r: WriteResult) {
  return { setting: publicDefinition(r.def), scope: r.scope, value: shown(r.def, r.value), locked: r.locked, version: r.version, audit: r.audit };
}

export async function setValue(
  app: App,
  principal: Principal,
  key: string,
  input: { value?: unknown; scope: string; reason?: string; lock?: boolean; skipTo?: string; ifMatch?: number },
  ctx: ChangeContext,
) {
  if (input.value === undefined && !input.skipTo) fail('INVALID_REQUEST', 'value is required', 'value');
  const outcome = await applyWrites(
    app,
    principal,
    [{ kind: 'set', key, scope: input.scope, value: input.value, lock: input.lock, skipTo: input.skipTo, ifMatch: input.ifMatch }],
    { reason: input.reason },
    ctx,
  );
  return writeAnswer(outcome.results[0]);
}

export async function revertValue(app: App, principal: Principal, key: string, input: { scope: string; reason?: string; ifMatch?: number }, ctx: ChangeContext) {
  const outcome = await applyWrites(app, principal, [{ kind: 'revert', key, scope: input.scope, ifMatch: input.ifMatch }], { reason: input.reason }, ctx);
  const r = outcome.results[0];
  const userId = parseUserScope(input.scope);
  const path = userId !== null ? GLOBAL_PATH : await scopePath(app, input.scope);
  const now = await resolveInternal(app, r.def, { path, userId: userId ?? undefined });
  return { reverted: true as const, key, scope: r.scope, version: r.version, newResolvedValue: shown(r.def, now.value), resolvedFrom: now.resolvedFrom, audit: r.audit };
}

export async function bulkSet(
  app: App,
  principal: Principal,
  input: { settings: { key: string; value: unknown; scope: string }[]; reason?: string; atomic?: boolean },
  ctx: ChangeContext,
) {
  const outcome = await applyWrites(
    app,
    principal,
    input.settings.map((s) => ({ kind: 'set' as const, key: s.key, scope: s.scope, value: s.value })),
    { reason: input.reason, atomic: input.atomic },
    ctx,
  );
  return {
    updated: outcome.results.filter((r) => !r.created).length,
    created: outcome.results.filter((r) => r.created).length,
    results: outcome.results.map((r) => ({ key: r.key, scope: r.scope, version: r.version, created: r.created })),
    errors: outcome.errors.map((e) => ({ key: e.key, scope: e.scope, error: e.error })),
  };
}

export async function validateSetting(app: App, _principal: Principal, input: { key: string; value: unknown }) {
  const def = await getDefinition(app, input.key);
  const v = validateValue(def, input.value);
  if (v.ok) return { valid: true, parsedValue: shown(def, v.value) };
  return { valid: false, errors: v.issues.map((i) => ({ ...i, path: i.path ? `${def.key}.${i.path}` : def.key })), validationRule: v.issues[0].rule };
}

// ---------------------------------------------------------------- history, rollback, reveal

async function historyScopeFilter(app: App, principal: Principal, scope: string | undefined): Promise<{ scope?: string; scopeIn?: string[] }> {
  if (scope) {
    const userId = parseUserScope(scope);
    if (userId !== null) {
      if (!can(principal, 'settings.read', { userId })) fail('INSUFFICIENT_PERMISSIONS', 'You may read only your own preferences');
    } else if (!can(principal, 'settings.read', { scopePath: pathIds(await scopePath(app, scope)) })) {
      fail('INSUFFICIENT_PERMISSIONS', `You may not read settings at scope "${scope}"`);
    }
    return { scope };
  }
  const readable = await readableScopeIds(app, principal);
  return readable === null ? {} : { scopeIn: readable };
}

export async function history(app: App, principal: Principal, key: string, q: { scope?: string; limit: number; offset: number }) {
  await getDefinition(app, key);
  const filter = await historyScopeFilter(app, principal, q.scope);
  const { entries, total } = await queryAudit(app.db, { key, ...filter, limit: q.limit, offset: q.offset });
  return { history: entries.filter((e) => e.action.startsWith('setting.') || e.action.startsWith('definition.')), total };
}

export async function rollback(
  app: App,
  principal: Principal,
  key: string,
  input: { scope: string; toVersion: number; reason: string; ifMatch?: number },
  ctx: ChangeContext,
) {
  await getDefinition(app, key);
  const [entry] = await app.db
    .select()
    .from(auditLog)
    .where(and(eq(auditLog.key, key), eq(auditLog.scopeId, input.scope), eq(auditLog.version, input.toVersion), inArray(auditLog.action, ['setting.set', 'setting.revert'])))
    .orderBy(desc(auditLog.id))
    .limit(1);
  if (!entry) fail('NOT_FOUND', `No version ${input.toVersion} of "${key}" at "${input.scope}"`, 'toVersion');
  const details = (entry!.details ?? {}) as { locked?: boolean; skipTo?: string };
  const op: WriteOp =
    entry!.action === 'setting.revert'
      ? { kind: 'revert', key, scope: input.scope, ifMatch: input.ifMatch }
      : {
          kind: 'set',
          key,
          scope: input.scope,
          value: entry!.newCiphertext ? app.secrets.decrypt(entry!.newCiphertext) : entry!.newValue,
          lock: details.locked,
          skipTo: details.skipTo,
          ifMatch: input.ifMatch,
        };
  const outcome = await applyWrites(app, principal, [op], { reason: input.reason, source: 'rollback' }, ctx);
  return { ...writeAnswer(outcome.results[0]), rolledBackTo: input.toVersion };
}

/** A secret in plain text, for a platform admin who re-entered their password. Audited. */
export async function revealSecret(app: App, principal: Principal, key: string, input: { scope: string; password: string }, ctx: ChangeContext) {
  const def = await getDefinition(app, key);
  if (!can(principal, 'settings.reveal')) fail('INSUFFICIENT_PERMISSIONS', 'Only platform admins may reveal secrets');
  const [user] = await app.db.select({ hash: users.passwordHash }).from(users).where(eq(users.id, principal.userId));
  if (!user || !(await verifyPassword(input.password, user.hash))) fail('UNAUTHENTICATED', 'Password is not correct', 'password');
  const path = await scopePath(app, input.scope);
  const r = await resolveInternal(app, def, { path });
  await inTransaction(app, (tx) =>
    appendAudit(tx, ctx, [{ action: 'setting.reveal', key, scopeId: input.scope, level: path[0].level, details: { resolvedFrom: r.resolvedFrom } }]),
  );
  return { key, scope: input.scope, value: r.value, resolvedFrom: r.resolvedFrom };
}

// ---------------------------------------------------------------- schema (seed 004 §11) and stats

export async function settingsSchema(app: App, principal: Principal, input: ContextInput) {
  const ctx = await resolveContext(app, principal, input);
  const registry = await getRegistry(app);
  const resolved = await resolveMany(app, registry.definitions, ctx);
  const here = ctx.path[0];
  const [levels, lockedAbove, onPath] = await Promise.all([getLevels(app), lockedKeysAbove(app, ctx.path), loadStoredMany(app, app.db, pathIds(ctx.path))]);
  const categories = registry.categories.map((c) => {
    const defs = registry.definitions.filter((d) => d.category === c.key);
    const groups = new Map<string, TDefinition[]>();
    for (const d of defs) groups.set(d.group ?? '', [...(groups.get(d.group ?? '') ?? []), d]);
    return {
      key: c.key,
      label: c.label,
      description: c.description,
      security: c.security,
      count: defs.length,
      groups: [...groups].map(([key, gdefs]) => ({
        key: key || 'general',
        label: key ? key : 'General',
        settings: gdefs.map((d) => {
          const r = resolved.get(d.key)!;
          const allowedHere = d.allowedLevels.includes(here.level);
          return {
            ...publicDefinition(d),
            currentValue: shown(d, r.value),
            resolvedFrom: r.resolvedFrom,
            resolvedScopeId: r.resolvedScopeId,
            version: r.version,
            canOverride:
              allowedHere &&
              !d.readonly &&
              !lockedAbove.has(d.key) &&
              can(principal, 'settings.write', { scopePath: pathIds(ctx.path), securityCategory: c.security }),
            valuesOnPath: ctx.path.map((p) => valueOnPath(d, p, onPath.get(d.key)?.get(p.scopeId))),
          };
        }),
      })),
    };
  });
  return {
    scope: { id: here.scopeId, level: here.level },
    categories,
    hierarchyLevels: [...levels.map((l) => ({ key: l.key, label: l.label, parentKey: l.parentKey, position: l.position })), { key: 'user', label: 'User', parentKey: null, position: 1000 }],
  };
}

/**
 * What one scope on the path stores for a setting, whether or not resolution got that far: the web app
 * shows every level (the inheritance chain stops at the winner) and writes with the scope's own version.
 */
function valueOnPath(def: TDefinition, p: ScopeRef, e: StoredValue | undefined) {
  return { level: p.level, scopeId: p.scopeId, stored: !!e, value: e ? shown(def, e.value) : null, locked: e?.locked ?? false, version: e?.version ?? 0 };
}

async function lockedKeysAbove(app: App, path: ScopeRef[]): Promise<Set<string>> {
  const above = pathIds(path).slice(1);
  if (above.length === 0) return new Set();
  const rows = await app.db
    .select({ key: settingValues.key })
    .from(settingValues)
    .where(and(inArray(settingValues.scopeId, above), eq(settingValues.locked, true)));
  return new Set(rows.map((r) => r.key));
}

export async function stats(app: App, principal: Principal) {
  const readable = await readableScopeIds(app, principal);
  const registry = await getRegistry(app);
  const scopeCond = readable === null ? undefined : inArray(settingValues.scopeId, readable.length ? readable : ['\u0000']);
  const since = new Date(Date.now() - 24 * 3600_000);
  const [[{ overrides }], [{ recent }]] = await Promise.all([
    app.db.select({ overrides: count() }).from(settingValues).where(and(sql`${settingValues.scopeId} not like 'user:%'`, scopeCond)),
    app.db
      .select({ recent: count() })
      .from(auditLog)
      .where(
        and(
          gte(auditLog.at, since),
          sql`${auditLog.action} like 'setting.%'`,
          isNotNull(auditLog.key),
          readable === null ? undefined : inArray(auditLog.scopeId, readable.length ? readable : ['\u0000']),
        ),
      ),
  ]);
  return {
    total: registry.definitions.length,
    overrides: Number(overrides),
    requiresRestart: registry.definitions.filter((d) => d.requiresRestart).length,
    recentChanges24h: Number(recent),
    flags: await countFlagKeys(app),
    categories: registry.categories.length,
  };
}

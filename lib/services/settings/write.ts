import 'server-only';
import type { Principal } from '@/lib/auth/policy';
import type { Executor } from '@/lib/db/client';
import { parseUserScope } from '@/lib/engine/hierarchy';
import { isSecret } from '@/lib/engine/secrecy';
import { appendAudit } from '../audit/append';
import { toAuditEntry } from '../audit/chain';
import type { AuditInput, ChangeContext } from '../audit/types';
import type { App } from '../kernel/app';
import type { Change, Registry } from '../kernel/cache';
import { fail, ServiceError } from '../kernel/errors';
import { audited, publicDefinition, shown } from '../kernel/secrecy';
import { inTransaction } from '../kernel/transaction';
import { getRegistry } from '../registry/read';
import { scopePath } from '../scopes/path';
import { authorizeWrite, checkCrossField, checkWrite, targetScopeId, type Accepted } from './checks';
import { GLOBAL_PATH, resolveInternal } from './resolve';
import { deleteValue, upsertValue } from './store';
import type { WriteOp, WriteOptions, WriteOutcome, WriteResult } from './types';

/** One change per value per request: two would read the same version and the second would hide the first. */
function rejectDuplicates(ops: WriteOp[]) {
  const seen = new Set<string>();
  for (const op of ops) {
    const id = `${op.key} ${op.scope}`;
    if (seen.has(id)) fail('INVALID_REQUEST', `"${op.key}" at "${op.scope}" appears twice in one request`, 'settings');
    seen.add(id);
  }
}

/** Authorizes and checks each write; with `atomic: false` a refused one is reported instead of failing the batch. */
async function acceptAll(app: App, tx: Executor, principal: Principal, registry: Registry, ops: WriteOp[], opts: WriteOptions) {
  const errors: WriteOutcome['errors'] = [];
  const accepted: Accepted[] = [];
  for (const op of ops) {
    try {
      const { def, target } = await authorizeWrite(app, tx, principal, registry, op);
      accepted.push({ op, def, target, ...(await checkWrite(app, tx, def, op, target, opts)) });
    } catch (e) {
      if (!(e instanceof ServiceError) || opts.atomic !== false) throw e;
      errors.push({ key: op.key, scope: op.scope, error: { code: e.code, message: e.message, field: e.field, details: e.details } });
    }
  }
  return { accepted, errors };
}

type Stored = { result: Omit<WriteResult, 'audit'>; audit: AuditInput };

/** Stores one accepted write (or removes the value) and says what the audit log records of it. */
async function store(app: App, tx: Executor, principal: Principal, a: Accepted, opts: WriteOptions): Promise<Stored> {
  const { op, def, target, current, lastVersion } = a;
  const scopeId = targetScopeId(target);
  const version = lastVersion + 1;
  const base = { key: def.key, scopeId, level: target.level, reason: opts.reason ?? null, source: opts.source, version };
  if (op.kind === 'revert') {
    await deleteValue(tx, def.key, scopeId);
    return {
      result: { key: def.key, scope: scopeId, kind: 'revert', created: false, def, value: null, locked: false, version },
      audit: { ...base, action: 'setting.revert', oldValue: audited(def, current?.value), newValue: null },
    };
  }
  const skipTo = op.skipTo ?? null;
  const value = skipTo ? null : a.value;
  const ciphertext = isSecret(def) && !skipTo ? app.secrets.encrypt(value) : null;
  const locked = op.lock ?? current?.locked ?? false;
  await upsertValue(tx, {
    key: def.key,
    scopeId,
    value: isSecret(def) ? null : value,
    ciphertext,
    keyVersion: ciphertext ? app.secrets.keyVersion : null,
    locked,
    skipTo,
    version,
    updatedAt: new Date(),
    updatedBy: principal.userId,
  });
  return {
    result: { key: def.key, scope: scopeId, kind: 'set', created: !current, def, value, locked, version },
    audit: {
      ...base,
      action: 'setting.set',
      oldValue: current ? audited(def, current.value) : null,
      newValue: audited(def, value),
      newCiphertext: ciphertext,
      details: { locked, ...(skipTo ? { skipTo } : {}), ...(current ? {} : { created: true }) },
    },
  };
}

/**
 * The one write path for values: authorization (policy), registry rules, locks, versions, validation,
 * cross-field rules, storage, audit and change notification — all in one transaction.
 */
export async function applyWrites(app: App, principal: Principal, ops: WriteOp[], opts: WriteOptions, ctx: ChangeContext): Promise<WriteOutcome> {
  if (ops.length === 0) return { results: [], errors: [] };
  rejectDuplicates(ops);
  const registry = await getRegistry(app);
  return inTransaction(app, async (tx, changed: (c: Change) => void, _notifyNow, { finish }) => {
    const { accepted, errors } = await acceptAll(app, tx, principal, registry, ops, opts);
    await checkCrossField(app, tx, registry.definitions, accepted);
    const stored: Stored[] = [];
    for (const a of accepted) {
      const s = await store(app, tx, principal, a, opts);
      stored.push(s);
      changed({ type: 'value', key: s.result.key, scopeId: s.result.scope, version: s.result.version, by: ctx.actor.name ?? undefined });
    }
    // the audit insert last, the COMMIT right behind it (finish sends the NOTIFYs first): it takes the
    // audit chain's lock, held until commit
    const rows = await appendAudit(tx, ctx, stored.map((s) => s.audit), finish);
    return { results: stored.map((s, i) => ({ ...s.result, audit: toAuditEntry(rows[i]) })), errors };
  });
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
  const op: WriteOp = { kind: 'set', key, scope: input.scope, value: input.value, lock: input.lock, skipTo: input.skipTo, ifMatch: input.ifMatch };
  const outcome = await applyWrites(app, principal, [op], { reason: input.reason }, ctx);
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
  const ops = input.settings.map((s) => ({ kind: 'set' as const, key: s.key, scope: s.scope, value: s.value }));
  const outcome = await applyWrites(app, principal, ops, { reason: input.reason, atomic: input.atomic }, ctx);
  return {
    updated: outcome.results.filter((r) => !r.created).length,
    created: outcome.results.filter((r) => r.created).length,
    results: outcome.results.map((r) => ({ key: r.key, scope: r.scope, version: r.version, created: r.created })),
    errors: outcome.errors.map((e) => ({ key: e.key, scope: e.scope, error: e.error })),
  };
}

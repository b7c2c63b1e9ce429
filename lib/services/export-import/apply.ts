import 'server-only';
import type { Executor } from '@/lib/db/client';
import type { Principal } from '@/lib/auth/policy';
import type { TApplied, TPreview } from '@/lib/schemas/export-import';
import type { App } from '../kernel/app';
import { appendAudit } from '../audit/append';
import type { AuditInput, AuditSource, ChangeContext } from '../audit/types';
import type { Change } from '../kernel/cache';
import { inTransaction } from '../kernel/transaction';
import { fail } from '../kernel/errors';
import { newId } from '../kernel/ids';
import { isSecret } from '@/lib/engine/secrecy';
import { definitionToRow } from '../registry/rows';
import { audited } from '../kernel/secrecy';
import { computePlan, type Plan, type TargetState } from './plan';
import { ruleOfRow } from './plan-flags';
import { deleteFlags, deleteValues, insertCategories, insertDefinitions, lastAuditedVersions, lockForBulkWrite, upsertFlags, upsertValues } from './store';

/**
 * The diff / confirm protocol every bulk configuration write shares (import, restore, promote, revert):
 * a preview computes the diff and its ETag and writes nothing; a confirm (with that ETag as If-Match and a
 * reason) recomputes the diff under the writers' locks and applies it in one transaction, as one change set.
 */

export interface BulkOptions<P = undefined> {
  confirm: boolean;
  ifMatch?: string;
  reason?: string;
  source: AuditSource;
  change: ChangeContext;
  /** false: a confirm without If-Match applies the diff as it is now (restore, whose API names no ETag). */
  requireIfMatch?: boolean;
  /**
   * Reads what beforeApply needs of the state before the change (restore: the pre-restore backup's content).
   * Started under the confirm's locks alongside the diff, so that its reads and the diff's overlap; it must
   * not write (the diff reads the same state).
   */
  prefetch?: (tx: Executor) => Promise<P>;
  /**
   * Runs inside the confirm's transaction after the diff is checked and before it is written (restore: the
   * pre-restore backup, the scopes it brings, the model configuration), in the same change set.
   */
  beforeApply?: (tx: Executor, ctx: ChangeContext, changed: (c: Change) => void, prefetched: P) => Promise<Record<string, unknown> | void>;
}

export type BulkAnswer = ({ preview: true } & TPreview) | ({ preview: false; etag: string } & TApplied);

function previewAnswer(plan: Plan): TPreview {
  return { preview: true, etag: plan.etag, changes: plan.changes, summary: plan.summary };
}

export async function previewOrApply<P = undefined>(app: App, principal: Principal, target: (db: Executor) => Promise<TargetState>, opts: BulkOptions<P>): Promise<BulkAnswer> {
  if (!opts.confirm) return previewAnswer(await computePlan(app, principal, app.db, await target(app.db)));
  if (!opts.reason?.trim()) fail('REASON_REQUIRED', 'A confirm needs a reason, recorded with every change', 'reason');
  if (!opts.ifMatch && opts.requireIfMatch !== false) fail('INVALID_REQUEST', "Send the preview's ETag as If-Match, so that only the diff you saw is applied", 'If-Match');
  const out = await inTransaction(app, async (tx, changed, notifyNow, { finish }) => {
    const state = await target(tx);
    await lockForBulkWrite(
      tx,
      [...state.values, ...(state.removeValues ?? [])].map((v) => ({ key: v.key, scopeId: v.scope })),
      (state.flags?.length ?? 0) + (state.removeFlags?.length ?? 0) > 0,
    );
    // the two share the connection, one statement at a time, but each decodes and computes while the other's
    // statement runs; the prefetch is settled before anything else happens in the transaction, even on failure
    const prefetching = opts.prefetch?.(tx);
    prefetching?.catch(() => {});
    const plan = await computePlan(app, principal, tx, state).finally(() => prefetching?.catch(() => {}));
    const prefetched = (await prefetching) as P;
    if (plan.summary.invalid > 0) {
      const invalid = plan.changes.filter((c) => c.action === 'invalid');
      fail('IMPORT_INVALID', `${invalid.length} item${invalid.length === 1 ? ' is' : 's are'} invalid, nothing was applied: ${invalid[0].key}${invalid[0].scope ? ` at ${invalid[0].scope}` : ''}: ${invalid[0].error?.message}`, undefined, { invalid, summary: plan.summary });
    }
    if (opts.ifMatch && plan.etag !== opts.ifMatch) {
      fail('VERSION_CONFLICT', 'The configuration changed since the preview (or the preview was of another file): preview again and confirm what you see', 'If-Match', { etag: plan.etag });
    }
    // a caller that audits more of the same change (a settings migration's own entry) names the change set
    const ctx: ChangeContext = { ...opts.change, source: opts.source, changeSetId: opts.change.changeSetId ?? newId('cs'), at: new Date() };
    const extra = (await opts.beforeApply?.(tx, ctx, changed, prefetched)) ?? {};
    const { applied, audit, written } = await applyPlan(app, tx, plan, ctx, opts.reason!.trim(), principal.userId, changed);
    // Every change is reported: their NOTIFYs (packed, dozens of changes each) are built and sent now, behind
    // the value writes and while the audit entries are hashed, rather than by finish between the last two audit
    // inserts, where the database would wait for them (a 100,000-value restore: ~0.5 s).
    const notified = notifyNow();
    notified.catch(() => {}); // awaited by appendAudit
    // the audit rows last, the COMMIT right behind them: their insert takes the audit chain's lock, held until
    // commit, and every writer waits for it. They are hashed while the database still writes the values.
    const rows = await appendAudit(tx, ctx, audit, finish, Promise.all([written, notified]));
    return { ...applied, auditIds: rows.map((r) => r.id), ...extra, etag: plan.etag };
  });
  return { preview: false, ...out };
}

/**
 * Writes a computed plan in batched statements; answers the counts and the audit entries the caller writes
 * last, and `written`: the value writes still running (the caller passes them to appendAudit, which hashes
 * meanwhile and inserts after them).
 */
async function applyPlan(
  app: App,
  tx: Executor,
  plan: Plan,
  ctx: ChangeContext,
  reason: string,
  actorId: string | null,
  changed: (c: Change) => void,
): Promise<{ applied: Omit<TApplied, 'auditIds'>; audit: AuditInput[]; written: Promise<void> }> {
  const audit: AuditInput[] = [];
  if (plan.definitions.length) {
    await insertCategories(tx, plan.newCategories);
    await insertDefinitions(tx, plan.definitions.map((def, i) => definitionToRow({ ...def, source: 'ui' }, 10_000 + i)));
    for (const def of plan.definitions) audit.push({ action: 'definition.create', key: def.key, newValue: def, reason });
    changed({ type: 'definitions' });
  }
  // open pages say who changed what ("changed by …")
  const by = ctx.actor.name ?? undefined;
  const stamped = (c: Change) => changed(c.type === 'value' || c.type === 'flag' ? { ...c, by: c.by ?? by } : c);
  const { written, ...counts } = await writeValues(app, tx, plan, reason, actorId, audit, stamped);
  written.catch(() => {}); // awaited by the caller
  if (plan.flagWrites.length) {
    await written; // one statement at a time on the transaction's connection
    await writeFlags(tx, plan, reason, actorId, audit, stamped);
  }
  const flagCreates = plan.flagWrites.filter((f) => f.rule && !f.current).length;
  const flagUpdates = plan.flagWrites.filter((f) => f.rule && f.current).length;
  const flagDeletes = plan.flagWrites.filter((f) => !f.rule).length;
  const created = counts.created + flagCreates + plan.definitions.length;
  const updated = counts.updated + flagUpdates;
  const deleted = plan.valueDeletes.length + flagDeletes;
  const applied = { imported: created + updated + deleted, created, updated, deleted, unchanged: plan.summary.unchanged, changeSetId: audit.length ? ctx.changeSetId! : null };
  return { applied, audit, written };
}

async function writeValues(app: App, tx: Executor, plan: Plan, reason: string, actorId: string | null, audit: AuditInput[], changed: (c: Change) => void) {
  const fresh = plan.valueWrites.filter((w) => !w.current).map((w) => ({ key: w.def.key, scopeId: w.scopeId }));
  const last = fresh.length ? await lastAuditedVersions(tx, fresh) : new Map<string, number>();
  const now = new Date();
  const rows = plan.valueWrites.map((w) => {
    const version = (w.current?.version ?? last.get(`${w.def.key}\u0000${w.scopeId}`) ?? 0) + 1;
    const secret = isSecret(w.def);
    const stored = w.skipTo ? null : w.value;
    const ciphertext = secret && !w.skipTo ? app.secrets.encrypt(stored) : null;
    audit.push({
      action: 'setting.set',
      key: w.def.key,
      scopeId: w.scopeId,
      level: w.level,
      oldValue: w.current ? audited(w.def, w.current.value) : null,
      newValue: audited(w.def, stored),
      newCiphertext: ciphertext,
      reason,
      version,
      details: { locked: w.locked, ...(w.skipTo ? { skipTo: w.skipTo } : {}), ...(w.current ? {} : { created: true }) },
    });
    changed({ type: 'value', key: w.def.key, scopeId: w.scopeId, version });
    return {
      key: w.def.key,
      scopeId: w.scopeId,
      value: secret ? null : stored,
      ciphertext,
      keyVersion: ciphertext ? app.secrets.keyVersion : null,
      locked: w.locked,
      skipTo: w.skipTo,
      version,
      updatedAt: now,
      updatedBy: actorId,
    };
  });
  for (const d of plan.valueDeletes) {
    const version = d.current.version + 1;
    audit.push({ action: 'setting.revert', key: d.key, scopeId: d.scopeId, level: d.level, oldValue: d.def ? audited(d.def, d.current.value) : '[REDACTED]', newValue: null, reason, version });
    changed({ type: 'value', key: d.key, scopeId: d.scopeId, version });
  }
  // not awaited here: the database writes while the audit entries are hashed (appendAudit's `after`)
  const written = (async () => {
    await upsertValues(tx, rows);
    await deleteValues(tx, plan.valueDeletes.map((d) => ({ key: d.key, scopeId: d.scopeId })));
  })();
  return { created: fresh.length, updated: plan.valueWrites.length - fresh.length, written };
}

async function writeFlags(tx: Executor, plan: Plan, reason: string, actorId: string | null, audit: AuditInput[], changed: (c: Change) => void) {
  if (plan.flagWrites.length === 0) return;
  const now = new Date();
  const upserts = plan.flagWrites.filter((f) => f.rule);
  await upsertFlags(
    tx,
    upserts.map((f) => ({
      key: f.key,
      scopeId: f.scopeId,
      ...f.rule!,
      expiresAt: f.rule!.expiresAt ? new Date(f.rule!.expiresAt) : null,
      version: (f.current?.version ?? 0) + 1,
      updatedAt: now,
      updatedBy: actorId,
    })),
  );
  await deleteFlags(tx, plan.flagWrites.filter((f) => !f.rule).map((f) => ({ key: f.key, scopeId: f.scopeId })));
  for (const f of plan.flagWrites) {
    const action = !f.rule ? 'flag.delete' : f.current ? 'flag.update' : 'flag.create';
    audit.push({ action, key: f.key, scopeId: f.scopeId, level: f.level, oldValue: f.current ? ruleOfRow(f.current) : null, newValue: f.rule, reason, version: (f.current?.version ?? 0) + 1 });
    changed({ type: 'flag', key: f.key, scopeId: f.scopeId, version: (f.current?.version ?? 0) + 1 });
  }
}

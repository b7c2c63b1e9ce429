import 'server-only';
import type { Principal } from '@/lib/auth/policy';
import type { Executor } from '@/lib/db/client';
import type { App } from '../kernel/app';
import type { ChangeContext } from '../audit/types';
import { fail } from '../kernel/errors';
import { previewOrApply, type BulkAnswer } from '../export-import/apply';
import type { TargetState } from '../export-import/plan';
import type { FlagRule } from '../export-import/plan-flags';
import { visibleScopes } from './read';
import { changeSetEntries, laterChanges, stateBefore, type AuditRow } from './store';

const VALUE_ACTIONS = ['setting.set', 'setting.revert'];
const FLAG_ACTIONS = ['flag.create', 'flag.update', 'flag.delete'];

/**
 * `POST /versions/:id/revert`: every value and flag row the change set touched goes back to what it was
 * just before it (audit source `rollback`). A value a later change set changed again is refused unless
 * `force`. Definitions it created stay (remove them in the registry).
 */
export async function revertVersion(app: App, principal: Principal, id: string, body: { reason?: string; force: boolean }, opts: { confirm: boolean; ifMatch?: string }, change: ChangeContext): Promise<BulkAnswer> {
  const scopeIn = await visibleScopes(app, principal);
  const entries = await changeSetEntries(app.db, id, scopeIn);
  if (entries.length === 0) fail('NOT_FOUND', `No change set "${id}"`, 'id');
  const target = (db: Executor) => revertTarget(app, db, entries, body.force);
  return previewOrApply(app, principal, target, { confirm: opts.confirm, ifMatch: opts.ifMatch, reason: body.reason, source: 'rollback', change });
}

const pairKey = (e: { key: string | null; scopeId: string | null }) => `${e.key}\u0000${e.scopeId}`;

async function revertTarget(app: App, db: Executor, entries: AuditRow[], force: boolean): Promise<TargetState> {
  const first = entries[0].id;
  const last = entries[entries.length - 1].id;
  const values = uniquePairs(entries.filter((e) => VALUE_ACTIONS.includes(e.action)));
  const flags = uniquePairs(entries.filter((e) => FLAG_ACTIONS.includes(e.action)));
  const [valuesBefore, later] = await Promise.all([stateBefore(db, values, first, VALUE_ACTIONS), laterChanges(db, [...values, ...flags], last, [...VALUE_ACTIONS, ...FLAG_ACTIONS])]);
  const changedLater = new Map(later.map((e) => [pairKey(e), e]));
  const before = new Map(valuesBefore.map((e) => [pairKey(e), e]));
  const target: Required<Pick<TargetState, 'values' | 'removeValues' | 'flags' | 'removeFlags' | 'refused'>> = { values: [], removeValues: [], flags: [], removeFlags: [], refused: [] };
  for (const p of [...values, ...flags]) {
    const again = changedLater.get(pairKey(p));
    if (again && !force) {
      const kind = FLAG_ACTIONS.includes(again.action) ? 'flag' : 'setting';
      target.refused.push({ kind, key: p.key, scope: p.scopeId, code: 'CONFLICT', message: `Changed again later (change set ${again.changeSetId}, ${again.at.toISOString()}); revert with force to overwrite` });
    }
  }
  const refused = new Set(target.refused.map((r) => `${r.key}\u0000${r.scope}`));
  for (const p of values.filter((v) => !refused.has(pairKey(v)))) {
    const prev = before.get(pairKey(p));
    if (!prev || prev.action === 'setting.revert') target.removeValues.push({ key: p.key, scope: p.scopeId });
    else {
      const d = (prev.details ?? {}) as { locked?: boolean; skipTo?: string };
      const value = prev.newCiphertext ? app.secrets.decrypt(prev.newCiphertext) : prev.newValue;
      target.values.push({ key: p.key, scope: p.scopeId, value, locked: d.locked === true, skipTo: d.skipTo ?? null });
    }
  }
  for (const p of flags.filter((f) => !refused.has(pairKey(f)))) {
    // the change set's first entry for the row says what it was before
    const firstEntry = entries.find((e) => FLAG_ACTIONS.includes(e.action) && pairKey(e) === pairKey(p))!;
    if (firstEntry.action === 'flag.create' || !firstEntry.oldValue) target.removeFlags.push({ key: p.key, scope: p.scopeId });
    else target.flags.push({ key: p.key, scope: p.scopeId, rule: firstEntry.oldValue as FlagRule });
  }
  return { ...target, plainSecrets: true };
}

function uniquePairs(entries: AuditRow[]): { key: string; scopeId: string }[] {
  const seen = new Map<string, { key: string; scopeId: string }>();
  for (const e of entries) if (e.key && e.scopeId && !seen.has(pairKey(e))) seen.set(pairKey(e), { key: e.key, scopeId: e.scopeId });
  return [...seen.values()];
}

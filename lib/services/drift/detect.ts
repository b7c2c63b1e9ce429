import 'server-only';
import { can, type Principal } from '@/lib/auth/policy';
import { driftRules } from '@/lib/catalogs/drift';
import type { Executor } from '@/lib/db/client';
import { classifyDrift, compareState, type ActualState, type DriftClass, type ExpectedState } from '@/lib/engine/drift';
import type { ScopeRef } from '@/lib/engine/types';
import type { TDefinition } from '@/lib/schemas/definition';
import type { TDriftReport } from '@/lib/schemas/drift';
import { canonicalJson } from '../audit/chain';
import { allPaths } from '../export-import/paths';
import type { App } from '../kernel/app';
import { shown } from '../kernel/secrecy';
import { getRegistry } from '../registry/read';
import { pathIds, refuseAt, scopePath } from '../scopes/path';
import { subtreeIds } from '../scopes/read';
import { selectAppliedMigrations, selectLastValueEntries, selectValues, type StoredRow } from './store';

/**
 * Drift (seed 003 §5.5): what is stored, compared with what should be — the last audit entry of each
 * (key, scope), or an applied settings migration's write when that is newer. A difference means someone
 * changed the database without the service (no audit entry), or a migration's work was undone that way.
 */

export interface Expected extends ExpectedState {
  skipTo: string | null;
  from: 'audit' | 'migration';
  at: Date;
}

/** One (key, scope) whose stored state is not what was recorded: what remediation works from. */
export interface Finding {
  kind: 'drifted' | 'missing' | 'unrecorded';
  def: TDefinition;
  key: string;
  scope: string;
  tenantId: string | null;
  expected: Expected | null;
  actual: ActualState | null;
  cls: DriftClass;
}

export interface DriftFindings {
  scope: string;
  findings: Finding[];
  unexpected: TDriftReport['unexpected'];
  checked: number;
}

const id = (key: string, scope: string) => `${key}\u0000${scope}`;

type AuditEntry = Awaited<ReturnType<typeof selectLastValueEntries>>[number];

/** Null when the entry's secret is under a key no longer in the ring: nothing to compare with, so no verdict. */
function fromAudit(app: App, e: AuditEntry): Expected | null {
  const details = (e.details ?? {}) as { locked?: boolean; skipTo?: string };
  if (e.action === 'setting.revert') return { present: false, value: null, locked: false, skipTo: null, from: 'audit', at: e.at };
  let value = e.newValue;
  if (e.newCiphertext) {
    try {
      value = app.secrets.decrypt(e.newCiphertext);
    } catch {
      return null;
    }
  }
  return { present: true, value, locked: details.locked === true, skipTo: details.skipTo ?? null, from: 'audit', at: e.at };
}

/** Expected states: each (key, scope)'s last audit entry, replaced by a later applied migration's write. */
async function expectedStates(app: App, db: Executor, scopeIds: string[] | null): Promise<{ expected: Map<string, Expected>; unknowable: Set<string> }> {
  const out = new Map<string, Expected>();
  const unknowable = new Set<string>();
  for (const e of await selectLastValueEntries(db, scopeIds)) {
    const x = fromAudit(app, e);
    if (x) out.set(id(e.key!, e.scopeId!), x);
    else unknowable.add(id(e.key!, e.scopeId!));
  }
  const inScope = scopeIds ? new Set(scopeIds) : null;
  for (const m of await selectAppliedMigrations(db)) {
    for (const op of m.operations) {
      if (inScope && !inScope.has(op.scope)) continue;
      const before = out.get(id(op.key, op.scope));
      const at = m.appliedAt ?? new Date(0);
      if ((before && before.at >= at) || unknowable.has(id(op.key, op.scope))) continue;
      out.set(id(op.key, op.scope), { present: op.action === 'set', value: op.value ?? null, locked: op.lock ?? before?.locked ?? false, skipTo: null, from: 'migration', at });
    }
  }
  return { expected: out, unknowable };
}

function actualOf(app: App, r: StoredRow): ActualState {
  let value = r.value;
  if (r.ciphertext) {
    try {
      value = app.secrets.decrypt(r.ciphertext);
    } catch {
      value = { undecryptable: r.ciphertext.slice(0, 8) }; // never equal to a recorded value: reported, never shown
    }
  }
  return { value, locked: r.locked };
}

const tenantOf = (path: ScopeRef[] | undefined) => path?.find((p) => p.level === 'tenant')?.scopeId ?? null;

/** The scope ids a check covers: everything at global (users' own values too), else the scope's subtree. */
async function coveredScopes(app: App, db: Executor, principal: Principal, scope: string): Promise<string[] | null> {
  const path = await scopePath(app, scope, db);
  if (!can(principal, 'drift.read', { scopePath: pathIds(path) })) refuseAt(principal, pathIds(path), `You may not check drift at scope "${scope}"`);
  return scope === 'global' ? null : subtreeIds(db, [scope]);
}

/** Every finding of a check; `db` lets the scheduled job run it inside its locked transaction. */
export async function findDrift(app: App, principal: Principal, scope: string, db: Executor = app.db): Promise<DriftFindings> {
  const registry = await getRegistry(app);
  const scopeIds = await coveredScopes(app, db, principal, scope);
  const [rows, { expected, unknowable }, paths] = await Promise.all([selectValues(db, scopeIds), expectedStates(app, db, scopeIds), allPaths(db)]);
  const rules = driftRules();
  const findings: Finding[] = [];
  const unexpected: TDriftReport['unexpected'] = [];
  const stored = new Map(rows.map((r) => [id(r.key, r.scopeId), r]));
  const keys = new Set([...stored.keys(), ...expected.keys()]);
  for (const k of [...keys].sort()) {
    if (unknowable.has(k)) continue;
    const [key, scopeId] = k.split('\u0000');
    const row = stored.get(k);
    const def = registry.byKey.get(key);
    const path = paths.get(scopeId);
    if (!def || (!path && !scopeId.startsWith('user:'))) {
      if (row) unexpected.push({ key, scope: scopeId, actualValue: row.ciphertext ? '********' : row.value, reason: def ? `no scope "${scopeId}" exists` : `no setting "${key}" in the registry` });
      continue;
    }
    const actual = row ? actualOf(app, row) : null;
    const want = expected.get(k) ?? null;
    const verdict = compareState(want, actual, canonicalJson);
    if (verdict === 'same') continue;
    const cls = classifyDrift(def, registry.categoryByKey.get(def.category)?.security === true, rules);
    findings.push({ kind: verdict, def, key, scope: scopeId, tenantId: tenantOf(path), expected: want, actual, cls });
  }
  return { scope, findings, unexpected, checked: rows.length };
}

function because(f: Finding): string {
  const source = f.expected?.from === 'migration' ? 'an applied settings migration' : 'the audit log';
  if (f.kind === 'unrecorded') return 'stored, but no audit entry or migration ever recorded it (written around the service)';
  if (f.kind === 'missing') return `${source} says a value is stored here, but none is (deleted around the service)`;
  if (!f.expected?.present) return `${source} says nothing is stored here (reverted), but a value is`;
  return `the stored value is not what ${source} last recorded (changed around the service)`;
}

/** The public report: secrets as "********", never their values. */
export function toReport(f: DriftFindings, checkedAt: Date): TDriftReport {
  const item = (x: Finding) => ({
    key: x.key,
    scope: x.scope,
    tenantId: x.tenantId,
    severity: x.cls.severity,
    autoRemediable: x.cls.autoRemediable,
    expectedFrom: x.expected?.from ?? ('none' as const),
    reason: because(x),
    expectedValue: x.expected?.present ? shown(x.def, x.expected.value) : null,
  });
  return {
    scope: f.scope,
    drifted: f.findings.filter((x) => x.kind !== 'missing').map((x) => ({ ...item(x), actualValue: x.actual ? shown(x.def, x.actual.value) : null })),
    missing: f.findings.filter((x) => x.kind === 'missing').map(item),
    unexpected: f.unexpected,
    checkedAt: checkedAt.toISOString(),
    checked: f.checked,
  };
}

/** `GET /drift?scope=`: the scope and everything below it (global: the whole installation). */
export async function detectDrift(app: App, principal: Principal, q: { scope: string }, now: Date = new Date()): Promise<TDriftReport> {
  return toReport(await findDrift(app, principal, q.scope), now);
}

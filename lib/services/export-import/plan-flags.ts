import 'server-only';
import type { Executor } from '@/lib/db/client';
import { can, type Principal } from '@/lib/auth/policy';
import { dependencyCycle, flagRuleProblems } from '@/lib/engine/flags';
import type { TChange, TExportedFlag } from '@/lib/schemas/export-import';
import { canonicalJson } from '../audit/chain';
import { auditedFlag } from '../flags/rules';
import type { Paths } from './paths';
import { loadAllFlags, type FlagRow } from './store';

/** A flag row's rule as documents carry it (expiresAt as an ISO string). */
export type FlagRule = Omit<TExportedFlag, 'key' | 'scope'>;

export interface FlagTarget {
  key: string;
  scope: string;
  rule: FlagRule;
}

export interface FlagWrite {
  key: string;
  scopeId: string;
  level: string;
  /** null: delete the row. */
  rule: FlagRule | null;
  current?: FlagRow;
}

/** A row's rule as documents carry it: the flags service's own mapping (the one the audit log records). */
export const ruleOfRow = (r: FlagRow): FlagRule => auditedFlag(r);

const sameRule = (a: FlagRule, b: FlagRule) => canonicalJson(normal(a)) === canonicalJson(normal(b));
const normal = (r: FlagRule) => ({ ...r, expiresAt: r.expiresAt ? new Date(r.expiresAt).toISOString() : null });

/** Flag rows to set or remove, checked as the flags service checks a single write. */
export async function planFlags(principal: Principal, db: Executor, paths: Paths, targets: FlagTarget[], removals: { key: string; scope: string }[]) {
  const changes: TChange[] = [];
  const writes: FlagWrite[] = [];
  if (targets.length === 0 && removals.length === 0) return { changes, writes };
  const table = new Map<string, Map<string, FlagRow>>();
  for (const r of await loadAllFlags(db)) {
    if (!table.has(r.key)) table.set(r.key, new Map());
    table.get(r.key)!.set(r.scopeId, r);
  }
  // dependencies as they will be: existing rows plus the ones this batch sets
  const deps = new Map<string, Set<string>>();
  const addDep = (k: string, d: string | null) => d && (deps.get(k) ?? deps.set(k, new Set()).get(k)!).add(d);
  for (const [k, rows] of table) for (const r of rows.values()) addDep(k, r.dependsOnFlag);
  for (const t of targets) addDep(t.key, t.rule.dependsOnFlag);
  const keys = new Set([...table.keys(), ...targets.map((t) => t.key)]);
  const seen = new Set<string>();
  for (const t of targets) {
    const current = table.get(t.key)?.get(t.scope);
    const change: TChange = { kind: 'flag', key: t.key, scope: t.scope, currentValue: current ? ruleOfRow(current) : null, newValue: normal(t.rule), currentVersion: current?.version ?? 0, action: 'invalid' };
    const problem = flagProblem(principal, paths, t, keys, deps, seen);
    if (problem) change.error = problem;
    else {
      change.action = !current ? 'create' : sameRule(ruleOfRow(current), t.rule) ? 'unchanged' : 'update';
      if (change.action !== 'unchanged') writes.push({ key: t.key, scopeId: t.scope, level: paths.get(t.scope)![0].level, rule: normal(t.rule), current });
    }
    changes.push(change);
  }
  for (const r of removals) {
    const current = table.get(r.key)?.get(r.scope);
    const path = paths.get(r.scope);
    if (!current || !path) continue;
    const change: TChange = { kind: 'flag', key: r.key, scope: r.scope, currentValue: ruleOfRow(current), newValue: null, currentVersion: current.version, action: 'delete' };
    if (!can(principal, 'flags.write', { scopePath: path.map((p) => p.scopeId) })) {
      change.action = 'invalid';
      change.error = { code: 'INSUFFICIENT_PERMISSIONS', message: 'Only platform admins change feature flags', field: 'scope' };
    } else writes.push({ key: r.key, scopeId: r.scope, level: path[0].level, rule: null, current });
    changes.push(change);
  }
  return { changes, writes };
}

function flagProblem(principal: Principal, paths: Paths, t: FlagTarget, keys: Set<string>, deps: Map<string, Set<string>>, seen: Set<string>) {
  const id = `${t.key} ${t.scope}`;
  if (seen.has(id)) return { code: 'INVALID_REQUEST', message: `Flag "${t.key}" at "${t.scope}" appears twice`, field: 'flags' };
  seen.add(id);
  const path = paths.get(t.scope);
  if (!path) return { code: 'SCOPE_NOT_FOUND', message: `No scope "${t.scope}" here (create it first, or map it with mapScopes)`, field: 'scope' };
  if (!can(principal, 'flags.write', { scopePath: path.map((p) => p.scopeId) })) {
    return { code: 'INSUFFICIENT_PERMISSIONS', message: `Only platform admins change feature flags ("${t.key}" at "${t.scope}")`, field: 'scope' };
  }
  const issues = flagRuleProblems({ key: t.key, dependsOnFlag: t.rule.dependsOnFlag, variants: t.rule.variants });
  if (issues.length) return { code: 'INVALID_REQUEST', message: `Flag "${t.key}": ${issues[0].message}`, field: issues[0].path };
  const dep = t.rule.dependsOnFlag;
  if (dep && !keys.has(dep)) return { code: 'INVALID_REQUEST', message: `Flag "${t.key}" depends on "${dep}", which exists neither here nor in the file`, field: 'dependsOnFlag' };
  if (dep) {
    const others = (k: string) => (k === t.key ? [] : [...(deps.get(k) ?? [])]);
    const cycle = dependencyCycle(t.key, dep, others);
    if (cycle) return { code: 'INVALID_REQUEST', message: `Flag "${t.key}": dependsOnFlag "${dep}" would close a cycle: ${cycle.join(' → ')}`, field: 'dependsOnFlag' };
  }
  return null;
}

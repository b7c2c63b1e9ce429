import 'server-only';
import type { Executor } from '@/lib/db/client';
import { can, type Principal } from '@/lib/auth/policy';
import { unknownRuleNames } from '@/lib/engine/cross-field';
import { isSecret } from '@/lib/engine/secrecy';
import { conflictingKey } from '@/lib/engine/document';
import { checkDefinitionRules } from '@/lib/engine/value-schema';
import type { TDefinition } from '@/lib/schemas/definition';
import type { TChange } from '@/lib/schemas/export-import';
import type { App } from '../kernel/app';
import { canonicalJson } from '../audit/chain';
import type { Registry } from '../kernel/cache';
import { loadCategoryKeys, loadLevelKeys } from './store';

/**
 * Custom definitions travel with the values that need them: missing ones are created (source `ui`), equal
 * ones are unchanged, and one that differs from this registry is refused (change it here first).
 */
export async function planDefinitions(app: App, principal: Principal, db: Executor, registry: Registry, wanted: TDefinition[]) {
  const changes: TChange[] = [];
  const created: TDefinition[] = [];
  if (wanted.length === 0) return { changes, created, newCategories: [] as string[] };
  const [levelKeys, categoryKeys] = await Promise.all([loadLevelKeys(db), loadCategoryKeys(db)]);
  const levels = new Set([...levelKeys, 'user']);
  const known = new Set(registry.byKey.keys());
  for (const w of wanted) known.add(w.key);
  for (const input of wanted) {
    const def: TDefinition = { ...input, source: 'ui', isSecret: isSecret(input) };
    const existing = registry.byKey.get(def.key);
    const change: TChange = { kind: 'definition', key: def.key, scope: null, currentValue: existing ?? null, newValue: def, currentVersion: existing ? 1 : 0, action: 'create' };
    const problem = existing ? differs(existing, def) : newDefinitionProblem(principal, def, levels, known);
    if (existing && !problem) change.action = 'unchanged';
    if (problem) {
      change.action = 'invalid';
      change.error = { code: problem.code, message: problem.message, field: 'definitions' };
    } else if (!existing) created.push(def);
    changes.push(change);
  }
  const newCategories = [...new Set(created.map((d) => d.category))].filter((c) => !categoryKeys.includes(c));
  return { changes, created, newCategories };
}

function differs(existing: TDefinition, def: TDefinition) {
  const norm = (d: TDefinition) => canonicalJson({ ...d, source: undefined, isSecret: isSecret(d) });
  if (norm(existing) === norm(def)) return null;
  return { code: 'CONFLICT', message: `Setting "${def.key}" is defined differently here (source ${existing.source}); align the definitions first` };
}

function newDefinitionProblem(principal: Principal, def: TDefinition, levels: Set<string>, known: Set<string>) {
  if (!can(principal, 'definitions.write')) return { code: 'INSUFFICIENT_PERMISSIONS', message: `Only platform admins add settings to the registry ("${def.key}")` };
  const issues = [...checkDefinitionRules(def), ...unknownRuleNames(def).map((n) => ({ message: `unknown cross-field rule "${n}"` }))];
  if (issues.length) return { code: 'INVALID_REQUEST', message: `Definition ${def.key}: ${issues[0].message}` };
  const badLevel = def.allowedLevels.find((l) => !levels.has(l));
  if (badLevel) return { code: 'INVALID_REQUEST', message: `Definition ${def.key}: no hierarchy level "${badLevel}" here` };
  const clash = conflictingKey(def.key, [...known].filter((k) => k !== def.key));
  if (clash) return { code: 'CONFLICT', message: `Setting "${def.key}" clashes with "${clash}" (one is a prefix of the other)` };
  for (const ref of [...(def.dependsOn ?? []), ...(def.ui?.showWhen ? [def.ui.showWhen.settingKey] : [])]) {
    if (!known.has(ref)) return { code: 'INVALID_REQUEST', message: `Definition ${def.key} refers to unknown setting "${ref}"` };
  }
  return null;
}

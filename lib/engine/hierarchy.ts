/**
 * The scope hierarchy: levels form a tree rooted at `global` (built in: global → tenant → event;
 * operators add more, e.g. project under global, department under tenant). `user` is not a level
 * of the tree: user values are addressed as scope "user:<userId>".
 */
import { LEVEL_KEY_PATTERN, SCOPE_ID_PATTERN, USER_SCOPE_PATTERN } from './patterns';
import type { ValidationIssue } from './types';

export interface HierarchyLevel {
  key: string;
  label: string;
  parentKey: string | null;
  /** Depth below global (global 0, tenant 1, event 2, …). */
  position: number;
}
export type LevelInput = Omit<HierarchyLevel, 'position'>;

export const GLOBAL_LEVEL = 'global';
export const USER_LEVEL = 'user';
export const BUILTIN_LEVELS: readonly HierarchyLevel[] = [
  { key: 'global', label: 'Global', parentKey: null, position: 0 },
  { key: 'tenant', label: 'Tenant', parentKey: 'global', position: 1 },
  { key: 'event', label: 'Event', parentKey: 'tenant', position: 2 },
];
/** Names with a meaning of their own in chains ("user", "default"). */
const RESERVED_LEVEL_KEYS = new Set([USER_LEVEL, 'default']);

export { SCOPE_ID_PATTERN };

/** A scope id as API.md allows it; the root "global" is one. */
export function isValidScopeId(id: string): boolean {
  return SCOPE_ID_PATTERN.test(id);
}

/** The user id of a user-level scope reference "user:<userId>", else null. */
export function parseUserScope(id: string): string | null {
  return USER_SCOPE_PATTERN.exec(id)?.[1] ?? null;
}

/** Problems with registering a new level under the existing ones. */
export function validateNewLevel(
  levels: readonly LevelInput[],
  input: { key: string; label: string; parentKey: string | null },
): ValidationIssue[] {
  const out: ValidationIssue[] = [];
  if (!LEVEL_KEY_PATTERN.test(input.key))
    out.push({ path: 'key', rule: 'pattern', message: 'must start with a lower-case letter and use only a-z, 0-9 and _ (at most 40)' });
  else if (RESERVED_LEVEL_KEYS.has(input.key)) out.push({ path: 'key', rule: 'reserved', message: `"${input.key}" is reserved` });
  else if (levels.some((l) => l.key === input.key)) out.push({ path: 'key', rule: 'unique', message: `level "${input.key}" already exists` });
  if (!input.label.trim()) out.push({ path: 'label', rule: 'minLength', message: 'must not be empty' });
  if (input.parentKey === USER_LEVEL)
    out.push({ path: 'parentKey', rule: 'parentKey', message: 'user values are not scopes; a level cannot sit under "user"' });
  else if (!levels.some((l) => l.key === input.parentKey))
    out.push({ path: 'parentKey', rule: 'parentKey', message: `must name an existing level (e.g. "${GLOBAL_LEVEL}")` });
  return out;
}

/** Levels in depth-first order from global (siblings in the given order), position = depth. Levels not under global are left out. */
export function orderLevels(levels: readonly LevelInput[]): HierarchyLevel[] {
  const out: HierarchyLevel[] = [];
  const seen = new Set<string>();
  const visit = (parentKey: string | null, depth: number) => {
    for (const level of levels) {
      if (level.parentKey !== parentKey || seen.has(level.key) || (parentKey === null && level.key !== GLOBAL_LEVEL)) continue;
      seen.add(level.key);
      out.push({ key: level.key, label: level.label, parentKey: level.parentKey, position: depth });
      visit(level.key, depth + 1);
    }
  };
  visit(null, 0);
  return out;
}

/** Problems with placing a scope of `level` under a scope of `parentLevel` (null: no parent). */
export function validateScopePlacement(levels: readonly LevelInput[], level: string, parentLevel: string | null): ValidationIssue[] {
  if (level === USER_LEVEL)
    return [{ path: 'level', rule: 'level', message: 'user values are addressed as "user:<userId>", not created as scopes' }];
  const def = levels.find((l) => l.key === level);
  if (!def) return [{ path: 'level', rule: 'level', message: `unknown level "${level}"` }];
  if (def.parentKey === parentLevel) return [];
  const label = (key: string) => levels.find((l) => l.key === key)?.label ?? key;
  const message =
    def.parentKey === null
      ? `a scope of level "${def.label}" has no parent`
      : `a scope of level "${def.label}" must be placed under a scope of level "${label(def.parentKey)}"`;
  return [{ path: 'parentId', rule: 'placement', message }];
}

/** A scope as the pages' scope pickers list it. */
export interface ScopeOption {
  id: string;
  name: string;
  level: string;
  parentId: string | null;
}

/** Indents each scope under its parent, global first. */
export function scopeTree(scopes: ScopeOption[]): { scope: ScopeOption; depth: number }[] {
  const out: { scope: ScopeOption; depth: number }[] = [];
  const walk = (parentId: string | null, depth: number) => {
    for (const s of scopes.filter((x) => x.parentId === parentId && x.id !== parentId)) {
      out.push({ scope: s, depth });
      walk(s.id, depth + 1);
    }
  };
  walk(null, 0);
  // scopes whose parent the caller cannot see (a tenant admin's tenant) start their own tree
  for (const s of scopes)
    if (!out.some((o) => o.scope.id === s.id) && !scopes.some((p) => p.id === s.parentId)) {
      out.push({ scope: s, depth: 0 });
      walk(s.id, 1);
    }
  return out;
}

/** The option text of a scope in a picker: indented by depth, its level after the name. */
export const scopeLabel = ({ scope: s, depth }: { scope: ScopeOption; depth: number }) => `${'\u00a0\u00a0'.repeat(depth)}${s.name}${s.level === 'global' ? '' : ` (${s.level})`}`;

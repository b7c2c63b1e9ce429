'use client';

import { useMemo } from 'react';
import { scopeLabel, scopeTree, type ScopeOption } from '@/lib/client/scope-tree';

/** The scopes as `<option>`s in tree order, indented by depth: the scope pickers of the lifecycle pages share it. */
export function ScopeOptions({ scopes }: { scopes: ScopeOption[] }) {
  const tree = useMemo(() => scopeTree(scopes), [scopes]);
  return tree.map((t) => (
    <option key={t.scope.id} value={t.scope.id}>
      {scopeLabel(t)}
    </option>
  ));
}

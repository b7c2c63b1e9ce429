import { describe, expect, it } from 'vitest';
import { scopeLabel, scopeTree } from './scope-tree';

const s = (id: string, level: string, parentId: string | null) => ({ id, name: id.toUpperCase(), level, parentId });

describe('scopeTree', () => {
  it('puts each scope under its parent, global first, indented in its label', () => {
    const tree = scopeTree([s('event-1', 'event', 'tenant-a'), s('tenant-b', 'tenant', 'global'), s('global', 'global', null), s('tenant-a', 'tenant', 'global')]);
    expect(tree.map((t) => [t.scope.id, t.depth])).toEqual([
      ['global', 0],
      ['tenant-b', 1],
      ['tenant-a', 1],
      ['event-1', 2],
    ]);
    expect(scopeLabel(tree[3])).toBe('\u00a0\u00a0\u00a0\u00a0EVENT-1 (event)');
    expect(scopeLabel(tree[0])).toBe('GLOBAL');
  });

  it("starts a tree at a scope whose parent the caller cannot see (a tenant admin's tenant)", () => {
    const tree = scopeTree([s('global', 'global', null), s('event-1', 'event', 'tenant-a'), s('tenant-a', 'tenant', 'hidden-root')]);
    expect(tree.map((t) => [t.scope.id, t.depth])).toEqual([
      ['global', 0],
      ['tenant-a', 0],
      ['event-1', 1],
    ]);
  });
});

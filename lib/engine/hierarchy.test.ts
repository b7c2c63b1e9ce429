import { describe, it, expect } from 'vitest';
import { BUILTIN_LEVELS, isValidScopeId, orderLevels, parseUserScope, validateNewLevel, validateScopePlacement, type LevelInput } from './hierarchy';

const builtins: LevelInput[] = BUILTIN_LEVELS.map(({ key, label, parentKey }) => ({ key, label, parentKey }));

describe('validateNewLevel', () => {
  it('accepts a new level under an existing one', () => {
    expect(validateNewLevel(builtins, { key: 'project', label: 'Project', parentKey: 'global' })).toEqual([]);
  });

  it.each([
    [{ key: 'Project', label: 'P', parentKey: 'global' }, 'key', 'pattern'],
    [{ key: '1project', label: 'P', parentKey: 'global' }, 'key', 'pattern'],
    [{ key: 'user', label: 'U', parentKey: 'global' }, 'key', 'reserved'],
    [{ key: 'default', label: 'D', parentKey: 'global' }, 'key', 'reserved'],
    [{ key: 'tenant', label: 'T', parentKey: 'global' }, 'key', 'unique'],
    [{ key: 'global', label: 'G', parentKey: 'global' }, 'key', 'unique'],
    [{ key: 'team', label: ' ', parentKey: 'global' }, 'label', 'minLength'],
    [{ key: 'team', label: 'Team', parentKey: 'user' }, 'parentKey', 'parentKey'],
    [{ key: 'team', label: 'Team', parentKey: 'nowhere' }, 'parentKey', 'parentKey'],
    [{ key: 'team', label: 'Team', parentKey: null }, 'parentKey', 'parentKey'],
  ])('refuses %j (%s: %s)', (input, path, rule) => {
    expect(validateNewLevel(builtins, input)).toEqual([expect.objectContaining({ path, rule })]);
  });
});

describe('orderLevels', () => {
  it('orders depth-first from global with position = depth, and drops levels not under global', () => {
    const levels: LevelInput[] = [
      { key: 'department', label: 'Department', parentKey: 'tenant' },
      { key: 'event', label: 'Event', parentKey: 'tenant' },
      { key: 'orphan', label: 'Orphan', parentKey: 'missing' },
      { key: 'global', label: 'Global', parentKey: null },
      { key: 'project', label: 'Project', parentKey: 'global' },
      { key: 'tenant', label: 'Tenant', parentKey: 'global' },
    ];
    expect(orderLevels(levels).map((l) => `${l.key}:${l.position}`)).toEqual(['global:0', 'project:1', 'tenant:1', 'department:2', 'event:2']);
    expect(orderLevels(builtins)).toEqual(BUILTIN_LEVELS);
  });
});

describe('scope ids', () => {
  it('isValidScopeId follows API.md', () => {
    for (const id of ['global', 'tenant_au', 'event-38', '0abc', 'a'.repeat(63)]) expect(isValidScopeId(id), id).toBe(true);
    for (const id of ['', 'Tenant', '_x', '-x', 'a'.repeat(64), 'user:u1', 'a b', 'a.b']) expect(isValidScopeId(id), id).toBe(false);
  });

  it('parseUserScope reads user:<id>', () => {
    expect(parseUserScope('user:u-123')).toBe('u-123');
    expect(parseUserScope('user:550e8400-e29b-41d4-a716-446655440000')).toBe('550e8400-e29b-41d4-a716-446655440000');
    for (const id of ['user:', 'user', 'tenant:u1', 'user:a b', 'user:a:b', 'global']) expect(parseUserScope(id), id).toBeNull();
  });
});

describe('validateScopePlacement', () => {
  const levels = [...builtins, { key: 'project', label: 'Project', parentKey: 'global' }];
  it('requires the parent scope to be of the level parent', () => {
    expect(validateScopePlacement(levels, 'event', 'tenant')).toEqual([]);
    expect(validateScopePlacement(levels, 'project', 'global')).toEqual([]);
    expect(validateScopePlacement(levels, 'event', 'global')).toEqual([
      { path: 'parentId', rule: 'placement', message: 'a scope of level "Event" must be placed under a scope of level "Tenant"' },
    ]);
    expect(validateScopePlacement(levels, 'tenant', null)[0].rule).toBe('placement');
    expect(validateScopePlacement(levels, 'global', 'tenant')[0].message).toBe('a scope of level "Global" has no parent');
  });
  it('refuses unknown levels and user', () => {
    expect(validateScopePlacement(levels, 'nope', 'global')[0]).toMatchObject({ path: 'level', rule: 'level' });
    expect(validateScopePlacement(levels, 'user', 'tenant')[0]).toMatchObject({ path: 'level', rule: 'level' });
  });
});

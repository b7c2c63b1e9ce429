import { describe, it, expect } from 'vitest';
import { ZDefinition, type TDefinitionInput } from '@/lib/schemas/definition';
import { blockingLock, canSetAtLevel, resolveSetting } from './resolve';
import { validateValue } from './value-schema';
import { orderLevels, validateNewLevel, validateScopePlacement, BUILTIN_LEVELS } from './hierarchy';
import type { ScopeRef, StoredValue } from './types';

const def = (d: Partial<TDefinitionInput>) =>
  ZDefinition.parse({ key: 'test.setting', label: 'Test', category: 'general', type: 'number', defaultValue: 10, allowedLevels: ['global', 'tenant', 'event'], ...d });

/** An in-memory store of one key's values by scope id; writes go through validation like the services do. */
function store(definition: ReturnType<typeof def>) {
  const rows = new Map<string, StoredValue>();
  let version = 0;
  return {
    lookup: (scopeId: string) => rows.get(scopeId),
    set(scopeId: string, input: unknown, extra: Partial<StoredValue> = {}) {
      const result = validateValue(definition, input);
      if (!result.ok) throw new Error(result.issues.map((i) => i.message).join('; '));
      rows.set(scopeId, { value: result.value, locked: false, version: ++version, ...extra });
    },
    mark(scopeId: string, skipTo: string) {
      rows.set(scopeId, { value: null, locked: false, version: ++version, skipTo });
    },
    row: (scopeId: string) => rows.get(scopeId),
  };
}

const EVENT_PATH: ScopeRef[] = [
  { scopeId: 'e1', level: 'event' },
  { scopeId: 't1', level: 'tenant' },
  { scopeId: 'global', level: 'global' },
];
const TENANT_PATH = EVENT_PATH.slice(1);
const GLOBAL_PATH = EVENT_PATH.slice(2);

describe('seed 003 §5.1.5 / §9.1: hierarchy resolution', () => {
  const buffer = def({ key: 'catering.bufferPercentage', defaultValue: 10, validation: { min: 0, max: 100 } });

  it('returns the event override when all levels exist, with the event as the only link', () => {
    const s = store(buffer);
    s.set('global', '10');
    s.set('t1', '12');
    s.set('e1', '15');
    const r = resolveSetting(buffer, EVENT_PATH, s.lookup);
    expect(r).toEqual({
      value: 15,
      resolvedFrom: 'event',
      resolvedScopeId: 'e1',
      inheritanceChain: [{ level: 'event', scopeId: 'e1', value: 15 }],
      version: 3,
    });
  });

  it('falls back to the tenant when the event has no value', () => {
    const s = store(buffer);
    s.set('global', 10);
    s.set('t1', 12);
    const r = resolveSetting(buffer, EVENT_PATH, s.lookup);
    expect(r.value).toBe(12);
    expect(r.resolvedFrom).toBe('tenant');
    expect(r.inheritanceChain).toEqual([
      { level: 'event', scopeId: 'e1', value: null },
      { level: 'tenant', scopeId: 't1', value: 12 },
    ]);
  });

  it('falls back to global (auth.maxLoginAttempts example: chain event, tenant, global)', () => {
    const attempts = def({ key: 'auth.maxLoginAttempts', type: 'integer', defaultValue: 5, validation: { min: 1, max: 20 } });
    const s = store(attempts);
    s.set('global', '5');
    const r = resolveSetting(attempts, EVENT_PATH, s.lookup);
    expect(r).toMatchObject({ value: 5, resolvedFrom: 'global', resolvedScopeId: 'global', version: 1 });
    expect(r.inheritanceChain.map((l) => [l.level, l.value])).toEqual([
      ['event', null],
      ['tenant', null],
      ['global', 5],
    ]);
  });

  it('falls back to the definition default when nothing is stored', () => {
    const r = resolveSetting(buffer, TENANT_PATH, store(buffer).lookup);
    expect(r).toEqual({
      value: 10,
      resolvedFrom: 'default',
      resolvedScopeId: null,
      version: 0,
      inheritanceChain: [
        { level: 'tenant', scopeId: 't1', value: null },
        { level: 'global', scopeId: 'global', value: null },
        { level: 'default', scopeId: null, value: 10 },
      ],
    });
  });
});

describe('seed 003 §9.1: type coercion and validation on write', () => {
  it('stores "5" for a number setting as the number 5', () => {
    const attempts = def({ key: 'auth.maxLoginAttempts', type: 'integer', defaultValue: 5 });
    const s = store(attempts);
    s.set('global', '5');
    const r = resolveSetting(attempts, GLOBAL_PATH, s.lookup);
    expect(typeof r.value).toBe('number');
    expect(r.value).toBe(5);
  });

  it('stores "true" for a boolean setting as true', () => {
    const twoFactor = def({ key: 'auth.requireTwoFactor', type: 'boolean', defaultValue: false });
    const s = store(twoFactor);
    s.set('global', 'true');
    expect(resolveSetting(twoFactor, GLOBAL_PATH, s.lookup).value).toBe(true);
  });

  it('stores \'["jpeg","png"]\' for a list setting as an array', () => {
    const types = def({ key: 'upload.allowedImageTypes', type: 'multiselect', defaultValue: ['jpeg'], validation: { enum: ['jpeg', 'png', 'gif', 'webp'] } });
    const s = store(types);
    s.set('global', '["jpeg","png"]');
    expect(resolveSetting(types, GLOBAL_PATH, s.lookup).value).toEqual(['jpeg', 'png']);
  });

  it('rejects maxLoginAttempts 0 and a bad sender email', () => {
    const attempts = def({ key: 'auth.maxLoginAttempts', type: 'integer', defaultValue: 5, validation: { min: 1, max: 20 } });
    expect(() => store(attempts).set('global', 0)).toThrow('must be at least 1');
    const sender = def({ key: 'email.senderAddress', type: 'email', defaultValue: 'noreply@example.com' });
    expect(() => store(sender).set('global', 'not-an-email')).toThrow('must be a valid email address');
  });
});

describe('user level', () => {
  const theme = def({ key: 'ui.theme', type: 'enum', defaultValue: 'auto', validation: { enum: ['light', 'dark', 'auto'] }, allowedLevels: ['global', 'tenant', 'user'] });

  it('a user value comes first for keys that allow the user level', () => {
    const s = store(theme);
    s.set('t1', 'light');
    const r = resolveSetting(theme, TENANT_PATH, s.lookup, { userId: 'u1', value: { value: 'dark', locked: false, version: 7 } });
    expect(r).toEqual({
      value: 'dark',
      resolvedFrom: 'user',
      resolvedScopeId: 'user:u1',
      version: 7,
      inheritanceChain: [{ level: 'user', scopeId: 'user:u1', value: 'dark' }],
    });
  });

  it('a user without a value is listed and the walk continues', () => {
    const s = store(theme);
    s.set('t1', 'light');
    const r = resolveSetting(theme, TENANT_PATH, s.lookup, { userId: 'u1' });
    expect(r.inheritanceChain).toEqual([
      { level: 'user', scopeId: 'user:u1', value: null },
      { level: 'tenant', scopeId: 't1', value: 'light' },
    ]);
    expect(r.resolvedFrom).toBe('tenant');
  });

  it('keys that do not allow the user level ignore the user entirely', () => {
    const buffer = def({ key: 'catering.bufferPercentage' });
    const s = store(buffer);
    s.set('global', 10);
    const r = resolveSetting(buffer, GLOBAL_PATH, s.lookup, { userId: 'u1', value: { value: 99, locked: false, version: 1 } });
    expect(r.value).toBe(10);
    expect(r.inheritanceChain.some((l) => l.level === 'user')).toBe(false);
    expect(canSetAtLevel(buffer, 'user')).toBe(false);
    expect(canSetAtLevel(theme, 'user')).toBe(true);
    expect(canSetAtLevel(theme, 'event')).toBe(false);
  });
});

describe('locks', () => {
  const theme = def({ key: 'ui.theme', type: 'string', defaultValue: 'auto', allowedLevels: ['global', 'tenant', 'event', 'user'] });

  it('an ancestor lock beats lower values and the user value; shadowed values are skipped', () => {
    const s = store(theme);
    s.set('global', 'light');
    s.set('t1', 'corporate', { locked: true });
    s.set('e1', 'festive');
    const r = resolveSetting(theme, EVENT_PATH, s.lookup, { userId: 'u1', value: { value: 'dark', locked: false, version: 1 } });
    expect(r).toEqual({
      value: 'corporate',
      resolvedFrom: 'tenant',
      resolvedScopeId: 't1',
      lockedBy: 't1',
      version: 2,
      inheritanceChain: [
        { level: 'user', scopeId: 'user:u1', value: 'dark', skipped: true },
        { level: 'event', scopeId: 'e1', value: 'festive', skipped: true },
        { level: 'tenant', scopeId: 't1', value: 'corporate', locked: true },
      ],
    });
  });

  it('the topmost of several locks wins; empty links below it are not marked skipped', () => {
    const s = store(theme);
    s.set('global', 'light', { locked: true });
    s.set('t1', 'corporate', { locked: true });
    const r = resolveSetting(theme, EVENT_PATH, s.lookup);
    expect(r.value).toBe('light');
    expect(r.lockedBy).toBe('global');
    expect(r.inheritanceChain).toEqual([
      { level: 'event', scopeId: 'e1', value: null },
      { level: 'tenant', scopeId: 't1', value: 'corporate', locked: true, skipped: true },
      { level: 'global', scopeId: 'global', value: 'light', locked: true },
    ]);
  });

  it('a lock at the requested scope beats the user value', () => {
    const s = store(theme);
    s.set('t1', 'corporate', { locked: true });
    const r = resolveSetting(theme, TENANT_PATH, s.lookup, { userId: 'u1', value: { value: 'dark', locked: false, version: 1 } });
    expect(r).toMatchObject({ value: 'corporate', resolvedFrom: 'tenant', lockedBy: 't1' });
  });

  it('a lock also overrides explicitOnly', () => {
    const d = def({ overrideBehavior: 'explicitOnly' });
    const s = store(d);
    s.set('global', 3, { locked: true });
    s.set('e1', 4);
    expect(resolveSetting(d, EVENT_PATH, s.lookup)).toMatchObject({ value: 3, resolvedFrom: 'global', lockedBy: 'global' });
  });

  it('blockingLock: an ancestor lock blocks a write, the scope own lock does not', () => {
    const s = store(theme);
    s.set('t1', 'corporate', { locked: true });
    expect(blockingLock(EVENT_PATH, s.lookup, 0)).toEqual({ scopeId: 't1', level: 'tenant' });
    expect(blockingLock(EVENT_PATH, s.lookup, 1)).toBeUndefined();
    expect(blockingLock(EVENT_PATH, s.lookup, 2)).toBeUndefined();
    expect(blockingLock(TENANT_PATH, s.lookup, -1)).toEqual({ scopeId: 't1', level: 'tenant' });
    s.set('global', 'light', { locked: true });
    expect(blockingLock(EVENT_PATH, s.lookup, 0)).toEqual({ scopeId: 'global', level: 'global' });
    expect(blockingLock(EVENT_PATH, s.lookup, 1)).toEqual({ scopeId: 'global', level: 'global' });
  });
});

describe('seed 004 override behaviours', () => {
  it('inherit walks up to the first value', () => {
    const d = def({ overrideBehavior: 'inherit' });
    const s = store(d);
    s.set('global', 1);
    expect(resolveSetting(d, EVENT_PATH, s.lookup)).toMatchObject({ value: 1, resolvedFrom: 'global' });
  });

  it('explicitOnly uses only the requested scope value; ancestors are skipped, else the default', () => {
    const d = def({ overrideBehavior: 'explicitOnly', defaultValue: 0 });
    const s = store(d);
    s.set('global', 1);
    s.set('t1', 2);
    expect(resolveSetting(d, EVENT_PATH, s.lookup)).toEqual({
      value: 0,
      resolvedFrom: 'default',
      resolvedScopeId: null,
      version: 0,
      inheritanceChain: [
        { level: 'event', scopeId: 'e1', value: null },
        { level: 'tenant', scopeId: 't1', value: 2, skipped: true },
        { level: 'global', scopeId: 'global', value: 1, skipped: true },
        { level: 'default', scopeId: null, value: 0 },
      ],
    });
    expect(resolveSetting(d, TENANT_PATH, s.lookup)).toMatchObject({ value: 2, resolvedFrom: 'tenant' });
    expect(resolveSetting(d, GLOBAL_PATH, s.lookup)).toMatchObject({ value: 1, resolvedFrom: 'global' });
  });

  it('explicitOnly still honours a user value when the user level is allowed', () => {
    const d = def({ overrideBehavior: 'explicitOnly', allowedLevels: ['global', 'user'] });
    const s = store(d);
    s.set('global', 1);
    expect(resolveSetting(d, TENANT_PATH, s.lookup, { userId: 'u', value: { value: 5, locked: false, version: 2 } })).toMatchObject({ value: 5, resolvedFrom: 'user' });
  });

  it('allowSkipLevel: an event can skip its tenant and use global', () => {
    const d = def({ overrideBehavior: 'allowSkipLevel' });
    const s = store(d);
    s.set('global', 1);
    s.set('t1', 2);
    s.mark('e1', 'global');
    expect(resolveSetting(d, EVENT_PATH, s.lookup)).toEqual({
      value: 1,
      resolvedFrom: 'global',
      resolvedScopeId: 'global',
      version: 1,
      inheritanceChain: [
        { level: 'event', scopeId: 'e1', value: null, skipTo: 'global' },
        { level: 'tenant', scopeId: 't1', value: 2, skipped: true },
        { level: 'global', scopeId: 'global', value: 1 },
      ],
    });
  });

  it('allowSkipLevel: after the jump the walk continues normally, down to the default', () => {
    const d = def({ overrideBehavior: 'allowSkipLevel', defaultValue: 7 });
    const path: ScopeRef[] = [{ scopeId: 'team1', level: 'team' }, { scopeId: 'dep1', level: 'department' }, ...TENANT_PATH];
    const s = store(d);
    s.set('dep1', 3);
    s.mark('team1', 'tenant');
    const r = resolveSetting(d, path, s.lookup);
    expect(r).toMatchObject({ value: 7, resolvedFrom: 'default' });
    expect(r.inheritanceChain.map((l) => [l.scopeId, l.skipped ?? false])).toEqual([
      ['team1', false],
      ['dep1', true],
      ['t1', false],
      ['global', false],
      [null, false],
    ]);
  });

  it('a skip marker is ignored unless the setting allows skipping, or when it names no ancestor', () => {
    const inherit = def({ overrideBehavior: 'inherit' });
    const s = store(inherit);
    s.set('t1', 2);
    s.mark('e1', 'global');
    const r = resolveSetting(inherit, EVENT_PATH, s.lookup);
    expect(r.value).toBe(2);
    expect(r.inheritanceChain[0]).toEqual({ level: 'event', scopeId: 'e1', value: null });

    const skip = def({ overrideBehavior: 'allowSkipLevel' });
    const s2 = store(skip);
    s2.set('t1', 2);
    s2.mark('e1', 'project');
    expect(resolveSetting(skip, EVENT_PATH, s2.lookup)).toMatchObject({ value: 2, resolvedFrom: 'tenant' });
  });
});

describe('seed 004 §8: custom hierarchy levels', () => {
  it('registers project under global and department under tenant, and resolves through user → department → tenant → global', () => {
    let levels = BUILTIN_LEVELS.map(({ key, label, parentKey }) => ({ key, label, parentKey }));
    for (const level of [
      { key: 'project', label: 'Project', parentKey: 'global' },
      { key: 'department', label: 'Department', parentKey: 'tenant' },
    ]) {
      expect(validateNewLevel(levels, level)).toEqual([]);
      levels = [...levels, level];
    }
    expect(orderLevels(levels).map((l) => [l.key, l.position])).toEqual([
      ['global', 0],
      ['tenant', 1],
      ['event', 2],
      ['department', 2],
      ['project', 1],
    ]);
    expect(validateScopePlacement(levels, 'department', 'tenant')).toEqual([]);
    expect(validateScopePlacement(levels, 'department', 'global')).toHaveLength(1);

    const d = def({ key: 'display.currency', type: 'string', defaultValue: 'USD', allowedLevels: ['global', 'tenant', 'department', 'user'] });
    const path: ScopeRef[] = [{ scopeId: 'finance', level: 'department' }, ...TENANT_PATH];
    const s = store(d);
    s.set('global', 'EUR');
    s.set('finance', 'CHF');
    const r = resolveSetting(d, path, s.lookup, { userId: 'u9' });
    expect(r).toMatchObject({ value: 'CHF', resolvedFrom: 'department', resolvedScopeId: 'finance' });
    expect(r.inheritanceChain.map((l) => l.level)).toEqual(['user', 'department']);
    const fromGlobal = resolveSetting(d, [{ scopeId: 'sales', level: 'department' }, ...TENANT_PATH], s.lookup, { userId: 'u9' });
    expect(fromGlobal.inheritanceChain.map((l) => `${l.level}:${String(l.value)}`)).toEqual(['user:null', 'department:null', 'tenant:null', 'global:EUR']);
  });
});

describe('showWhen is data only', () => {
  it('resolution ignores showWhen', () => {
    const d = def({ ui: { showWhen: { settingKey: 'feature.enabled', equals: true } } });
    const s = store(d);
    s.set('global', 42);
    expect(resolveSetting(d, GLOBAL_PATH, s.lookup).value).toBe(42);
  });
});

import { describe, it, expect } from 'vitest';
import { conflictingKey, flattenDocument, hasForbiddenKey, unflattenValues } from './document';

const KEYS = new Set(['display.theme', 'display.dashboard_layout', 'notifications.email_enabled', 'operational.default_agent_budget', 'ai.providers.config']);
const isSettingKey = (k: string) => KEYS.has(k);

describe('flattenDocument', () => {
  it('flattens nested and dotted keys; a setting key is a leaf even when its value is an object', () => {
    const doc = { display: { theme: 'dark', dashboard_layout: 'grid' }, 'notifications.email_enabled': true, ai: { providers: { config: { model: 'x', params: { t: 1 } } } } };
    expect(flattenDocument(doc, isSettingKey)).toEqual({
      ok: true,
      values: {
        'display.theme': 'dark',
        'display.dashboard_layout': 'grid',
        'notifications.email_enabled': true,
        'ai.providers.config': { model: 'x', params: { t: 1 } },
      },
    });
  });

  it('accepts an empty partial document', () => {
    expect(flattenDocument({}, isSettingKey)).toEqual({ ok: true, values: {} });
  });

  it('reports unknown keys with their path', () => {
    expect(flattenDocument({ display: { colour: 'red' } }, isSettingKey)).toEqual({
      ok: false,
      error: { path: 'display.colour', code: 'UNKNOWN_KEY', message: '"display.colour" is not a known setting' },
    });
    expect(flattenDocument({ display: 'dark' }, isSettingKey)).toMatchObject({ ok: false, error: { path: 'display', code: 'UNKNOWN_KEY' } });
    expect(flattenDocument({ display: ['dark'] }, isSettingKey)).toMatchObject({ ok: false, error: { path: 'display', code: 'UNKNOWN_KEY' } });
  });

  it('requires an object at the top', () => {
    for (const doc of [null, [], 'x', 5]) expect(flattenDocument(doc, isSettingKey)).toMatchObject({ ok: false, error: { path: '', code: 'NOT_AN_OBJECT' } });
  });

  it('stops at paths longer than any setting key, so deep nesting cannot recurse without end', () => {
    let deep: Record<string, unknown> = { x: 1 };
    for (let i = 0; i < 10_000; i++) deep = { a: deep };
    const r = flattenDocument(deep, isSettingKey);
    expect(r).toMatchObject({ ok: false, error: { code: 'UNKNOWN_KEY' } });
  });

  describe('refuses __proto__, constructor and prototype at any depth (JSON.parse makes them own keys)', () => {
    const cases: [string, string][] = [
      ['{"__proto__":{"polluted":true}}', '__proto__'],
      ['{"display":{"__proto__":{"theme":"x"}}}', 'display.__proto__'],
      ['{"display":{"constructor":{"prototype":{"x":1}}}}', 'display.constructor'],
      ['{"prototype":1}', 'prototype'],
      ['{"ai":{"providers":{"config":{"__proto__":{"isAdmin":true}}}}}', 'ai.providers.config.__proto__'],
      ['{"ai":{"providers":{"config":{"list":[{"ok":1},{"constructor":{}}]}}}}', 'ai.providers.config.list[1].constructor'],
      ['{"ai":{"providers":{"config":[{"prototype":1}]}}}', 'ai.providers.config[0].prototype'],
    ];
    for (const [json, path] of cases)
      it(path, () => {
        const r = flattenDocument(JSON.parse(json), isSettingKey);
        expect(r).toEqual({ ok: false, error: expect.objectContaining({ path, code: 'FORBIDDEN_KEY' }) });
        expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      });
  });
});

describe('hasForbiddenKey', () => {
  it('finds the first forbidden key with its path, or null', () => {
    expect(hasForbiddenKey(JSON.parse('{"a":{"b":[1,{"__proto__":2}]}}'))).toBe('a.b[1].__proto__');
    expect(hasForbiddenKey(JSON.parse('[{"constructor":1}]'))).toBe('[0].constructor');
    expect(hasForbiddenKey({ a: { b: [1, { c: 'prototype' }] }, proto: 1 })).toBeNull();
    expect(hasForbiddenKey('__proto__')).toBeNull();
    expect(hasForbiddenKey(null)).toBeNull();
  });

  it('handles very deep and cyclic input without overflowing', () => {
    let deep: unknown = JSON.parse('{"__proto__":1}');
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(hasForbiddenKey(deep)).toMatch(/\[0\]\.__proto__$/);
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = cyclic;
    expect(hasForbiddenKey(cyclic)).toBeNull();
  });
});

describe('unflattenValues', () => {
  it('round-trips with flattenDocument', () => {
    const values = { 'display.theme': 'dark', 'display.dashboard_layout': 'grid', 'notifications.email_enabled': false, 'ai.providers.config': { a: [1] } };
    const doc = unflattenValues(values);
    expect(doc).toEqual({ display: { theme: 'dark', dashboard_layout: 'grid' }, notifications: { email_enabled: false }, ai: { providers: { config: { a: [1] } } } });
    expect(flattenDocument(JSON.parse(JSON.stringify(doc)), isSettingKey)).toEqual({ ok: true, values });
  });

  it('refuses forbidden segments at any depth without touching Object.prototype', () => {
    for (const key of ['__proto__.polluted', 'a.__proto__.polluted', 'a.b.constructor', 'prototype.x']) {
      expect(() => unflattenValues({ [key]: true }), key).toThrow('is not allowed as a key');
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('refuses keys that are prefixes of other keys, in either order', () => {
    expect(() => unflattenValues({ 'a.b': 1, 'a.b.c': 2 })).toThrow('"b" already holds a value');
    expect(() => unflattenValues({ 'a.b.c': 2, 'a.b': 1 })).toThrow('also the prefix of another key');
    expect(() => unflattenValues({ 'a.b': { c: 1 }, 'a.b.c': 2 })).toThrow();
  });
});

describe('conflictingKey', () => {
  it('finds keys that nest under or over the new key', () => {
    expect(conflictingKey('a.b', ['a.c', 'a.b.c'])).toBe('a.b.c');
    expect(conflictingKey('a.b.c', ['a.b'])).toBe('a.b');
    expect(conflictingKey('a.b', ['a.bc', 'a.b_c'])).toBeNull();
  });
});

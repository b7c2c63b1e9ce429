import { describe, expect, it } from 'vitest';
import { canonicalJson } from './chain';

describe('canonicalJson', () => {
  it('sorts keys at every depth and drops undefined members, as the chain has always hashed them', () => {
    const value = { b: 1, a: { d: [3, undefined, { z: null, y: 'x' }], c: undefined }, 'é': true, at: new Date('2026-01-02T03:04:05.000Z') };
    expect(canonicalJson(value)).toBe('{"a":{"d":[3,null,{"y":"x","z":null}]},"at":"2026-01-02T03:04:05.000Z","b":1,"é":true}');
    expect(canonicalJson({})).toBe('{}');
    expect(canonicalJson({ only: undefined })).toBe('{}');
    expect(canonicalJson([])).toBe('[]');
    expect(canonicalJson(undefined)).toBe('null');
    expect(canonicalJson('a"b')).toBe('"a\\"b"');
    // a skipped member first, and names that need escaping (quoted once, then from the cache)
    expect(canonicalJson({ a: undefined, b: 1, 'k"y': 2 })).toBe('{"b":1,"k\\"y":2}');
    expect(canonicalJson([{ 'k"y': 3 }, { 'k"y': 4 }])).toBe('[{"k\\"y":3},{"k\\"y":4}]');
  });
});

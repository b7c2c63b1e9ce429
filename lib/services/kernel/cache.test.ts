import { describe, expect, it } from 'vitest';
import { Caches, Lru } from './cache';

describe('NOTIFY echoes', () => {
  it("skips this instance's own notifications and applies another instance's", () => {
    const mine = new Caches();
    const other = new Caches();
    const change = { type: 'value', key: 'a.b', scopeId: 'global', version: 2 } as const;

    mine.setResolved('a.b', 'global', mine.generation('a.b'), 12);
    mine.applyChange(mine.notification(change));
    // the echo of our own committed write arrives after a read cached the new answer: keep it
    expect(mine.getResolved('a.b', 'global')).toBe(12);

    mine.applyChange(other.notification(change));
    expect(mine.getResolved('a.b', 'global')).toBeUndefined();
  });

  it('ignores payloads that are not JSON', () => {
    const caches = new Caches();
    caches.setResolved('a.b', 'global', caches.generation('a.b'), 1);
    caches.applyChange('not json');
    expect(caches.getResolved('a.b', 'global')).toBe(1);
  });
});

describe('Lru', () => {
  it('keeps at most its budget, dropping the least recently used', () => {
    const lru = new Lru<number>(3);
    for (const k of ['a', 'b', 'c']) lru.set(k, k.charCodeAt(0));
    expect(lru.get('a')).toBe(97); // a is now the most recently used
    lru.set('d', 100);
    expect(lru.size).toBe(3);
    expect(lru.get('b')).toBeUndefined();
    expect([lru.get('a'), lru.get('c'), lru.get('d')]).toEqual([97, 99, 100]);
  });

  it('replacing an entry does not evict another', () => {
    const lru = new Lru<number>(2);
    lru.set('a', 1);
    lru.set('b', 2);
    lru.set('a', 3);
    expect([lru.get('a'), lru.get('b'), lru.size]).toEqual([3, 2, 2]);
  });
});

describe('resolution cache budget', () => {
  const ctx = (i: number) => `scope-${i}`;

  it('evicts beyond its budget, keeping the entries in use', () => {
    const caches = new Caches({ maxResolved: 100 });
    for (let i = 0; i < 100; i++) caches.setResolved('a.b', ctx(i), caches.generation('a.b'), i);
    // a hot entry read between one-off reads survives them
    for (let i = 100; i < 1000; i++) {
      expect(caches.getResolved('a.b', ctx(0))).toBe(0);
      caches.setResolved('a.b', ctx(i), caches.generation('a.b'), i);
    }
    expect(caches.sizes.resolved).toBe(100);
    expect(caches.getResolved('a.b', ctx(1))).toBeUndefined();
    expect(caches.getResolved('a.b', ctx(999))).toBe(999);
    expect(caches.getResolved('a.b', ctx(0))).toBe(0);
  });

  it('answers a miss after eviction and caches the answer again', () => {
    const caches = new Caches({ maxResolved: 2 });
    caches.setResolved('k', 'x', caches.generation('k'), 'old-x');
    caches.setResolved('k', 'y', caches.generation('k'), 'y');
    caches.setResolved('k', 'z', caches.generation('k'), 'z');
    expect(caches.getResolved('k', 'x')).toBeUndefined();
    caches.setResolved('k', 'x', caches.generation('k'), 'x');
    expect(caches.getResolved('k', 'x')).toBe('x');
  });

  it("a write drops the key's entries for every context, and only that key's", () => {
    const caches = new Caches({ maxResolved: 10 });
    for (const c of ['global', 'tenant_a', 'tenant_a\u0000u1']) caches.setResolved('a.b', c, caches.generation('a.b'), c);
    caches.setResolved('c.d', 'global', caches.generation('c.d'), 'other');
    caches.invalidate({ type: 'value', key: 'a.b', scopeId: 'global', version: 2 });
    for (const c of ['global', 'tenant_a', 'tenant_a\u0000u1']) expect(caches.getResolved('a.b', c)).toBeUndefined();
    expect(caches.getResolved('c.d', 'global')).toBe('other');
    // a read that started before the write does not cache its (old) answer
    const before = caches.generation('c.d');
    caches.invalidate({ type: 'value', key: 'c.d', scopeId: 'global', version: 2 });
    caches.setResolved('c.d', 'global', before, 'stale');
    expect(caches.getResolved('c.d', 'global')).toBeUndefined();
  });

  it('scope and definition changes drop everything; paths are bounded too', () => {
    const caches = new Caches({ maxResolved: 10, maxPaths: 2 });
    caches.setResolved('a.b', 'global', caches.generation('a.b'), 1);
    caches.invalidate({ type: 'definitions' });
    expect(caches.getResolved('a.b', 'global')).toBeUndefined();
    for (const id of ['s1', 's2', 's3']) caches.setPath(id, [{ scopeId: id, level: 'event' }]);
    expect(caches.path('s1')).toBeUndefined();
    expect(caches.path('s3')).toEqual([{ scopeId: 's3', level: 'event' }]);
    caches.invalidate({ type: 'scopes' });
    expect(caches.sizes.paths).toBe(0);
  });
});

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

describe('batched NOTIFYs', () => {
  it('packs many changes into payloads under 8,000 bytes that another instance applies one by one', () => {
    const writer = new Caches();
    const reader = new Caches();
    const changes = Array.from({ length: 1000 }, (_, i) => ({ type: 'value', key: `k.${i % 50}`, scopeId: `scope-ünïcode-${i}`, version: i + 1 }) as const);
    const payloads = writer.notifications([...changes]);
    expect(payloads.length).toBeGreaterThan(1);
    expect(payloads.length).toBeLessThan(changes.length / 20);
    for (const p of payloads) expect(Buffer.byteLength(p)).toBeLessThan(8000);

    const seen: unknown[] = [];
    reader.onChange((c) => seen.push(c));
    for (let i = 0; i < 50; i++) reader.setResolved(`k.${i}`, 'global', reader.generation(`k.${i}`), i);
    for (const p of payloads) reader.applyChange(p);
    expect(seen).toEqual(changes);
    expect(reader.getResolved('k.7', 'global')).toBeUndefined();

    // the writer's own echo changes nothing
    writer.setResolved('k.1', 'global', writer.generation('k.1'), 1);
    for (const p of payloads) writer.applyChange(p);
    expect(writer.getResolved('k.1', 'global')).toBe(1);
  });

  it('sends a single change as before', () => {
    const caches = new Caches();
    const change = { type: 'flag', key: 'f', scopeId: 'global', version: 3 } as const;
    expect(caches.notifications([change])).toEqual([caches.notification(change)]);
  });
});

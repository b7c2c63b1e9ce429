import { describe, expect, it } from 'vitest';
import { Caches } from './cache';

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

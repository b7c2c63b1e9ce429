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

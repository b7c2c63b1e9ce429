import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { TChange } from '@/lib/schemas/export-import';
import { canonicalJson } from '../audit/chain';
import { diffEtag } from './plan-etag';

describe('diffEtag', () => {
  // what the ETag has always hashed: the canonical JSON of the whole list of changes
  const reference = (changes: TChange[]) => `"${createHash('sha256').update(canonicalJson(changes)).digest('hex').slice(0, 32)}"`;
  const item = (i: number): TChange => ({
    kind: i % 3 === 0 ? 'flag' : 'setting',
    key: `k.${i} "quoted"`,
    scope: i % 5 === 0 ? null : `tenant_${i}`,
    currentValue: i % 2 ? { b: [i, null], a: 'é' } : null,
    newValue: i % 4 ? i : undefined,
    ...(i % 2 ? { currentLocked: true, newLocked: false } : {}),
    currentVersion: i,
    action: i % 7 === 0 ? 'invalid' : 'update',
    ...(i % 7 === 0 ? { error: { code: 'INVALID_SETTING_VALUE', message: `bad ${i}`, ...(i % 2 ? { field: 'key' } : {}) } } : {}),
  });

  it('hashes exactly the canonical JSON of the changes, in pieces or not', () => {
    for (const n of [0, 1, 3, 2_000]) {
      const changes = Array.from({ length: n }, (_, i) => item(i));
      expect(diffEtag(changes)).toBe(reference(changes));
    }
  });

  it('depends on every item and on their order', () => {
    const changes = Array.from({ length: 1_500 }, (_, i) => item(i));
    const etag = diffEtag(changes);
    expect(diffEtag([...changes.slice(0, 1_499), { ...changes[1_499], newValue: 'other' }])).not.toBe(etag);
    expect(diffEtag([changes[1], changes[0], ...changes.slice(2)])).not.toBe(etag);
  });
});

import { createHash } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { TBackupContent } from '@/lib/schemas/backups';
import { pack } from './content';

describe('pack', () => {
  const content = (settings: number): TBackupContent => ({
    format: 'switchboard-backup',
    version: '1.0',
    type: 'full',
    createdAt: '2026-12-03T05:00:00.000Z',
    note: 'before "the" migration — ünïcode',
    registry: { keys: 3, fingerprint: 'abc' },
    levels: [{ key: 'global', label: 'Global', parentKey: null, position: 0 }],
    scopes: [{ id: 'global', level: 'global', parentId: null, name: 'Global' }],
    settings: Array.from({ length: settings }, (_, i) =>
      i % 7 === 0 ? { key: `k.${i}`, scope: 'global', encrypted: `v1:${i}` } : { key: `k.${i % 50}`, scope: `s-${i}`, value: i % 2 ? { n: i, s: 'naïve "q" \\ \u2028', a: [i, null, true] } : i, ...(i % 5 === 0 ? { locked: true } : {}) },
    ),
    flags: [],
    definitions: [],
    models: { configurations: [{ provider: 'openai', scopeId: 'global' }], templates: [], access: [] },
  } as TBackupContent);

  // what a backup has always stored: the content's JSON.stringify, its SHA-256 and a gzip of it
  for (const n of [0, 3, 5_000, 5_001, 12_345]) {
    it(`writes exactly JSON.stringify's bytes, hashed and compressed (${n} settings)`, async () => {
      const c = content(n);
      const json = Buffer.from(JSON.stringify(c), 'utf8');
      const packed = await pack(c);
      expect(gunzipSync(packed.compressed).equals(json)).toBe(true);
      expect(packed.checksum).toBe(createHash('sha256').update(json).digest('hex'));
      expect(packed.size).toBe(json.length);
    });
  }

  it('leaves out a member that is undefined, as JSON.stringify does', async () => {
    const c = { ...content(2), registry: undefined } as unknown as TBackupContent;
    expect(gunzipSync((await pack(c)).compressed).toString('utf8')).toBe(JSON.stringify(c));
  });
});

import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { bodyHash, canonicalJson, toAuditEntry } from './chain';
import type { AuditBody } from './store';

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

describe('bodyHash', () => {
  const base: AuditBody = {
    at: new Date('2026-12-02T10:11:12.345Z'),
    actorId: 'usr_1',
    actorName: 'Ada "A" Admin',
    actorRole: 'platform_admin',
    action: 'setting.set',
    key: 'general.siteName',
    scopeId: 'tenant_au',
    level: 'tenant',
    oldValue: { b: 2, a: [1, { d: null, c: 'x' }] },
    newValue: 'new',
    newCiphertext: null,
    reason: 'why',
    source: 'import',
    ip: '127.0.0.1',
    version: 3,
    details: { locked: false, created: true },
    changeSetId: 'cs_1',
  };
  // what the chain has always hashed: the entry as the API shows it (without its id) and the ciphertext
  const reference = (row: AuditBody) => {
    const entry: Partial<ReturnType<typeof toAuditEntry>> = toAuditEntry({ ...row, id: 1, bodyHash: '', prevHash: '', hash: '', chainKeyId: null, macKey: null });
    delete entry.id;
    return createHash('sha256').update(canonicalJson({ ...entry, newCiphertext: row.newCiphertext })).digest('hex');
  };

  it('hashes exactly the canonical JSON of the entry, whichever fields are empty', () => {
    const variants: AuditBody[] = [
      base,
      { ...base, changeSetId: null },
      { ...base, changeSetId: '' },
      { ...base, oldValue: null, newValue: null, details: null, version: null, key: null, scopeId: null, level: null, reason: null, ip: null, actorId: null, actorName: null, actorRole: null },
      { ...base, newCiphertext: 'v2:abc', newValue: '[REDACTED]' },
      { ...base, details: undefined as unknown as null, newValue: [undefined, 'é', { 'k"y': 1 }] },
    ];
    for (const row of variants) expect(bodyHash(row)).toBe(reference(row));
    // and it depends on every field
    expect(bodyHash({ ...base, reason: 'other' })).not.toBe(bodyHash(base));
    expect(bodyHash({ ...base, changeSetId: 'cs_2' })).not.toBe(bodyHash(base));
    expect(bodyHash({ ...base, newCiphertext: 'x' })).not.toBe(bodyHash(base));
  });
});

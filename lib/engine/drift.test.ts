import { describe, expect, it } from 'vitest';
import { accreditationCatalog } from '@/lib/catalogs';
import { DEFAULT_DRIFT_RULES, driftRules } from '@/lib/catalogs/drift';
import { ZDefinition, type TDefinition } from '@/lib/schemas/definition';
import { ZDriftRule } from '@/lib/schemas/drift';
import { classifyDrift, compareState } from './drift';

const def = (key: string, extra: Partial<TDefinition> = {}): TDefinition =>
  ZDefinition.parse({ key, label: key, category: key.split('.')[0], type: 'integer', defaultValue: 1, allowedLevels: ['global'], ...extra });
const canonical = (v: unknown) => JSON.stringify(v, (_k, x) => (x && typeof x === 'object' && !Array.isArray(x) ? Object.fromEntries(Object.entries(x).sort()) : x));

describe('drift classification', () => {
  const rules = driftRules();
  const security = (d: TDefinition) => accreditationCatalog.categories.find((c) => c.key === d.category)?.security === true;
  const of = (d: TDefinition) => classifyDrift(d, security(d), rules);

  it("follows the accreditation catalog's table: auth and compliance critical, secrets and limits warning, else info", () => {
    expect(of(def('auth.maxLoginAttempts', { category: 'auth' }))).toEqual({ severity: 'critical', autoRemediable: false });
    expect(of(def('compliance.dataRetentionDays'))).toEqual({ severity: 'critical', autoRemediable: false });
    expect(of(def('sms.providerApiKey', { category: 'email', type: 'secret' }))).toEqual({ severity: 'warning', autoRemediable: false });
    expect(of(def('upload.maxImageSizeMB', { category: 'upload' }))).toEqual({ severity: 'warning', autoRemediable: false });
    expect(of(def('cache.ttlMinutes', { category: 'system' }))).toEqual({ severity: 'info', autoRemediable: true });
    expect(of(def('catering.bufferPercentage'))).toEqual({ severity: 'info', autoRemediable: false });
  });

  it('falls back to the defaults: any security category critical, any secret a warning', () => {
    expect(classifyDrift(def('vault.path', { category: 'vault' }), true, DEFAULT_DRIFT_RULES).severity).toBe('critical');
    expect(classifyDrift(def('x.token', { category: 'x', isSecret: true, type: 'string' }), false, DEFAULT_DRIFT_RULES).severity).toBe('warning');
    expect(classifyDrift(def('x.y'), false, [])).toEqual({ severity: 'info', autoRemediable: false });
  });

  it("every catalog drift row is well formed and every key it names exists in that catalog", () => {
    const keys = new Set(accreditationCatalog.definitions.map((d) => d.key));
    const categories = new Set(accreditationCatalog.categories.map((c) => c.key));
    for (const r of accreditationCatalog.drift ?? []) {
      expect(ZDriftRule.safeParse(r).success).toBe(true);
      if (r.match.startsWith('category:')) expect(categories.has(r.match.slice(9)), r.match).toBe(true);
      else if (r.match.endsWith('*')) expect([...keys].some((k) => k.startsWith(r.match.slice(0, -1))), r.match).toBe(true);
      else if (r.match !== 'secret' && r.match !== 'security') expect(keys.has(r.match), r.match).toBe(true);
    }
  });
});

describe('compareState', () => {
  const set = (value: unknown, locked = false) => ({ present: true, value, locked });
  it('tells same, drifted, missing and unrecorded apart (key order and absent-absent are no drift)', () => {
    expect(compareState(set({ a: 1, b: 2 }), { value: { b: 2, a: 1 }, locked: false }, canonical)).toBe('same');
    expect(compareState(set(7), { value: 99, locked: false }, canonical)).toBe('drifted');
    expect(compareState(set(7), { value: 7, locked: true }, canonical)).toBe('drifted');
    expect(compareState(set(7), null, canonical)).toBe('missing');
    expect(compareState({ present: false, value: null, locked: false }, { value: 1, locked: false }, canonical)).toBe('drifted');
    expect(compareState({ present: false, value: null, locked: false }, null, canonical)).toBe('same');
    expect(compareState(null, { value: 1, locked: false }, canonical)).toBe('unrecorded');
    expect(compareState(null, null, canonical)).toBe('same');
  });
});

import { describe, expect, it } from 'vitest';
import type { TFlag } from '@/lib/schemas/flags';
import { expiryNote, explainReason, flagFormSchema, flagFormValues, formatVariantValue, parseVariantValue, staleFlags, type FlagFormValues, type MatrixFlag } from './flags';

const form = (v: Partial<FlagFormValues>): FlagFormValues => ({ ...flagFormValues(), key: 'feature.x', ...v });
const issues = (r: { success: boolean; error?: { issues: { path: PropertyKey[]; message: string }[] } }) => Object.fromEntries((r.error?.issues ?? []).map((i) => [i.path.join('.'), i.message]));

describe('the flag form', () => {
  it('turns its text controls into the API body', () => {
    const r = flagFormSchema().safeParse(
      form({
        flagType: 'percentage',
        enabled: true,
        rolloutPercentage: '25',
        enabledForRoles: 'VALIDATOR, ADMIN',
        enabledForUsers: 'u1\nu2\n',
        expiresAt: '2030-01-31T12:00',
        variants: [
          { key: 'a', value: 'blue', weight: '60' },
          { key: 'b', value: '"42"', weight: '40' },
        ],
        metadata: '{"owner":"ops"}',
      }),
    );
    expect(r.data).toEqual({
      key: 'feature.x',
      scope: 'global',
      description: '',
      flagType: 'percentage',
      enabled: true,
      rolloutPercentage: 25,
      enabledForRoles: ['VALIDATOR', 'ADMIN'],
      enabledForUsers: ['u1', 'u2'],
      dependsOnFlag: null,
      expiresAt: '2030-01-31T12:00:00Z',
      variants: [
        { key: 'a', value: 'blue', weight: 60 },
        { key: 'b', value: '42', weight: 40 },
      ],
      metadata: { owner: 'ops' },
    });
  });

  it("puts the API schema's and the engine's complaints on the fields they are about", () => {
    expect(issues(flagFormSchema().safeParse(form({ key: 'Feature X', rolloutPercentage: '101' })))).toEqual({ key: expect.stringMatching(/dotted/), rolloutPercentage: 'must be 0–100' });
    expect(issues(flagFormSchema().safeParse(form({ metadata: '{', variants: [{ key: 'a', value: '1', weight: '' }] })))).toEqual({
      metadata: expect.stringMatching(/^not valid JSON/),
      'variants.0.weight': 'must be a whole number 0–100',
    });
    const edit = flagFormSchema({ key: 'feature.x', scope: 'tenant-a' });
    expect(issues(edit.safeParse(form({ dependsOnFlag: 'feature.x', variants: [{ key: 'a', value: '1', weight: '50' }] })))).toEqual({
      dependsOnFlag: 'A flag cannot depend on itself',
      variants: 'Variant weights must sum to 100, not 50',
    });
  });

  it('edits a row at its scope, round-tripping what it shows', () => {
    const row = {
      ...flagFormValues(),
      key: 'feature.x',
      scope: 'tenant-a',
      rolloutPercentage: null,
      enabledForRoles: [],
      enabledForUsers: ['u1'],
      dependsOnFlag: null,
      expiresAt: '2030-01-31T12:00:00.000Z',
      variants: [{ key: 'on', value: { a: 1 }, weight: 100 }],
      metadata: null,
      flagType: 'user_targeted',
      enabled: true,
    } as unknown as TFlag;
    const parsed = flagFormSchema({ key: 'feature.x', scope: 'tenant-a' }).parse(flagFormValues(row));
    expect(parsed).toMatchObject({ scope: 'tenant-a', enabledForUsers: ['u1'], expiresAt: '2030-01-31T12:00:00Z', variants: [{ key: 'on', value: { a: 1 }, weight: 100 }] });
    expect(parsed).not.toHaveProperty('key');
  });

  it('reads a variant value as JSON when it parses, else as text', () => {
    for (const v of ['blue', '42', 'true', { a: 1 }, [1], 7, false]) expect(parseVariantValue(formatVariantValue(v))).toEqual(v);
    expect(formatVariantValue('blue')).toBe('blue');
    expect(formatVariantValue('42')).toBe('"42"');
  });
});

describe('reasons in words', () => {
  it('says where the deciding row is and what the rule was', () => {
    expect(explainReason('DISABLED', { scopeName: 'Tenant A' }, undefined, 'Global')).toBe('The flag is switched off at Global, which Tenant A inherits.');
    expect(explainReason('ENABLED', { scopeName: 'Tenant A' }, undefined, 'Tenant A')).toBe('The flag is switched on at Tenant A, for everyone there.');
    expect(explainReason('ROLLOUT_EXCLUDED', { scopeName: 'Global' }, { rolloutPercentage: 25, dependsOnFlag: null, expiresAt: null })).toMatch(/needs a user id/);
    expect(explainReason('ROLLOUT_INCLUDED', { scopeName: 'Global', userId: 'u1' }, { rolloutPercentage: 25, dependsOnFlag: null, expiresAt: null })).toMatch(/^User “u1” falls inside the 25% rollout/);
    expect(explainReason('DEPENDENCY_DISABLED', { scopeName: 'Global' }, { rolloutPercentage: null, dependsOnFlag: 'feature.base', expiresAt: null })).toMatch(/depends on feature.base/);
  });
});

describe('expiry and staleness', () => {
  const now = Date.parse('2026-03-01T00:00:00Z');
  const flag = (key: string, f: Partial<MatrixFlag>): MatrixFlag => ({ key, description: '', flagType: 'boolean', expiresAt: null, createdAt: '2025-01-01T00:00:00Z', lastEvaluatedAt: null, cells: {}, ...f });

  it('flags what expired or expires within a week', () => {
    expect(expiryNote('2026-02-28T00:00:00Z', now)).toEqual({ tone: 'danger', text: 'Expired' });
    expect(expiryNote('2026-03-04T00:00:00Z', now)).toEqual({ tone: 'warning', text: 'Expires in 3 d' });
    expect(expiryNote('2026-04-01T00:00:00Z', now)).toBeNull();
    expect(expiryNote(null, now)).toBeNull();
  });

  it('finds expired flags, and flags not evaluated for N days counting new ones from their creation', () => {
    const flags = [
      flag('expired', { expiresAt: '2026-02-01T00:00:00Z' }),
      flag('old-unused', {}),
      flag('new-unused', { createdAt: '2026-02-20T00:00:00Z' }),
      flag('used-lately', { lastEvaluatedAt: '2026-02-25T00:00:00Z' }),
      flag('used-long-ago', { lastEvaluatedAt: '2026-01-01T00:00:00Z' }),
    ];
    const keys = (fs: MatrixFlag[]) => fs.map((f) => f.key);
    expect(keys(staleFlags(flags, 30, now).expired)).toEqual(['expired']);
    expect(keys(staleFlags(flags, 30, now).idle)).toEqual(['old-unused', 'used-long-ago']);
    expect(keys(staleFlags(flags, 7, now).idle)).toEqual(['old-unused', 'new-unused', 'used-long-ago']);
  });
});

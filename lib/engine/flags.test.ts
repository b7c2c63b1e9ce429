import { describe, expect, it } from 'vitest';
import { FLAG_REASONS, type TFlagReason } from '@/lib/schemas/flags';
import { dependencyCycle, effectiveRule, evaluateFlag, flagBuckets, flagRuleProblems, pickVariant, type FlagContext, type FlagRule } from './flags';

const NOW = new Date('2026-02-10T14:30:00Z');
const PATH = ['e1', 't1', 'global'];

const rule = (key: string, r: Partial<FlagRule> = {}): FlagRule => ({
  key,
  scopeId: 'global',
  enabled: true,
  flagType: 'boolean',
  rolloutPercentage: null,
  enabledForRoles: [],
  enabledForUsers: [],
  dependsOnFlag: null,
  expiresAt: null,
  variants: null,
  ...r,
});

/** Flag rows by key and scope, looked up along PATH as the services do. */
function world(...rows: FlagRule[]) {
  const byKey = new Map<string, Map<string, FlagRule>>();
  for (const r of rows) byKey.set(r.key, new Map([...(byKey.get(r.key) ?? []), [r.scopeId, r]]));
  return (key: string, ctx: Partial<FlagContext> = {}, path = PATH) =>
    evaluateFlag(key, { now: NOW, ...ctx }, (k) => effectiveRule(byKey.get(k), path));
}

describe('seed 003 §9.2 feature flag tests', () => {
  it('returns false for non-existent flags', () => {
    expect(world()('feature.nonExistent')).toEqual({ key: 'feature.nonExistent', enabled: false, reason: 'NOT_FOUND' });
  });

  it('returns the tenant-specific flag over the global one', () => {
    const evaluate = world(rule('feature.catering', { enabled: false }), rule('feature.catering', { enabled: true, scopeId: 't1' }));
    expect(evaluate('feature.catering', {}, ['t1', 'global'])).toMatchObject({ enabled: true, reason: 'ENABLED', scopeId: 't1' });
    // and from an event below the tenant; another tenant gets the global row
    expect(evaluate('feature.catering')).toMatchObject({ enabled: true, scopeId: 't1' });
    expect(evaluate('feature.catering', {}, ['t2', 'global'])).toMatchObject({ enabled: false, reason: 'DISABLED', scopeId: 'global' });
  });

  it('respects percentage rollout deterministically', () => {
    const evaluate = world(rule('feature.newDashboard', { flagType: 'percentage', rolloutPercentage: 50 }));
    const first = evaluate('feature.newDashboard', { userId: 'user1' });
    expect(evaluate('feature.newDashboard', { userId: 'user1' })).toEqual(first);
  });

  it('checks dependency flags', () => {
    const evaluate = world(rule('feature.badgeModule', { enabled: false }), rule('feature.digitalBadge', { dependsOnFlag: 'feature.badgeModule' }));
    expect(evaluate('feature.digitalBadge', {}, ['t1', 'global'])).toMatchObject({ enabled: false, reason: 'DEPENDENCY_DISABLED' });
  });

  it('respects the expiry date', () => {
    const evaluate = world(rule('feature.tempPromo', { expiresAt: new Date('2025-01-01') }));
    expect(evaluate('feature.tempPromo', {}, ['t1', 'global'])).toMatchObject({ enabled: false, reason: 'EXPIRED' });
  });
});

describe('the SHA-256 bucket rule', () => {
  // computed independently (Python hashlib): int.from_bytes(sha256(b"feature.newDashboard:<user>")[0:2], "big") % 100
  const BUCKETS: Record<string, [number, number]> = { user1: [85, 14], user2: [68, 52], user3: [38, 19], alice: [22, 83], carol: [8, 10], erin: [31, 15] };

  it('is bytes 0–1 (rollout) and 2–3 (variant) of SHA-256("<flagKey>:<userId>"), modulo 100', () => {
    for (const [user, [rollout, variant]] of Object.entries(BUCKETS)) expect(flagBuckets('feature.newDashboard', user)).toEqual({ rollout, variant });
  });

  it('includes exactly the users whose bucket is below the percentage', () => {
    const evaluate = world(rule('feature.newDashboard', { flagType: 'percentage', rolloutPercentage: 38 }));
    const included = Object.keys(BUCKETS).filter((u) => evaluate('feature.newDashboard', { userId: u }).enabled);
    expect(included).toEqual(['alice', 'carol', 'erin']); // 22, 8, 31 < 38; user3's 38 is not
    expect(evaluate('feature.newDashboard', { userId: 'alice' }).reason).toBe('ROLLOUT_INCLUDED');
    expect(evaluate('feature.newDashboard', { userId: 'user3' }).reason).toBe('ROLLOUT_EXCLUDED');
  });

  it('includes nobody at 0 % (or none set) and everybody at 100 %', () => {
    const users = Object.keys(BUCKETS);
    for (const [pct, expected] of [[0, false], [null, false], [100, true]] as const) {
      const evaluate = world(rule('feature.newDashboard', { flagType: 'percentage', rolloutPercentage: pct }));
      expect(users.map((u) => evaluate('feature.newDashboard', { userId: u }).enabled)).toEqual(users.map(() => expected));
    }
  });

  it('spreads users evenly', () => {
    const counts = new Array(100).fill(0);
    for (let i = 0; i < 20_000; i++) counts[flagBuckets('feature.x', `u${i}`).rollout]++;
    expect(Math.min(...counts)).toBeGreaterThan(120);
    expect(Math.max(...counts)).toBeLessThan(290);
  });
});

describe('every reason', () => {
  const evaluate = world(
    rule('feature.on'),
    rule('feature.off', { enabled: false }),
    rule('feature.expired', { expiresAt: new Date('2026-02-10T14:29:59Z') }),
    rule('feature.future', { expiresAt: new Date('2026-02-10T14:30:01Z') }),
    rule('feature.needsOff', { dependsOnFlag: 'feature.off' }),
    rule('feature.needsOn', { dependsOnFlag: 'feature.on' }),
    rule('feature.rollout', { flagType: 'percentage', rolloutPercentage: 38 }),
    rule('feature.beta', { flagType: 'user_targeted', enabledForUsers: ['u-1', 'u-2'] }),
    rule('feature.staff', { flagType: 'role_targeted', enabledForRoles: ['VALIDATOR'] }),
    rule('feature.bilateral', { flagType: 'tenant_targeted', enabled: false }),
    rule('feature.bilateral', { flagType: 'tenant_targeted', scopeId: 't1' }),
  );
  const cases: [string, Partial<FlagContext>, boolean, TFlagReason][] = [
    ['feature.missing', {}, false, 'NOT_FOUND'],
    ['feature.off', {}, false, 'DISABLED'],
    ['feature.expired', {}, false, 'EXPIRED'],
    ['feature.future', {}, true, 'ENABLED'],
    ['feature.needsOff', {}, false, 'DEPENDENCY_DISABLED'],
    ['feature.needsOn', {}, true, 'ENABLED'],
    ['feature.on', {}, true, 'ENABLED'],
    ['feature.rollout', { userId: 'alice' }, true, 'ROLLOUT_INCLUDED'],
    ['feature.rollout', { userId: 'user3' }, false, 'ROLLOUT_EXCLUDED'],
    ['feature.beta', { userId: 'u-2' }, true, 'USER_TARGETED'],
    ['feature.beta', { userId: 'u-3' }, false, 'USER_NOT_TARGETED'],
    ['feature.staff', { role: 'VALIDATOR' }, true, 'ROLE_TARGETED'],
    ['feature.staff', { role: 'FOCAL_POINT' }, false, 'ROLE_NOT_TARGETED'],
    ['feature.staff', {}, false, 'ROLE_NOT_TARGETED'],
  ];
  it.each(cases)('%s %j → %s %s', (key, ctx, enabled, reason) => {
    expect(evaluate(key, ctx)).toMatchObject({ enabled, reason });
  });

  it('covers every reason of API.md', () => {
    expect(new Set(cases.map((c) => c[3]))).toEqual(new Set(FLAG_REASONS));
  });

  it('targets a tenant through its own row (seed 003 §3.2)', () => {
    expect(evaluate('feature.bilateral', {}, ['e1', 't1', 'global'])).toMatchObject({ enabled: true, reason: 'ENABLED', scopeId: 't1' });
    expect(evaluate('feature.bilateral', {}, ['t2', 'global'])).toMatchObject({ enabled: false, reason: 'DISABLED', scopeId: 'global' });
  });

  it('says when the answer hinged on a missing user id', () => {
    expect(evaluate('feature.rollout')).toMatchObject({ enabled: false, reason: 'ROLLOUT_EXCLUDED', missingUserId: true });
    expect(evaluate('feature.beta')).toMatchObject({ enabled: false, reason: 'USER_NOT_TARGETED', missingUserId: true });
    expect(evaluate('feature.rollout', { userId: 'user3' }).missingUserId).toBeUndefined();
    expect(evaluate('feature.off').missingUserId).toBeUndefined();
  });
});

describe('dependencies', () => {
  it('are evaluated recursively for the same context', () => {
    const evaluate = world(
      rule('feature.a', { dependsOnFlag: 'feature.b' }),
      rule('feature.b', { dependsOnFlag: 'feature.c' }),
      rule('feature.c', { flagType: 'user_targeted', enabledForUsers: ['u-1'] }),
    );
    expect(evaluate('feature.a', { userId: 'u-1' })).toMatchObject({ enabled: true, reason: 'ENABLED' });
    expect(evaluate('feature.a', { userId: 'u-2' })).toMatchObject({ enabled: false, reason: 'DEPENDENCY_DISABLED' });
    expect(evaluate('feature.a')).toMatchObject({ enabled: false, reason: 'DEPENDENCY_DISABLED', missingUserId: true });
  });

  it('count a missing dependency as off', () => {
    expect(world(rule('feature.a', { dependsOnFlag: 'feature.gone' }))('feature.a')).toMatchObject({ enabled: false, reason: 'DEPENDENCY_DISABLED' });
  });

  it('use the dependency row effective at the same scope', () => {
    const evaluate = world(rule('feature.a', { dependsOnFlag: 'feature.b' }), rule('feature.b', { enabled: false }), rule('feature.b', { scopeId: 't1' }));
    expect(evaluate('feature.a', {}, ['t1', 'global']).enabled).toBe(true);
    expect(evaluate('feature.a', {}, ['t2', 'global']).enabled).toBe(false);
  });

  it('stop at a cycle that slipped past the writes instead of recursing forever', () => {
    const evaluate = world(rule('feature.a', { dependsOnFlag: 'feature.b' }), rule('feature.b', { dependsOnFlag: 'feature.a' }));
    expect(evaluate('feature.a')).toMatchObject({ enabled: false, reason: 'DEPENDENCY_DISABLED' });
  });

  it('find the cycle a new dependency would close', () => {
    const deps = new Map([
      ['feature.b', ['feature.c']],
      ['feature.c', ['feature.a', 'feature.d']],
    ]);
    const of = (k: string) => deps.get(k) ?? [];
    expect(dependencyCycle('feature.a', 'feature.b', of)).toEqual(['feature.a', 'feature.b', 'feature.c', 'feature.a']);
    expect(dependencyCycle('feature.a', 'feature.a', of)).toEqual(['feature.a', 'feature.a']);
    expect(dependencyCycle('feature.a', 'feature.d', of)).toBeNull();
    expect(dependencyCycle('feature.x', 'feature.b', of)).toBeNull();
  });
});

describe('variants', () => {
  const variants = [
    { key: 'control', value: 'classic', weight: 50 },
    { key: 'compact', value: 'compact', weight: 30 },
    { key: 'wide', value: 'wide', weight: 20 },
  ];

  it('pick by cumulative weight', () => {
    expect([0, 49, 50, 79, 80, 99].map((b) => pickVariant(variants, b).key)).toEqual(['control', 'control', 'compact', 'compact', 'wide', 'wide']);
    expect(pickVariant([{ key: 'none', value: 1, weight: 0 }, { key: 'all', value: 2, weight: 100 }], 0).key).toBe('all');
  });

  it('are assigned by the variant bucket of the same hash, only when the flag is on', () => {
    const evaluate = world(rule('feature.newDashboard', { variants }), rule('feature.newDashboard', { scopeId: 't2', enabled: false, variants }));
    // variant buckets: user1 14, user2 52, alice 83
    expect(evaluate('feature.newDashboard', { userId: 'user1' })).toMatchObject({ enabled: true, reason: 'ENABLED', variant: 'control', value: 'classic' });
    expect(evaluate('feature.newDashboard', { userId: 'user2' })).toMatchObject({ variant: 'compact', value: 'compact' });
    expect(evaluate('feature.newDashboard', { userId: 'alice' })).toMatchObject({ variant: 'wide', value: 'wide' });
    expect(evaluate('feature.newDashboard', { userId: 'alice' }, ['t2', 'global'])).toEqual({ key: 'feature.newDashboard', enabled: false, reason: 'DISABLED', scopeId: 't2' });
  });

  it('need a user id', () => {
    expect(world(rule('feature.v', { variants }))('feature.v')).toEqual({ key: 'feature.v', enabled: true, reason: 'ENABLED', scopeId: 'global', missingUserId: true });
  });

  it('combine with a rollout without following it', () => {
    const evaluate = world(rule('feature.newDashboard', { flagType: 'percentage', rolloutPercentage: 100, variants }));
    const seen = new Set(Array.from({ length: 200 }, (_, i) => evaluate('feature.newDashboard', { userId: `u${i}` }).variant));
    expect(seen).toEqual(new Set(['control', 'compact', 'wide']));
  });
});

describe('flagRuleProblems', () => {
  const problems = (r: Partial<FlagRule>) => flagRuleProblems({ key: 'feature.a', dependsOnFlag: null, variants: null, ...r }).map((i) => i.message);

  it('accepts a plain flag and variants that sum to 100', () => {
    expect(problems({})).toEqual([]);
    expect(problems({ variants: [{ key: 'a', value: { x: 1 }, weight: 60 }, { key: 'b', value: [1], weight: 40 }] })).toEqual([]);
  });

  it('refuses weights that do not sum to 100, repeated keys, mixed kinds and a self-dependency', () => {
    expect(problems({ variants: [{ key: 'a', value: 1, weight: 60 }, { key: 'b', value: 2, weight: 30 }] })).toEqual(['Variant weights must sum to 100, not 90']);
    expect(problems({ variants: [{ key: 'a', value: 1, weight: 50 }, { key: 'a', value: 2, weight: 50 }] })).toEqual(['Variant "a" appears twice']);
    expect(problems({ variants: [{ key: 'a', value: 1, weight: 50 }, { key: 'b', value: 'two', weight: 50 }] })).toEqual(['Variant values must all be of one kind, not number and string']);
    expect(problems({ dependsOnFlag: 'feature.a' })).toEqual(['A flag cannot depend on itself']);
  });
});

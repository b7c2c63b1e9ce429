import { describe, expect, it } from 'vitest';
import { evaluateFlag, type FlagRule } from '@/lib/engine/flags';
import type { TSdkSnapshot } from '@/lib/schemas/sdk';
import { LocalFlags } from './local';
import { settingsDeclaration, valueType } from './typegen';

const row = (over: Partial<TSdkSnapshot['flags'][number]>): TSdkSnapshot['flags'][number] => ({
  key: 'f',
  scopeId: 'global',
  enabled: true,
  flagType: 'percentage',
  rolloutPercentage: 50,
  enabledForRoles: [],
  enabledForUsers: [],
  dependsOnFlag: null,
  expiresAt: null,
  variants: null,
  version: 1,
  ...over,
});
const snapshot = (flags: TSdkSnapshot['flags'], scopePath = ['tenant-a', 'global']): TSdkSnapshot => ({ version: 'v', scopePath, userId: null, types: {}, settings: {}, flags });

describe('LocalFlags', () => {
  it('takes the most specific row on the scope path, as the server does', () => {
    const flags = new LocalFlags(snapshot([row({ rolloutPercentage: 0 }), row({ scopeId: 'tenant-a', rolloutPercentage: 100 })]));
    expect(flags.evaluate('f', { userId: 'u' })).toMatchObject({ enabled: true, reason: 'ROLLOUT_INCLUDED', scopeId: 'tenant-a' });
    expect(new LocalFlags(snapshot([row({ rolloutPercentage: 0 }), row({ scopeId: 'tenant-a', rolloutPercentage: 100 })], ['global'])).evaluate('f', { userId: 'u' }).enabled).toBe(false);
  });

  it('answers exactly what the engine answers, memo or not, on repeated and new users', () => {
    const rows = [row({ variants: [{ key: 'a', value: 'A', weight: 25 }, { key: 'b', value: 'B', weight: 75 }] }), row({ key: 'g', dependsOnFlag: 'f', flagType: 'boolean' })];
    const flags = new LocalFlags(snapshot(rows));
    const rule = (key: string): FlagRule | undefined => {
      const r = rows.find((x) => x.key === key);
      return r && { ...r, expiresAt: null };
    };
    for (let round = 0; round < 2; round++)
      for (let i = 0; i < 500; i++) {
        const now = new Date();
        for (const key of ['f', 'g']) expect(flags.evaluate(key, { userId: `u${i}` }, now)).toEqual(evaluateFlag(key, { userId: `u${i}`, now }, rule));
      }
  });

  it('an expired row is off by the client’s clock', () => {
    const flags = new LocalFlags(snapshot([row({ flagType: 'boolean', expiresAt: '2020-01-01T00:00:00Z' })]));
    expect(flags.evaluate('f', {})).toMatchObject({ enabled: false, reason: 'EXPIRED' });
  });
});

describe('typegen', () => {
  it('maps each setting type to the TypeScript type of its values', () => {
    expect(valueType({ key: 'a.b', type: 'integer' })).toBe('number');
    expect(valueType({ key: 'a.b', type: 'enum', validation: { enum: ['x', 'y'] } })).toBe('"x" | "y"');
    expect(valueType({ key: 'a.b', type: 'multiselect', validation: { enum: ['x'] } })).toBe('("x")[]');
    expect(valueType({ key: 'a.b', type: 'secret' })).toBe('never');
    expect(valueType({ key: 'a.b', type: 'json', validation: { itemType: 'number' } })).toBe('number[]');
    expect(settingsDeclaration([{ key: 'b.c', type: 'boolean' }, { key: 'a.b', type: 'duration' }], '@switchboard/sdk', 'test')).toContain(
      `declare module "@switchboard/sdk" {\n  interface SwitchboardSettings {\n    "a.b": string;\n    "b.c": boolean;\n  }\n}`,
    );
  });
});

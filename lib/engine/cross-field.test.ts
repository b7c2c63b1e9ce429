import { describe, it, expect } from 'vitest';
import { ZDefinition, type TDefinitionInput } from '@/lib/schemas/definition';
import { checkCrossFieldRules, unknownRuleNames } from './cross-field';

const def = (d: Partial<TDefinitionInput> & { key: string }) =>
  ZDefinition.parse({ label: 'X', category: 'operational', type: 'integer', defaultValue: 0, allowedLevels: ['global'], ...d });

const perUser = def({ key: 'operational.max_agents_per_user' });
const perProject = def({ key: 'operational.max_agents_per_project', validation: { rules: ['gte:operational.max_agents_per_user'] } });
const defs = [perUser, perProject];
const values = (v: Record<string, unknown>) => (key: string) => v[key];

describe('comparison rules (seed 001: max agents per project ≥ max agents per user)', () => {
  it('passes when the rule holds', () => {
    const get = values({ 'operational.max_agents_per_user': 10, 'operational.max_agents_per_project': 10 });
    expect(checkCrossFieldRules(defs, ['operational.max_agents_per_project'], get)).toEqual([]);
  });

  it('reports a change to the setting that carries the rule', () => {
    const get = values({ 'operational.max_agents_per_user': 10, 'operational.max_agents_per_project': 5 });
    expect(checkCrossFieldRules(defs, ['operational.max_agents_per_project'], get)).toEqual([
      {
        path: 'operational.max_agents_per_project',
        rule: 'gte:operational.max_agents_per_user',
        message: 'must be ≥ operational.max_agents_per_user (10)',
      },
    ]);
  });

  it('reports a change to the other side on that setting, with the converse comparison', () => {
    const get = values({ 'operational.max_agents_per_user': 50, 'operational.max_agents_per_project': 20 });
    expect(checkCrossFieldRules(defs, ['operational.max_agents_per_user'], get)).toEqual([
      {
        path: 'operational.max_agents_per_user',
        rule: 'gte:operational.max_agents_per_user',
        message: 'must be ≤ operational.max_agents_per_project (20)',
      },
    ]);
  });

  it('ignores rules that involve no changed key', () => {
    const get = values({ 'operational.max_agents_per_user': 50, 'operational.max_agents_per_project': 20 });
    expect(checkCrossFieldRules(defs, ['display.theme'], get)).toEqual([]);
  });

  it('supports gt, lte and lt, and compares durations by length', () => {
    const idle = def({ key: 'security.idle_timeout', type: 'duration', defaultValue: '15m', validation: { rules: ['lt:security.session_timeout'] } });
    const session = def({ key: 'security.session_timeout', type: 'duration', defaultValue: '8h' });
    const low = def({ key: 'alerts.low', validation: { rules: ['lte:alerts.high'] } });
    const high = def({ key: 'alerts.high', validation: { rules: ['gt:alerts.low'] } });
    const all = [idle, session, low, high];
    const ok = values({ 'security.idle_timeout': '15m', 'security.session_timeout': 'PT8H', 'alerts.low': 5, 'alerts.high': 6 });
    expect(checkCrossFieldRules(all, ['security.idle_timeout', 'alerts.low'], ok)).toEqual([]);
    const bad = values({ 'security.idle_timeout': 'PT9H', 'security.session_timeout': '8h', 'alerts.low': 6, 'alerts.high': 6 });
    expect(checkCrossFieldRules(all, ['security.idle_timeout', 'alerts.high'], bad).map((i) => [i.path, i.message])).toEqual([
      ['security.idle_timeout', 'must be < security.session_timeout (8h)'],
      ['alerts.high', 'must be > alerts.low (6)'],
    ]);
    const equalLow = values({ 'alerts.low': 7, 'alerts.high': 6 });
    expect(checkCrossFieldRules([low, high], ['alerts.low'], equalLow).map((i) => i.message)).toEqual([
      'must be ≤ alerts.high (6)',
      'must be < alerts.high (6)',
    ]);
  });

  it('skips a comparison when a side has no comparable value', () => {
    const get = values({ 'operational.max_agents_per_project': 5 });
    expect(checkCrossFieldRules(defs, ['operational.max_agents_per_project'], get)).toEqual([]);
  });
});

describe('unknown rules are reported, not ignored', () => {
  const typo = def({ key: 'operational.budget', validation: { rules: ['noSuchRule', 'gte:operational.missing', 'gte:not a key'] } });

  it('unknownRuleNames lists names that are not comparisons and malformed comparisons', () => {
    expect(unknownRuleNames(typo)).toEqual(['noSuchRule', 'gte:not a key']);
    expect(unknownRuleNames(typo, (k) => k === 'operational.budget')).toEqual(['noSuchRule', 'gte:operational.missing', 'gte:not a key']);
    expect(unknownRuleNames(perProject)).toEqual([]);
  });

  it('checkCrossFieldRules reports them, including comparisons with undefined settings', () => {
    const issues = checkCrossFieldRules([typo], ['operational.budget'], values({ 'operational.budget': 1 }));
    expect(issues.map((i) => [i.path, i.rule])).toEqual([
      ['operational.budget', 'noSuchRule'],
      ['operational.budget', 'gte:operational.missing'],
      ['operational.budget', 'gte:not a key'],
    ]);
    expect(issues[0].message).toBe('cannot be checked: unknown rule "noSuchRule"');
  });
});

describe('the "schedule" rule (backup.schedule)', () => {
  const schedule = def({ key: 'backup.schedule', type: 'string', defaultValue: 'daily', validation: { rules: ['schedule'] } });

  it('is a known rule', () => {
    expect(unknownRuleNames(schedule)).toEqual([]);
  });

  it('accepts intervals and cron expressions and refuses anything else when the setting changes, saying why', () => {
    for (const ok of ['daily', 'every 6h', '30m', '0 3 * * *']) {
      expect(checkCrossFieldRules([schedule], ['backup.schedule'], values({ 'backup.schedule': ok }))).toEqual([]);
    }
    const issues = checkCrossFieldRules([schedule], ['backup.schedule'], values({ 'backup.schedule': 'every tuesday' }));
    expect(issues).toEqual([{ path: 'backup.schedule', rule: 'schedule', message: expect.stringMatching(/^is not a schedule: "every tuesday" is neither an interval/) }]);
    expect(checkCrossFieldRules([schedule], ['backup.schedule'], values({ 'backup.schedule': '1m' }))[0].message).toContain('5-minute minimum');
  });

  it('is not re-checked when another setting changes', () => {
    expect(checkCrossFieldRules([schedule], ['other.key'], values({ 'backup.schedule': 'nonsense' }))).toEqual([]);
  });
});

import { describe, expect, it } from 'vitest';
import { parameterIssue, ZQuota } from '@/lib/schemas/models';
import { baseUrlProblem, providerById, PROVIDERS } from './providers';
import { allowanceFits, crossings, firstExceeded, localDay, nextThreshold, remainingOf, windowOf, zonedMidnight } from './quota';
import { allowedProviders, blockingModelLock, resolveModelConfig, type StoredModelConfig } from './resolve';

const openai = providerById('openai')!;
const PATH = [
  { scopeId: 'e1', level: 'event' },
  { scopeId: 't1', level: 'tenant' },
  { scopeId: 'global', level: 'global' },
];
const row = (r: Partial<StoredModelConfig>): StoredModelConfig => ({ model: null, preset: null, parameters: {}, status: null, baseUrl: null, hasApiKey: false, locked: false, version: 1, ...r });

describe('provider descriptors', () => {
  it('describe six providers, each default model among its models', () => {
    expect(PROVIDERS.map((p) => p.id)).toEqual(['openai', 'anthropic', 'azure-openai', 'google', 'mistral', 'ollama']);
    for (const p of PROVIDERS) expect(p.models.map((m) => m.id)).toContain(p.defaultModel);
  });

  it('check parameters against each provider’s own ranges', () => {
    expect(parameterIssue(openai, { temperature: 2 })).toBeNull();
    expect(parameterIssue(providerById('anthropic')!, { temperature: 2 })).toEqual({ field: 'parameters.temperature', message: 'temperature must be between 0 and 1' });
    expect(parameterIssue(openai, { top_k: 3 })?.field).toBe('parameters.top_k');
    expect(parameterIssue(openai, { seed: 1.5 })?.message).toBe('seed must be a whole number');
    expect(parameterIssue(openai, { temperature: '0.5' })?.message).toBe('temperature must be a number');
    expect(parameterIssue(providerById('mistral')!, { safe_prompt: 'yes' })?.field).toBe('parameters.safe_prompt');
    expect(parameterIssue(providerById('ollama')!, { num_predict: -1, stop: ['\n\n'] })).toBeNull();
  });

  it('take https base URLs, and http only to loopback', () => {
    expect(baseUrlProblem('https://api.example.com/v1')).toBeNull();
    expect(baseUrlProblem('http://127.0.0.1:11434')).toBeNull();
    expect(baseUrlProblem('http://[::1]:8080')).toBeNull();
    expect(baseUrlProblem('http://localhost')).toBeNull();
    expect(baseUrlProblem('http://127.0.0.1.evil.com')).toMatch(/https/);
    expect(baseUrlProblem('http://192.168.1.2')).toMatch(/https/);
    expect(baseUrlProblem('ftp://x')).toMatch(/https/);
    expect(baseUrlProblem('not a url')).toMatch(/absolute/);
  });
});

describe('resolving a configuration down the scope chain', () => {
  const presets = new Map([['precise', { id: 'precise', name: 'Precise', provider: 'openai', parameters: { temperature: 0.1, top_p: 0.3 } }]]);

  it('takes each field from the most specific scope that sets it', () => {
    const rows = new Map([
      ['global', row({ model: 'gpt-4o', status: 'active', parameters: { temperature: 0.2, max_tokens: 500 }, hasApiKey: true })],
      ['t1', row({ model: 'gpt-4.1', parameters: { temperature: 0.9 } })],
    ]);
    const r = resolveModelConfig(openai, PATH, rows, presets);
    expect(r.model).toEqual({ value: 'gpt-4.1', resolvedFrom: 'tenant', scopeId: 't1' });
    expect(r.status).toEqual({ value: 'active', resolvedFrom: 'global', scopeId: 'global' });
    expect(r.apiKey).toEqual({ value: true, resolvedFrom: 'global', scopeId: 'global' });
    expect(r.baseUrl).toEqual({ value: 'https://api.openai.com/v1', resolvedFrom: 'default', scopeId: null });
    expect(r.parameters.temperature).toEqual({ value: 0.9, resolvedFrom: 'tenant', scopeId: 't1' });
    expect(r.parameters.max_tokens).toEqual({ value: 500, resolvedFrom: 'global', scopeId: 'global' });
    expect(r.parameters.presence_penalty).toEqual({ value: 0, resolvedFrom: 'default', scopeId: null });
  });

  it('puts a preset between its scope’s own parameters and everything above', () => {
    const rows = new Map([
      ['global', row({ parameters: { temperature: 0.2, top_p: 0.9, max_tokens: 500 } })],
      ['t1', row({ preset: 'precise', parameters: { temperature: 0.5 } })],
    ]);
    const r = resolveModelConfig(openai, PATH, rows, presets);
    expect(r.parameters.temperature).toEqual({ value: 0.5, resolvedFrom: 'tenant', scopeId: 't1' });
    expect(r.parameters.top_p).toEqual({ value: 0.3, resolvedFrom: 'preset', scopeId: 't1', preset: 'precise' });
    expect(r.parameters.max_tokens.resolvedFrom).toBe('global');
    // an event's own value beats the tenant's preset
    rows.set('e1', row({ parameters: { top_p: 0.6 } }));
    expect(resolveModelConfig(openai, PATH, rows, presets).parameters.top_p).toEqual({ value: 0.6, resolvedFrom: 'event', scopeId: 'e1' });
  });

  it('lets a locked ancestor shadow everything below it', () => {
    const rows = new Map([
      ['global', row({ model: 'gpt-4o', locked: true })],
      ['t1', row({ model: 'gpt-4.1', parameters: { temperature: 0.9 } })],
    ]);
    const r = resolveModelConfig(openai, PATH, rows, presets);
    expect(r.model.value).toBe('gpt-4o');
    expect(r.parameters.temperature.resolvedFrom).toBe('default');
    expect(r.lockedAt).toBe('global');
    expect(blockingModelLock(PATH, rows)).toBe('global');
    expect(blockingModelLock(PATH.slice(2), rows)).toBeNull();
  });

  it('narrows allowed providers down the path, never widens them', () => {
    expect(allowedProviders(PATH, new Map())).toEqual({ allowed: null, restrictedAt: null });
    const lists = new Map([
      ['t1', ['openai', 'mistral']],
      ['e1', ['openai', 'anthropic']],
    ]);
    expect(allowedProviders(PATH, lists)).toEqual({ allowed: ['openai'], restrictedAt: 'e1' });
  });
});

describe('quota windows in a time zone', () => {
  it('starts days at local midnight, also across DST', () => {
    expect(windowOf('daily', new Date('2026-03-10T12:00:00Z'), 'UTC')).toEqual({ start: new Date('2026-03-10T00:00:00Z'), resetsAt: new Date('2026-03-11T00:00:00Z') });
    // Berlin is UTC+1 in winter: 23:30 UTC on the 9th is already the 10th there
    expect(windowOf('daily', new Date('2026-03-09T23:30:00Z'), 'Europe/Berlin').start).toEqual(new Date('2026-03-09T23:00:00Z'));
    // New York springs forward on 2026-03-08: that day has 23 hours
    const dst = windowOf('daily', new Date('2026-03-08T15:00:00Z'), 'America/New_York');
    expect(dst).toEqual({ start: new Date('2026-03-08T05:00:00Z'), resetsAt: new Date('2026-03-09T04:00:00Z') });
    expect(zonedMidnight(2026, 10, 25, 'Europe/Berlin')).toEqual(new Date('2026-10-24T22:00:00Z'));
  });

  it('starts months on the 1st, rolling over the year', () => {
    expect(windowOf('monthly', new Date('2026-12-31T23:30:00Z'), 'Asia/Tokyo')).toEqual({ start: new Date('2026-12-31T15:00:00Z'), resetsAt: new Date('2027-01-31T15:00:00Z') });
    expect(windowOf('monthly', new Date('2026-02-14T00:00:00Z'), 'UTC')).toEqual({ start: new Date('2026-02-01T00:00:00Z'), resetsAt: new Date('2026-03-01T00:00:00Z') });
    expect(localDay(new Date('2026-12-31T23:30:00Z'), 'Asia/Tokyo')).toBe('2027-01-01');
  });
});

describe('counters against limits', () => {
  const limits = { tokens: { soft: 40, hard: 50 }, requests: { hard: 10 } };
  const at = (tokens: number, requests = 0) => ({ requests, tokens, cost: 0 });

  it('finds the hard limit a usage would pass, allowing exactly the limit', () => {
    expect(firstExceeded(at(45), at(50), limits)).toBeNull();
    expect(firstExceeded(at(45), at(51), limits)).toEqual({ metric: 'tokens', limit: 50, used: 45, requested: 6 });
    expect(firstExceeded(at(0, 10), at(0, 11), limits)?.metric).toBe('requests');
    expect(firstExceeded(at(0), at(1e9), undefined)).toBeNull();
  });

  it('reports crossing the soft threshold once, and reaching the hard limit', () => {
    expect(crossings(at(30), at(39), limits)).toEqual([]);
    expect(crossings(at(39), at(40), limits)).toEqual([{ metric: 'tokens', threshold: 'soft', limit: 40, used: 40 }]);
    expect(crossings(at(40), at(45), limits)).toEqual([]);
    expect(crossings(at(35), at(50), limits).map((c) => c.threshold)).toEqual(['soft', 'hard']);
    expect(remainingOf(at(45, 3), limits)).toEqual({ tokens: 5, requests: 7 });
  });

  it('refuses soft thresholds at or above the hard limit', () => {
    expect(ZQuota.safeParse({ monthly: { cost: { soft: 10, hard: 10 } } }).error?.issues[0].message).toContain('below');
    expect(ZQuota.safeParse({ daily: { tokens: { soft: 60, hard: 50 } } }).error?.issues[0].path).toEqual(['daily', 'tokens', 'soft']);
    expect(ZQuota.parse({ daily: { tokens: { hard: 50 } } }).timeZone).toBe('UTC');
    expect(ZQuota.safeParse({ timeZone: 'Nowhere/Else' }).success).toBe(false);
  });
});

describe('allowances (a share of headroom an instance may hold)', () => {
  const Z = { requests: 0, tokens: 0, cost: 0 };
  const limits = { requests: { soft: 800, hard: 1000 }, tokens: { hard: 10_000 } };

  it('stops at the soft threshold until it is passed, then at the hard limit', () => {
    expect(nextThreshold(0, { soft: 800, hard: 1000 })).toBe(800);
    expect(nextThreshold(800, { soft: 800, hard: 1000 })).toBe(1000);
    expect(nextThreshold(5, { hard: 1000 })).toBe(1000);
  });

  it('fits while the allowance is at most a share of what lies before the next threshold, counting others’ allowances', () => {
    expect(allowanceFits(Z, Z, { requests: 100, tokens: 0, cost: 0 }, limits, 8)).toBe(true);
    expect(allowanceFits(Z, Z, { requests: 101, tokens: 0, cost: 0 }, limits, 8)).toBe(false);
    expect(allowanceFits({ ...Z, requests: 600 }, { ...Z, requests: 100 }, { requests: 13, tokens: 0, cost: 0 }, limits, 8)).toBe(false);
    expect(allowanceFits({ ...Z, requests: 600 }, { ...Z, requests: 100 }, { requests: 12, tokens: 0, cost: 0 }, limits, 8)).toBe(true);
    // soft passed: the hard limit is next
    expect(allowanceFits({ ...Z, requests: 850 }, Z, { requests: 18, tokens: 0, cost: 0 }, limits, 8)).toBe(true);
    // nothing left on one limited metric: the endgame, even for a usage that adds none of it
    expect(allowanceFits({ ...Z, tokens: 10_000 }, Z, { requests: 1, tokens: 0, cost: 0 }, limits, 8)).toBe(false);
    // a metric without a limit does not matter
    expect(allowanceFits({ ...Z, cost: 1e12 }, Z, { requests: 1, tokens: 1, cost: 1e12 }, limits, 8)).toBe(true);
  });
});

import { describe, expect, it } from 'vitest';
import type { TModelConfig } from '@/lib/schemas/models';
import { modelFormSchema, modelFormValues, parameterText, parameterValue, presetFormSchema } from './models';
import { providerById } from '@/lib/engine/models/providers';

const openai = providerById('openai')!;
const config = {
  provider: 'openai',
  parameterSchema: openai.parameters,
  own: { model: 'gpt-4.1', preset: null, parameters: { temperature: 0.7, stop: ['END', '###'] }, status: null, baseUrl: null, apiKey: '********', quota: { timeZone: 'Europe/Berlin', daily: { tokens: { soft: 80, hard: 100 } } }, locked: false, metadata: null, version: 3, updatedAt: '', updatedBy: null },
} as unknown as TModelConfig;

describe('the model form', () => {
  it('shows what the scope stores, as text', () => {
    const v = modelFormValues(config);
    expect(v).toMatchObject({ model: 'gpt-4.1', status: '', apiKey: '', removeKey: false, quota: { timeZone: 'Europe/Berlin', daily: { tokens: { soft: '80', hard: '100' }, requests: { soft: '', hard: '' } } } });
    expect(v.parameters).toMatchObject({ temperature: '0.7', stop: 'END\n###', top_p: '' });
  });

  it('turns the text back into the API body; an untouched key is kept', () => {
    const body = modelFormSchema('openai', 'tenant-a', true).parse(modelFormValues(config));
    expect(body).toMatchObject({ scope: 'tenant-a', model: 'gpt-4.1', status: null, parameters: { temperature: 0.7, stop: ['END', '###'] }, quota: { timeZone: 'Europe/Berlin', daily: { tokens: { soft: 80, hard: 100 } } } });
    expect('apiKey' in body).toBe(false);
    // without the right to set quotas the body leaves the quota alone
    expect('quota' in modelFormSchema('openai', 'tenant-a', false).parse(modelFormValues(config))).toBe(false);
  });

  it('refuses what the server would, on the same fields', () => {
    const values = modelFormValues(config);
    const bad = modelFormSchema('openai', 'tenant-a', true).safeParse({ ...values, parameters: { ...values.parameters, temperature: '3' } });
    expect(bad.error?.issues[0]).toMatchObject({ path: ['parameters', 'temperature'], message: 'temperature must be between 0 and 2' });
    const soft = modelFormSchema('openai', 'tenant-a', true).safeParse({ ...values, quota: { ...values.quota, daily: { ...values.quota.daily, tokens: { soft: '100', hard: '100' } } } });
    expect(soft.error?.issues[0].path).toEqual(['quota', 'daily', 'tokens', 'soft']);
    const url = modelFormSchema('openai', 'tenant-a', true).safeParse({ ...values, baseUrl: 'http://example.com' });
    expect(url.error?.issues[0].path).toEqual(['baseUrl']);
    const word = modelFormSchema('openai', 'tenant-a', true).safeParse({ ...values, parameters: { ...values.parameters, max_tokens: 'lots' } });
    expect(word.error?.issues[0].path).toEqual(['parameters', 'max_tokens']);
  });

  it('converts parameters by type', () => {
    expect(parameterValue(openai.parameters.stop, 'a\n\n b ')).toEqual(['a', 'b']);
    expect(parameterValue(providerById('mistral')!.parameters.safe_prompt, 'true')).toBe(true);
    expect(parameterText(openai.parameters.temperature, undefined)).toBe('');
  });
});

describe('the preset form', () => {
  it('checks parameters against the chosen provider', () => {
    expect(presetFormSchema.safeParse({ name: 'Hot', provider: 'anthropic', description: '', parameters: { temperature: '1.5' } }).error?.issues[0].path).toEqual(['parameters', 'temperature']);
    expect(presetFormSchema.parse({ name: 'Warm', provider: 'anthropic', description: '', parameters: { temperature: '0.9', top_k: '' } })).toEqual({ name: 'Warm', provider: 'anthropic', description: '', parameters: { temperature: 0.9 } });
  });
});

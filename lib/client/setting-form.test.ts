import { describe, expect, it } from 'vitest';
import { draftOf, isShown, optionsOf, sentence, settingFormSchema, type FormDefinition } from './setting-form';

const def = (d: Partial<FormDefinition> & Pick<FormDefinition, 'type'>): FormDefinition => ({ isSecret: false, ...d });
const submit = (d: FormDefinition, draft: unknown) => settingFormSchema(d).safeParse({ value: draft, lock: false });
const firstMessage = (d: FormDefinition, draft: unknown) => {
  const r = submit(d, draft);
  return r.success ? null : r.error.issues[0].message;
};

describe('setting forms', () => {
  it('turns values into drafts for their controls, never showing a secret', () => {
    expect(draftOf(def({ type: 'integer' }), 5)).toBe('5');
    expect(draftOf(def({ type: 'boolean' }), true)).toBe(true);
    expect(draftOf(def({ type: 'json' }), ['a'])).toBe('[\n  "a"\n]');
    expect(draftOf(def({ type: 'cidr-list' }), ['10.0.0.0/8', '::1/128'])).toBe('10.0.0.0/8\n::1/128');
    expect(draftOf(def({ type: 'multiselect' }), ['a'])).toEqual(['a']);
    expect(draftOf(def({ type: 'secret' }), '********')).toBe('');
    expect(draftOf(def({ type: 'url', isSecret: true }), '********')).toBe('');
    expect(draftOf(def({ type: 'string' }), null)).toBe('');
  });

  it('parses drafts back with the server schema: numbers, lists, JSON', () => {
    expect(submit(def({ type: 'integer', validation: { min: 1, max: 100 } }), '7')).toMatchObject({ success: true, data: { value: 7 } });
    expect(submit(def({ type: 'cidr-list' }), '10.0.0.0/8\n192.168.0.0/16')).toMatchObject({ data: { value: ['10.0.0.0/8', '192.168.0.0/16'] } });
    expect(submit(def({ type: 'json' }), '{"a": [1, 2]}')).toMatchObject({ data: { value: { a: [1, 2] } } });
    expect(submit(def({ type: 'enum', ui: { options: [{ value: 25, label: '25' }] } }), '25')).toMatchObject({ data: { value: 25 } });
  });

  it('reports what is wrong in one readable message', () => {
    expect(firstMessage(def({ type: 'integer', validation: { min: 1, max: 100 } }), '1000')).toBe('must be at most 100');
    expect(firstMessage(def({ type: 'integer' }), '')).toBe('must be a whole number');
    expect(firstMessage(def({ type: 'json' }), '{"a":')).toMatch(/^not valid JSON: /);
    expect(firstMessage(def({ type: 'json', validation: { itemType: 'string' } }), '["a", 2]')).toBe('[1] must be text');
    // a rule and the JSON schema objecting to the same item: said once
    const both = def({ type: 'json', validation: { itemType: 'string', jsonSchema: { type: 'array', items: { type: 'string' } } } });
    expect(firstMessage(both, '[1, "a", 2]')).toBe('[0] must be text; [2] must be text');
    expect(firstMessage(def({ type: 'cidr-list' }), '10.0.0.0/8\nnot-a-range')).toMatch(/^\[1\] must be a CIDR range/);
    expect(firstMessage(def({ type: 'secret' }), '')).toMatch(/enter the new value/);
    expect(sentence('must be at most 100')).toBe('Must be at most 100.');
  });

  it('lists options with their labels', () => {
    expect(optionsOf(def({ type: 'enum', validation: { enum: ['a', 'b'] }, ui: { options: [{ value: 'a', label: 'Alpha' }] } }))).toEqual([
      { value: 'a', label: 'Alpha' },
      { value: 'b', label: 'b' },
    ]);
  });

  it('shows a dependent setting only while the one it names has the given value', () => {
    const realm = def({ type: 'string', ui: { showWhen: { settingKey: 'authentication.provider.type', equals: 'Keycloak' } } });
    expect(isShown(realm, () => 'Keycloak')).toBe(true);
    expect(isShown(realm, () => 'Auth0')).toBe(false);
    expect(isShown(def({ type: 'string' }), () => undefined)).toBe(true);
  });
});

import { describe, it, expect } from 'vitest';
import { ZDefinition, type TDefinitionInput } from '@/lib/schemas/definition';
import { checkDefinitionRules, coerceValue, validateValue, valueSchemaFor } from './value-schema';
import type { ValidationResult } from './types';

const def = (d: Partial<TDefinitionInput>) =>
  ZDefinition.parse({ key: 'test.setting', label: 'Test', category: 'general', allowedLevels: ['global'], type: 'string', defaultValue: null, ...d });

const accepts = (r: ValidationResult) => {
  if (!r.ok) throw new Error(`expected ok, got ${JSON.stringify(r.issues)}`);
  return r.value;
};
const rejects = (r: ValidationResult) => {
  if (r.ok) throw new Error(`expected a rejection, got ok ${JSON.stringify(r.value)}`);
  return r.issues;
};

describe('types', () => {
  it('string / secret: text only', () => {
    expect(accepts(validateValue(def({ type: 'string' }), 'hello'))).toBe('hello');
    expect(rejects(validateValue(def({ type: 'string' }), 5))).toEqual([{ rule: 'type', message: 'must be text' }]);
    expect(accepts(validateValue(def({ type: 'secret' }), 's3cr3t'))).toBe('s3cr3t');
    expect(rejects(validateValue(def({ type: 'secret' }), { a: 1 }))[0].rule).toBe('type');
  });

  it('number: finite numbers', () => {
    const d = def({ type: 'number' });
    expect(accepts(validateValue(d, 2.5))).toBe(2.5);
    for (const bad of [Infinity, NaN, '', 'abc', null, true]) expect(rejects(validateValue(d, bad))[0].rule).toBe('type');
  });

  it('integer: whole numbers only', () => {
    const d = def({ type: 'integer' });
    expect(accepts(validateValue(d, -3))).toBe(-3);
    expect(rejects(validateValue(d, 2.5))).toEqual([{ rule: 'type', message: 'must be a whole number' }]);
    expect(rejects(validateValue(d, 2 ** 60))[0].rule).toBe('type');
  });

  it('boolean', () => {
    expect(accepts(validateValue(def({ type: 'boolean' }), false))).toBe(false);
    expect(rejects(validateValue(def({ type: 'boolean' }), 1))).toEqual([{ rule: 'type', message: 'must be true or false' }]);
  });

  it('json: any JSON value, nested at most 32 deep', () => {
    const d = def({ type: 'json' });
    for (const ok of [null, 1, 'x', true, [1, 'a'], { a: { b: [null] } }]) expect(accepts(validateValue(d, ok, { coerce: false }))).toEqual(ok);
    let deep: unknown = 1;
    for (let i = 0; i < 32; i++) deep = [deep];
    expect(validateValue(d, deep).ok).toBe(true);
    const tooDeep = rejects(validateValue(d, [deep]));
    expect(tooDeep[0]).toMatchObject({ rule: 'type', message: 'must not nest more than 32 levels deep' });
    expect(rejects(validateValue(d, { when: new Date() }))).toEqual([{ rule: 'type', message: 'must be a JSON value', path: 'when' }]);
    expect(rejects(validateValue(d, [1, undefined]))[0].path).toBe('[1]');
    expect(rejects(validateValue(d, { x: Infinity }))[0].message).toBe('must be a finite number');
  });

  it('json: refuses prototype keys at any depth', () => {
    const d = def({ type: 'json' });
    const issues = rejects(validateValue(d, JSON.parse('{"a":[{"b":{"__proto__":{"admin":true}}}]}')));
    expect(issues).toEqual([{ rule: 'type', message: 'must not use the reserved key "__proto__"', path: 'a[0].b.__proto__' }]);
    expect(rejects(validateValue(d, { constructor: 1 }))[0].path).toBe('constructor');
    expect(rejects(validateValue(d, '{"x":{"prototype":1}}'))[0].path).toBe('x.prototype');
  });

  it('enum: one of validation.enum, else ui.options', () => {
    const fromEnum = def({ type: 'enum', validation: { enum: ['light', 'dark', 'auto'] }, defaultValue: 'auto' });
    expect(accepts(validateValue(fromEnum, 'dark'))).toBe('dark');
    expect(rejects(validateValue(fromEnum, 'blue'))).toEqual([{ rule: 'enum', message: 'must be one of: light, dark, auto' }]);
    const fromOptions = def({ type: 'enum', ui: { options: [{ value: 10, label: 'Ten' }, { value: 25, label: '25' }] } });
    expect(accepts(validateValue(fromOptions, 25))).toBe(25);
    expect(rejects(validateValue(fromOptions, 11))[0].rule).toBe('enum');
  });

  it('multiselect: unique values from the allowed list', () => {
    const d = def({ type: 'multiselect', validation: { enum: ['jpeg', 'png', 'gif'] } });
    expect(accepts(validateValue(d, ['png', 'jpeg']))).toEqual(['png', 'jpeg']);
    expect(accepts(validateValue(d, []))).toEqual([]);
    expect(rejects(validateValue(d, ['png', 'bmp']))).toEqual([{ rule: 'enum', message: 'must be one of: jpeg, png, gif', path: '[1]' }]);
    expect(rejects(validateValue(d, ['png', 'gif', 'png']))).toEqual([{ rule: 'unique', message: 'repeats "png"', path: '[2]' }]);
    expect(rejects(validateValue(d, 'png'))).toEqual([{ rule: 'type', message: 'must be a list' }]);
  });

  it('url: absolute http(s) only', () => {
    const d = def({ type: 'url' });
    expect(accepts(validateValue(d, 'http://example.com/hook?x=1'))).toBe('http://example.com/hook?x=1');
    for (const bad of ['example.com', '/relative', 'ftp://example.com', 'javascript:alert(1)', 'https://', ' https://a.com', 'https://a b.com'])
      expect(rejects(validateValue(d, bad))[0], bad).toMatchObject({ rule: 'type' });
  });

  it('email', () => {
    const d = def({ type: 'email' });
    expect(accepts(validateValue(d, 'noreply@au.int'))).toBe('noreply@au.int');
    expect(rejects(validateValue(d, 'not-an-email'))).toEqual([{ rule: 'type', message: 'must be a valid email address, e.g. name@example.com' }]);
    expect(rejects(validateValue(d, 'a@b'))[0].rule).toBe('type');
  });

  it('duration: ISO 8601 or compact', () => {
    const d = def({ type: 'duration' });
    for (const ok of ['PT15M', 'P1DT2H', 'P2W', 'PT0.5S', '90s', '15m', '1h30m', '500ms', '2d', '0s', '1.5h'])
      expect(validateValue(d, ok).ok, ok).toBe(true);
    for (const bad of ['', 'P', 'PT', 'P1M', 'P1Y', 'pt15m', '15', '15 m', '30m1h', '1h1h', 'm', '1x', 90])
      expect(rejects(validateValue(d, bad))[0].rule, String(bad)).toBe('type');
  });

  it('cidr-list: IPv4 and IPv6 ranges with valid octets and prefixes', () => {
    const d = def({ type: 'cidr-list', defaultValue: [] });
    const good = ['10.0.0.0/8', '192.168.1.5/32', '0.0.0.0/0', '2001:db8::/32', '::/0', '::1/128', 'fe80::1:2:3:4/64', '::ffff:192.0.2.1/128', '1:2:3:4:5:6:7:8/64'];
    expect(accepts(validateValue(d, good))).toEqual(good);
    for (const bad of ['10.0.0.0', '256.0.0.0/8', '10.0.0/8', '10.0.0.0/33', '10.0.0.0/08', '010.0.0.0/8', '2001:db8::/129', '2001:db8:::/32', '1::2::3/64', '1:2:3:4:5:6:7:8:9/64', 'g::/16', '::ffff:999.0.2.1/128', 'x'])
      expect(rejects(validateValue(d, ['10.0.0.0/8', bad]))[0], bad).toMatchObject({ rule: 'type', path: '[1]' });
  });
});

describe('validation rules', () => {
  it('min / max on numbers name the bound', () => {
    const d = def({ type: 'integer', validation: { min: 1, max: 20 } });
    expect(accepts(validateValue(d, 1))).toBe(1);
    expect(accepts(validateValue(d, 20))).toBe(20);
    expect(rejects(validateValue(d, 0))).toEqual([{ rule: 'min', message: 'must be at least 1' }]);
    expect(rejects(validateValue(d, 21))).toEqual([{ rule: 'max', message: 'must be at most 20' }]);
    expect(rejects(validateValue(def({ type: 'number', validation: { min: 0.01 } }), 0))[0].message).toBe('must be at least 0.01');
  });

  it('min / max on durations are seconds', () => {
    const d = def({ type: 'duration', validation: { min: 60, max: 28_800 } });
    expect(validateValue(d, '1m').ok).toBe(true);
    expect(validateValue(d, 'PT8H').ok).toBe(true);
    expect(rejects(validateValue(d, '59s'))).toEqual([{ rule: 'min', message: 'must be at least 1m (60 seconds)' }]);
    expect(rejects(validateValue(d, 'PT8H1S'))).toEqual([{ rule: 'max', message: 'must be at most 8h (28800 seconds)' }]);
  });

  it('minLength / maxLength count characters of strings, secrets, urls and emails', () => {
    const d = def({ type: 'string', validation: { minLength: 3, maxLength: 5 } });
    expect(validateValue(d, 'abc').ok).toBe(true);
    expect(validateValue(d, '😀😀😀').ok).toBe(true);
    expect(rejects(validateValue(d, 'ab'))).toEqual([{ rule: 'minLength', message: 'must be at least 3 characters long' }]);
    expect(rejects(validateValue(d, 'abcdef'))).toEqual([{ rule: 'maxLength', message: 'must be at most 5 characters long' }]);
    expect(rejects(validateValue(def({ type: 'secret', validation: { minLength: 12 } }), 'short'))[0].rule).toBe('minLength');
    expect(rejects(validateValue(def({ type: 'url', validation: { maxLength: 15 } }), 'https://example.com'))[0].rule).toBe('maxLength');
    expect(rejects(validateValue(def({ type: 'email', validation: { maxLength: 5 } }), 'ab@cd.io'))[0].rule).toBe('maxLength');
  });

  it('minLength / maxLength count items of lists', () => {
    const ms = def({ type: 'multiselect', validation: { enum: ['a', 'b', 'c'], minLength: 1, maxLength: 2 } });
    expect(rejects(validateValue(ms, []))).toEqual([{ rule: 'minLength', message: 'must have at least 1 item' }]);
    expect(rejects(validateValue(ms, ['a', 'b', 'c']))).toEqual([{ rule: 'maxLength', message: 'must have at most 2 items' }]);
    expect(rejects(validateValue(def({ type: 'cidr-list', validation: { maxLength: 1 } }), ['10.0.0.0/8', '10.1.0.0/16']))[0].rule).toBe('maxLength');
    expect(rejects(validateValue(def({ type: 'json', validation: { minLength: 2 } }), [1]))[0].rule).toBe('minLength');
  });

  it('pattern applies to strings and to each string item', () => {
    const d = def({ type: 'string', validation: { pattern: '^[a-z]+$' } });
    expect(validateValue(d, 'abc').ok).toBe(true);
    expect(rejects(validateValue(d, 'Abc'))).toEqual([{ rule: 'pattern', message: 'must match the pattern ^[a-z]+$' }]);
    const list = def({ type: 'json', validation: { pattern: '^[a-z]+$' } });
    expect(validateValue(list, ['ok', 1]).ok).toBe(true);
    expect(rejects(validateValue(list, ['ok', 'NO']))).toEqual([{ rule: 'pattern', message: 'must match the pattern ^[a-z]+$', path: '[1]' }]);
    const cidrs = def({ type: 'cidr-list', validation: { pattern: '^10\\.' } });
    expect(rejects(validateValue(cidrs, ['10.0.0.0/8', '192.168.0.0/16']))[0]).toMatchObject({ rule: 'pattern', path: '[1]' });
  });

  it('a broken pattern rejects with a clear message instead of throwing', () => {
    const d = def({ type: 'string', validation: { pattern: '([a-z' } });
    expect(() => valueSchemaFor(d)).not.toThrow();
    expect(rejects(validateValue(d, 'abc'))).toEqual([
      { rule: 'pattern', message: "cannot be checked: the setting's pattern is not a valid regular expression" },
    ]);
  });

  it('enum on a plain string setting', () => {
    const d = def({ type: 'string', validation: { enum: ['eu', 'us'] } });
    expect(validateValue(d, 'eu').ok).toBe(true);
    expect(rejects(validateValue(d, 'asia'))[0]).toEqual({ rule: 'enum', message: 'must be one of: eu, us' });
  });

  it('httpsOnly on urls and url items', () => {
    const d = def({ type: 'url', validation: { httpsOnly: true } });
    expect(validateValue(d, 'https://hooks.example.com/x').ok).toBe(true);
    expect(rejects(validateValue(d, 'http://hooks.example.com/x'))).toEqual([{ rule: 'httpsOnly', message: 'must be an https URL' }]);
    const list = def({ type: 'json', validation: { itemType: 'url', httpsOnly: true } });
    expect(validateValue(list, ['https://a.example.com']).ok).toBe(true);
    expect(rejects(validateValue(list, ['https://a.example.com', 'http://b.example.com']))).toEqual([
      { rule: 'httpsOnly', message: 'must be an https URL', path: '[1]' },
    ]);
    expect(rejects(validateValue(list, ['not a url']))[0]).toMatchObject({ rule: 'itemType', path: '[0]' });
  });

  it('ascending: numeric lists strictly ascending (alert levels)', () => {
    const d = def({ type: 'json', validation: { ascending: true, itemType: 'number', min: 0, max: 100 } });
    expect(validateValue(d, [50, 75, 90]).ok).toBe(true);
    expect(rejects(validateValue(d, [50, 90, 75]))).toEqual([
      { rule: 'ascending', message: 'must be in ascending order, each value greater than the one before' },
    ]);
    expect(rejects(validateValue(d, [50, 50]))[0].rule).toBe('ascending');
    expect(rejects(validateValue(d, [50, 120]))).toEqual([{ rule: 'max', message: 'must be at most 100', path: '[1]' }]);
  });

  it('itemType on json arrays and multiselect', () => {
    const cases: [string, unknown, unknown][] = [
      ['string', 'a', 1],
      ['number', 1.5, '1.5'],
      ['integer', 2, 2.5],
      ['boolean', true, 'true'],
      ['url', 'https://x.example', 'x.example'],
      ['email', 'a@example.com', 'a@'],
    ];
    for (const [itemType, good, bad] of cases) {
      const d = def({ type: 'json', validation: { itemType: itemType as 'string' } });
      expect(validateValue(d, [good]).ok, itemType).toBe(true);
      expect(rejects(validateValue(d, [good, bad]))[0], itemType).toMatchObject({ rule: 'itemType', path: '[1]' });
    }
    const ms = def({ type: 'multiselect', validation: { enum: [1, 2, 'x'], itemType: 'integer' } });
    expect(validateValue(ms, [1, 2]).ok).toBe(true);
    expect(rejects(validateValue(ms, [1, 'x']))[0]).toMatchObject({ rule: 'itemType', path: '[1]' });
  });

  it('jsonSchema', () => {
    const d = def({
      type: 'json',
      defaultValue: {},
      validation: {
        jsonSchema: {
          type: 'object',
          required: ['provider'],
          additionalProperties: false,
          properties: {
            provider: { type: 'string', enum: ['openai', 'anthropic'] },
            temperature: { type: 'number', minimum: 0, maximum: 2 },
            tags: { type: 'array', items: { type: 'string', minLength: 2, maxLength: 8, pattern: '^[a-z]+$' }, minItems: 1, maxItems: 3 },
            fallback: { type: ['string', 'null'] },
          },
        },
      },
    });
    expect(validateValue(d, { provider: 'openai', temperature: 0.7, tags: ['fast'], fallback: null }).ok).toBe(true);
    const issues = rejects(
      validateValue(d, { temperature: 3, tags: ['a', 'UPPER', 'toolongvalue', 'x1'], fallback: 1, extra: true }),
    );
    expect(issues.map((i) => [i.path, i.message])).toEqual([
      ['provider', 'is required'],
      ['temperature', 'must be at most 2'],
      ['tags', 'must have at most 3 items'],
      ['tags[0]', 'must be at least 2 characters long'],
      ['tags[1]', 'must match the pattern ^[a-z]+$'],
      ['tags[2]', 'must be at most 8 characters long'],
      ['tags[3]', 'must match the pattern ^[a-z]+$'],
      ['fallback', 'must be of type string or null'],
      ['extra', 'is not allowed'],
    ]);
    expect(issues.every((i) => i.rule === 'jsonSchema')).toBe(true);
    expect(rejects(validateValue(d, { provider: 'x', tags: [] })).map((i) => i.message)).toEqual([
      'must be one of: "openai", "anthropic"',
      'must have at least 1 item',
    ]);
    expect(rejects(validateValue(d, [1]))[0]).toEqual({ rule: 'jsonSchema', message: 'must be of type object' });
  });

  it('showWhen is display data only: it never changes what is valid', () => {
    const d = def({ type: 'integer', validation: { min: 1 }, ui: { showWhen: { settingKey: 'auth.mfa_enabled', equals: true } } });
    expect(validateValue(d, 3).ok).toBe(true);
    expect(rejects(validateValue(d, 0))[0].rule).toBe('min');
  });
});

describe('coercion', () => {
  it('converts unambiguous number strings', () => {
    const n = def({ type: 'number' });
    expect(coerceValue(n, '5')).toBe(5);
    expect(coerceValue(n, ' -2.5 ')).toBe(-2.5);
    expect(coerceValue(n, '1e3')).toBe(1000);
    expect(coerceValue(n, '.5')).toBe(0.5);
    for (const s of ['', ' ', 'abc', '5abc', '0x10', '0b1', 'Infinity', '1e999', '1,5', '--1']) expect(coerceValue(n, s), s).toBe(s);
    expect(coerceValue(def({ type: 'integer' }), '42')).toBe(42);
    expect(rejects(validateValue(def({ type: 'integer' }), '4.5'))[0].rule).toBe('type');
  });

  it('converts "true"/"false" only', () => {
    const b = def({ type: 'boolean' });
    expect(coerceValue(b, 'true')).toBe(true);
    expect(coerceValue(b, ' FALSE ')).toBe(false);
    for (const s of ['1', '0', 'yes', 'on', '']) expect(coerceValue(b, s)).toBe(s);
  });

  it('parses JSON arrays/objects for list and json settings; cidr-list also takes comma lists', () => {
    const ms = def({ type: 'multiselect', validation: { enum: ['jpeg', 'png'] } });
    expect(accepts(validateValue(ms, '["jpeg","png"]'))).toEqual(['jpeg', 'png']);
    expect(coerceValue(def({ type: 'json' }), ' {"a":1} ')).toEqual({ a: 1 });
    expect(coerceValue(def({ type: 'json' }), '[1,')).toBe('[1,');
    expect(coerceValue(def({ type: 'json' }), '5')).toBe('5');
    const cidr = def({ type: 'cidr-list' });
    expect(coerceValue(cidr, '10.0.0.0/8, 192.168.0.0/16\n::1/128')).toEqual(['10.0.0.0/8', '192.168.0.0/16', '::1/128']);
    expect(coerceValue(cidr, '["10.0.0.0/8"]')).toEqual(['10.0.0.0/8']);
    expect(coerceValue(cidr, '')).toEqual([]);
  });

  it('numeric enum options accept their string form', () => {
    const d = def({ type: 'enum', ui: { options: [{ value: 25, label: '25' }, { value: 50, label: '50' }] } });
    expect(accepts(validateValue(d, '25'))).toBe(25);
    expect(rejects(validateValue(d, '30'))[0].rule).toBe('enum');
  });

  it('leaves other types and non-strings alone; coerce: false skips it', () => {
    expect(coerceValue(def({ type: 'string' }), '5')).toBe('5');
    expect(coerceValue(def({ type: 'number' }), 5)).toBe(5);
    expect(rejects(validateValue(def({ type: 'number' }), '5', { coerce: false }))[0].rule).toBe('type');
  });
});

describe('checkDefinitionRules', () => {
  it('accepts a sound definition', () => {
    expect(checkDefinitionRules(def({ type: 'integer', defaultValue: 5, validation: { min: 1, max: 20, rules: ['gte:test.other'] } }))).toEqual([]);
  });

  it('reports a pattern that does not compile', () => {
    expect(checkDefinitionRules(def({ defaultValue: 'x', validation: { pattern: '(' } }))).toEqual([
      expect.objectContaining({ path: 'validation.pattern', rule: 'pattern' }),
    ]);
  });

  it('reports min > max and minLength > maxLength', () => {
    const issues = checkDefinitionRules(def({ type: 'string', defaultValue: 'x', validation: { minLength: 5, maxLength: 2, min: 3, max: 1 } }));
    expect(issues.map((i) => i.path)).toEqual(['validation.min', 'validation.minLength']);
  });

  it('requires allowed values for enum and multiselect', () => {
    expect(checkDefinitionRules(def({ type: 'enum', defaultValue: 'a' }))[0]).toMatchObject({ path: 'validation.enum', rule: 'enum' });
    expect(checkDefinitionRules(def({ type: 'multiselect', defaultValue: [], ui: { options: [{ value: 'a', label: 'A' }] } }))).toEqual([]);
  });

  it('reports a default value its own rules refuse', () => {
    expect(checkDefinitionRules(def({ type: 'integer', defaultValue: 0, validation: { min: 1 } }))).toEqual([
      { path: 'defaultValue', rule: 'min', message: 'must be at least 1' },
    ]);
    expect(checkDefinitionRules(def({ type: 'json', defaultValue: [1, 'x'], validation: { itemType: 'number' } }))[0].path).toBe('defaultValue[1]');
    // defaults are not coerced: "5" is not a number default
    expect(checkDefinitionRules(def({ type: 'number', defaultValue: '5' }))[0].rule).toBe('type');
  });

  it('lets a secret default to the empty string', () => {
    expect(checkDefinitionRules(def({ type: 'secret', defaultValue: '', validation: { minLength: 12 } }))).toEqual([]);
    expect(checkDefinitionRules(def({ type: 'string', isSecret: true, defaultValue: '', validation: { minLength: 12 } }))).toEqual([]);
    expect(checkDefinitionRules(def({ type: 'secret', defaultValue: 'short', validation: { minLength: 12 } }))[0].rule).toBe('minLength');
  });

  it('reports unsupported or broken jsonSchema parts', () => {
    const issues = checkDefinitionRules(
      def({ type: 'json', defaultValue: {}, validation: { jsonSchema: { type: 'object', properties: { a: { oneOf: [] }, b: { pattern: '[' } }, title: 'ok' } } }),
    );
    expect(issues.map((i) => i.path)).toEqual(['validation.jsonSchema.properties.a.oneOf', 'validation.jsonSchema.properties.b.pattern']);
  });

  it('reports unknown cross-field rules and empty allowed levels', () => {
    const d = { ...def({ type: 'integer', defaultValue: 1, validation: { rules: ['noSuchRule', 'gte:', 'gte:test.other'] } }), allowedLevels: [] };
    expect(checkDefinitionRules(d).map((i) => [i.path, i.rule])).toEqual([
      ['validation.rules', 'noSuchRule'],
      ['validation.rules', 'gte:'],
      ['allowedLevels', 'allowedLevels'],
    ]);
  });
});

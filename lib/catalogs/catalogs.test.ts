import { describe, expect, it } from 'vitest';
import { ZCategory, ZDefinition, ZLevelKey, type Catalog, type TDefinition } from '@/lib/schemas/definition';
import { isCidr } from '@/lib/engine/cidr';
import { checkJsonSchema, compileRegExp, jsonSchemaProblems } from '@/lib/engine/json-schema';
import { conflictingKey, FORBIDDEN_KEYS } from '@/lib/engine/document';
import { validateValue } from '@/lib/engine/value-schema';
import { checkCrossFieldRules, unknownRuleNames } from '@/lib/engine/cross-field';
import { flagRuleProblems } from '@/lib/engine/flags';
import { ZCreateFlag } from '@/lib/schemas/flags';
import { CATALOGS, catalogNames, getCatalog } from './index';

const BUILT_IN_LEVELS = ['global', 'tenant', 'event', 'user'];
const RULE = /^(gte|gt|lte|lt):(.+)$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const NUMERIC_TYPES = new Set(['integer', 'number']);

/** Basic type / validation checks of a value against a definition (the full validator lives in lib/engine). */
function valueProblems(def: TDefinition, value: unknown): string[] {
  const out: string[] = [];
  const v = def.validation ?? {};
  const checkString = (s: string) => {
    const length = [...s].length;
    if (v.minLength !== undefined && length < v.minLength) out.push(`shorter than ${v.minLength}`);
    if (v.maxLength !== undefined && length > v.maxLength) out.push(`longer than ${v.maxLength}`);
    if (v.pattern !== undefined) {
      const re = compileRegExp(v.pattern);
      if (re instanceof Error) out.push(`bad pattern ${v.pattern}`);
      else if (!re.test(s)) out.push(`${JSON.stringify(s)} does not match ${v.pattern}`);
    }
  };
  const checkNumber = (n: number) => {
    if (v.min !== undefined && n < v.min) out.push(`${n} < min ${v.min}`);
    if (v.max !== undefined && n > v.max) out.push(`${n} > max ${v.max}`);
  };
  const checkItem = (item: unknown) => {
    switch (v.itemType) {
      case undefined:
        return;
      case 'integer':
        if (!Number.isInteger(item)) out.push(`item ${JSON.stringify(item)} is not an integer`);
        return;
      case 'url':
      case 'email':
        if (typeof item !== 'string') out.push(`item ${JSON.stringify(item)} is not a string`);
        return;
      default:
        if (typeof item !== v.itemType) out.push(`item ${JSON.stringify(item)} is not a ${v.itemType}`);
    }
  };

  switch (def.type) {
    case 'string':
    case 'secret':
      if (typeof value !== 'string') return [`not a string: ${JSON.stringify(value)}`];
      checkString(value);
      if (def.type === 'string' && v.enum && !v.enum.includes(value)) out.push(`${value} not in enum`);
      break;
    case 'url': {
      if (typeof value !== 'string') return [`not a string: ${JSON.stringify(value)}`];
      // Only a secret may default to "" (not configured yet).
      if (value === '' && def.isSecret) break;
      checkString(value);
      let url: URL | null = null;
      try {
        url = new URL(value);
      } catch {
        out.push(`not a URL: ${JSON.stringify(value)}`);
      }
      if (url && url.protocol !== 'https:' && url.protocol !== 'http:') out.push(`not http(s): ${value}`);
      if (url && v.httpsOnly && url.protocol !== 'https:') out.push(`not https: ${value}`);
      break;
    }
    case 'email':
      if (typeof value !== 'string') return [`not a string: ${JSON.stringify(value)}`];
      checkString(value);
      if (!EMAIL.test(value)) out.push(`not an e-mail address: ${JSON.stringify(value)}`);
      break;
    case 'integer':
      if (!Number.isInteger(value)) return [`not an integer: ${JSON.stringify(value)}`];
      checkNumber(value as number);
      if (v.enum && !v.enum.includes(value as number)) out.push(`${value} not in enum`);
      break;
    case 'number':
      if (typeof value !== 'number' || !Number.isFinite(value)) return [`not a number: ${JSON.stringify(value)}`];
      checkNumber(value);
      break;
    case 'boolean':
      if (typeof value !== 'boolean') return [`not a boolean: ${JSON.stringify(value)}`];
      break;
    case 'enum':
      if (typeof value !== 'string' && typeof value !== 'number') return [`not a string or number: ${JSON.stringify(value)}`];
      if (!v.enum?.length) out.push('enum without validation.enum');
      else if (!v.enum.includes(value)) out.push(`${value} not in ${v.enum.join('|')}`);
      break;
    case 'multiselect':
      if (!Array.isArray(value)) return [`not a list: ${JSON.stringify(value)}`];
      if (!v.enum?.length) out.push('multiselect without validation.enum');
      for (const item of value) {
        checkItem(item);
        if (v.enum && !v.enum.includes(item as string)) out.push(`${item} not in ${v.enum.join('|')}`);
      }
      if (new Set(value).size !== value.length) out.push('duplicate items');
      break;
    case 'cidr-list':
      if (!Array.isArray(value)) return [`not a list: ${JSON.stringify(value)}`];
      for (const item of value) if (typeof item !== 'string' || !isCidr(item)) out.push(`not CIDR: ${JSON.stringify(item)}`);
      break;
    case 'duration':
      if (typeof value !== 'string') return [`not a duration string: ${JSON.stringify(value)}`];
      break;
    case 'json':
      if (value === undefined) return ['json default is undefined'];
      if (v.itemType !== undefined || v.ascending) {
        if (!Array.isArray(value)) return [`not a list: ${JSON.stringify(value)}`];
        value.forEach(checkItem);
        if (v.ascending)
          for (let i = 1; i < value.length; i++)
            if (!((value[i] as number) > (value[i - 1] as number))) out.push(`not ascending at [${i}]`);
      }
      if (v.jsonSchema) for (const issue of checkJsonSchema(v.jsonSchema, value)) out.push(`${issue.path.join('.')} ${issue.message}`);
      break;
  }
  return out;
}

function ruleParts(rule: string): { op: string; key: string } | null {
  const m = RULE.exec(rule);
  return m ? { op: m[1], key: m[2] } : null;
}

function compare(op: string, a: number, b: number): boolean {
  return op === 'gte' ? a >= b : op === 'gt' ? a > b : op === 'lte' ? a <= b : a < b;
}

describe('catalog index', () => {
  it('lists the five example catalogs by name', () => {
    expect(catalogNames().sort()).toEqual(['accreditation', 'ai-platform', 'groundup', 'iron-control-panel', 'kidney-genetics']);
    for (const name of catalogNames()) {
      expect(getCatalog(name)).toBe(CATALOGS[name]);
      expect(CATALOGS[name].name).toBe(name);
    }
    expect(getCatalog('nope')).toBeUndefined();
    expect(getCatalog('toString')).toBeUndefined();
  });
});

describe.each(Object.values(CATALOGS).map((c) => [c.name, c] as [string, Catalog]))('catalog %s', (_name, catalog) => {
  const defs = catalog.definitions.map((d) => ZDefinition.parse(d));
  const byKey = new Map(defs.map((d) => [d.key, d]));
  const levels = new Set([...BUILT_IN_LEVELS, ...(catalog.levels ?? []).map((l) => l.key)]);
  const categoryKeys = catalog.categories.map((c) => c.key);

  it('has a title, a description and at least one category and definition', () => {
    expect(catalog.title.length).toBeGreaterThan(0);
    expect(catalog.description.length).toBeGreaterThan(0);
    expect(catalog.categories.length).toBeGreaterThan(0);
    expect(catalog.definitions.length).toBeGreaterThan(0);
  });

  it('declares valid custom levels under known parents', () => {
    for (const level of catalog.levels ?? []) {
      expect(ZLevelKey.safeParse(level.key).success, level.key).toBe(true);
      expect(BUILT_IN_LEVELS, level.key).not.toContain(level.key);
      expect(levels.has(level.parentKey), `${level.key} → ${level.parentKey}`).toBe(true);
      expect(level.label.length).toBeGreaterThan(0);
    }
  });

  it('has categories that parse, with unique keys, each holding at least one definition', () => {
    for (const c of catalog.categories) {
      const r = ZCategory.safeParse(c);
      expect(r.success, `${c.key}: ${r.error?.message}`).toBe(true);
    }
    expect(new Set(categoryKeys).size).toBe(categoryKeys.length);
    for (const key of categoryKeys) expect(defs.some((d) => d.category === key), `empty category ${key}`).toBe(true);
  });

  it('has definitions that parse with ZDefinition, all from the seed, with unique keys', () => {
    for (const d of catalog.definitions) {
      const r = ZDefinition.safeParse(d);
      expect(r.success, `${d.key}: ${r.error?.message}`).toBe(true);
      expect(d.source, d.key).toBe('seed');
      expect(d.description?.length ?? 0, `${d.key} has no description`).toBeGreaterThan(0);
    }
    const keys = defs.map((d) => d.key);
    const dupes = keys.filter((k, i) => keys.indexOf(k) !== i);
    expect(dupes).toEqual([]);
  });

  it('puts every definition in a declared category and at declared levels', () => {
    for (const d of defs) {
      expect(categoryKeys, d.key).toContain(d.category);
      expect(new Set(d.allowedLevels).size, `${d.key} repeats a level`).toBe(d.allowedLevels.length);
      for (const level of d.allowedLevels) expect(levels.has(level), `${d.key}: level ${level}`).toBe(true);
    }
  });

  it('marks secrets consistently', () => {
    for (const d of defs) if (d.type === 'secret') expect(d.isSecret, d.key).toBe(true);
  });

  it('only references keys that exist (showWhen, dependsOn, cross-field rules)', () => {
    for (const d of defs) {
      const showWhen = d.ui?.showWhen;
      if (showWhen) {
        const target = byKey.get(showWhen.settingKey);
        expect(target, `${d.key} showWhen ${showWhen.settingKey}`).toBeDefined();
        expect(showWhen.settingKey).not.toBe(d.key);
        expect(valueProblems(target!, showWhen.equals), `${d.key} showWhen value`).toEqual([]);
      }
      for (const dep of d.dependsOn ?? []) {
        expect(byKey.has(dep), `${d.key} dependsOn ${dep}`).toBe(true);
        expect(dep).not.toBe(d.key);
      }
      expect(unknownRuleNames(d, (k) => byKey.has(k)), `${d.key}: unknown rules`).toEqual([]);
      for (const rule of d.validation?.rules ?? []) {
        const parts = ruleParts(rule);
        // a rule about the setting's own value (e.g. "schedule"): checked by the engine, names no other key
        if (!parts) continue;
        const other = byKey.get(parts!.key);
        expect(other, `${d.key}: rule ${rule} names a missing key`).toBeDefined();
        expect(NUMERIC_TYPES.has(d.type), `${d.key}: rule on a non-numeric setting`).toBe(true);
        expect(NUMERIC_TYPES.has(other!.type), `${d.key}: rule against a non-numeric setting`).toBe(true);
      }
    }
  });

  it('has default values of the declared type that pass their own validation', () => {
    const problems: string[] = [];
    for (const d of defs) for (const p of valueProblems(d, d.defaultValue)) problems.push(`${d.key}: ${p}`);
    expect(problems).toEqual([]);
  });

  it('has default values the engine validator accepts unchanged (a secret may default to "")', () => {
    const problems: string[] = [];
    for (const d of defs) {
      if (d.isSecret && d.defaultValue === '') continue;
      const result = validateValue(d, d.defaultValue);
      if (!result.ok) for (const i of result.issues) problems.push(`${d.key}${i.path ? ` ${i.path}` : ''}: ${i.rule} ${i.message}`);
      else expect(result.value, d.key).toEqual(d.defaultValue);
    }
    expect(problems).toEqual([]);
  });

  it('has keys that can live in a nested document (no key nests under another, no reserved segments)', () => {
    const keys = defs.map((d) => d.key);
    for (const [i, key] of keys.entries()) {
      expect(conflictingKey(key, keys.slice(i + 1)), key).toBeNull();
      for (const segment of key.split('.')) expect(FORBIDDEN_KEYS.has(segment), key).toBe(false);
    }
  });

  it('has defaults that satisfy the cross-field rules together', () => {
    for (const d of defs)
      for (const rule of d.validation?.rules ?? []) {
        const parts = ruleParts(rule);
        if (parts) expect(compare(parts.op, d.defaultValue as number, byKey.get(parts.key)!.defaultValue as number), `${d.key} ${rule}`).toBe(true);
      }
    const defaults = new Map(defs.map((d) => [d.key, d.defaultValue]));
    expect(checkCrossFieldRules(defs, [...defaults.keys()], (k) => defaults.get(k))).toEqual([]);
  });

  it('has feature flags that a POST /flags would accept, with unique keys', () => {
    const flags = catalog.flags ?? [];
    for (const f of flags) {
      const parsed = ZCreateFlag.safeParse(f);
      expect(parsed.success, `${f.key}: ${parsed.error?.message}`).toBe(true);
      expect(flagRuleProblems({ key: f.key, dependsOnFlag: null, variants: null })).toEqual([]);
    }
    expect(new Set(flags.map((f) => f.key)).size).toBe(flags.length);
  });

  it('has well-formed validation: valid patterns and JSON schemas, options matching enums', () => {
    for (const d of defs) {
      const v = d.validation;
      if (v?.pattern) expect(compileRegExp(v.pattern), d.key).toBeInstanceOf(RegExp);
      if (v?.jsonSchema) expect(jsonSchemaProblems(v.jsonSchema), d.key).toEqual([]);
      if (v?.min !== undefined && v.max !== undefined) expect(v.min, d.key).toBeLessThanOrEqual(v.max);
      if ((d.type === 'enum' || d.type === 'multiselect') && d.ui?.options)
        expect(d.ui.options.map((o) => o.value).sort(), d.key).toEqual([...(v?.enum ?? [])].sort());
      if (d.type === 'enum' || d.type === 'multiselect') expect(v?.enum?.length ?? 0, d.key).toBeGreaterThan(0);
    }
  });
});

describe('keys other parts of Switchboard rely on', () => {
  const def = (catalog: string, key: string) => {
    const d = getCatalog(catalog)?.definitions.find((x) => x.key === key);
    expect(d, `${catalog}: ${key}`).toBeDefined();
    return ZDefinition.parse(d);
  };

  it('accreditation: security and communication keys the web app and tests use', () => {
    expect(def('accreditation', 'catering.bufferPercentage')).toMatchObject({
      type: 'number',
      defaultValue: 10,
      allowedLevels: ['global', 'tenant', 'event'],
    });
    expect(def('accreditation', 'auth.maxLoginAttempts')).toMatchObject({ type: 'integer', defaultValue: 5, validation: { min: 1 } });
    expect(def('accreditation', 'auth.requireTwoFactor')).toMatchObject({ type: 'boolean', defaultValue: false });
    expect(def('accreditation', 'upload.allowedImageTypes').defaultValue).toEqual(['jpeg', 'jpg', 'png', 'webp']);
    expect(def('accreditation', 'email.senderAddress').type).toBe('email');
    for (const key of ['auth.sessionExpirationDays', 'auth.inactivityTimeoutMinutes', 'auth.lockoutDurationMinutes'])
      expect(def('accreditation', key).type).toBe('integer');
    expect(def('accreditation', 'sms.providerApiKey')).toMatchObject({ type: 'secret', isSecret: true });
  });

  it('accreditation: the preference keys of §5.1.4 are settable at the user level', () => {
    const prefs = [
      'ui.theme', 'ui.language', 'ui.timezone', 'ui.dateFormat', 'ui.defaultPageSize', 'ui.sidebarCollapsed',
      'notifications.emailEnabled', 'notifications.smsEnabled', 'notifications.pushEnabled', 'notifications.digestMode',
      'notifications.quietHoursStart', 'notifications.quietHoursEnd', 'workflow.autoRefresh', 'workflow.soundOnNew',
    ];
    for (const key of prefs) expect(def('accreditation', key).allowedLevels, key).toEqual(['global', 'tenant', 'user']);
    const userKeys = getCatalog('accreditation')!.definitions.filter((d) => d.allowedLevels.includes('user')).map((d) => d.key);
    expect(userKeys.sort()).toEqual([...prefs].sort());
    expect(def('accreditation', 'ui.theme').validation?.enum).toEqual(['light', 'dark', 'system']);
  });

  it('iron-control-panel: project level, cross-field rules, HTTPS webhooks, CIDR lists', () => {
    expect(getCatalog('iron-control-panel')!.levels).toEqual([{ key: 'project', label: 'Project', parentKey: 'global' }]);
    expect(def('iron-control-panel', 'operational.max_agents_per_project').validation?.rules).toEqual(['gte:operational.max_agents_per_user']);
    expect(def('iron-control-panel', 'operational.budget_alert_levels')).toMatchObject({
      type: 'json',
      defaultValue: [50, 80, 95],
      validation: { itemType: 'number', ascending: true },
    });
    expect(def('iron-control-panel', 'operational.default_agent_budget').validation?.min).toBe(0.01);
    expect(def('iron-control-panel', 'notifications.webhook_url').validation?.httpsOnly).toBe(true);
    expect(def('iron-control-panel', 'security.allowed_ip_ranges').type).toBe('cidr-list');
    expect(getCatalog('iron-control-panel')!.categories.find((c) => c.key === 'security')?.security).toBe(true);
    expect(def('iron-control-panel', 'display.theme').allowedLevels).toEqual(['global', 'project', 'user']);
  });

  it("accreditation: seed 003 Appendix B's feature flags with their defaults and types", () => {
    const flags = Object.fromEntries(getCatalog('accreditation')!.flags!.map((f) => [f.key, f]));
    expect(Object.keys(flags)).toHaveLength(16);
    expect(flags['feature.bilateralScheduler']).toMatchObject({ enabled: false, flagType: 'tenant_targeted' });
    expect(flags['feature.cateringModule']).toMatchObject({ enabled: true, flagType: 'boolean' });
    expect(flags['feature.newDashboard']).toMatchObject({ enabled: false, flagType: 'percentage', rolloutPercentage: 0 });
    expect(Object.values(flags).filter((f) => f.enabled).map((f) => f.key)).toEqual(['feature.cateringModule', 'feature.transportModule', 'feature.kioskMode', 'feature.bulkOperations']);
  });

  it('kidney-genetics: restart-required and sensitive flags', () => {
    expect(def('kidney-genetics', 'security.jwt_secret_key')).toMatchObject({ isSecret: true, requiresRestart: true });
    expect(def('kidney-genetics', 'cache.max_memory_size').requiresRestart).toBe(true);
    expect(def('kidney-genetics', 'cache.default_ttl').requiresRestart).toBe(false);
  });

  it('groundup: conditional Keycloak fields', () => {
    expect(def('groundup', 'authentication.provider.keycloak.realm').ui?.showWhen).toEqual({
      settingKey: 'authentication.provider.type',
      equals: 'Keycloak',
    });
    expect(def('groundup', 'authentication.provider.keycloak.clientsecret')).toMatchObject({ type: 'secret', isSecret: true });
  });

  it('ai-platform: provider API keys are secrets; backups follow backup.retentionDays / backup.maxCount', () => {
    for (const p of ['openai', 'anthropic', 'google', 'azure'])
      expect(def('ai-platform', `model.providers.${p}.apiKey`)).toMatchObject({ type: 'secret', isSecret: true });
    expect(def('ai-platform', 'backup.retentionDays').type).toBe('integer');
    expect(def('ai-platform', 'backup.maxCount').type).toBe('integer');
  });
});

/**
 * Value validation: a zod schema per definition that enforces the value's type and every
 * validation rule that applies to it, with messages a tenant admin can act on.
 * Each failed rule is reported as a zod custom issue carrying `params.rule`, which
 * `validateValue` turns into a ValidationIssue; a failed base type is rule "type".
 */
import { z } from 'zod';
import type { TDefinition, TValidation } from '@/lib/schemas/definition';
import type { ValidationIssue, ValidationResult } from './types';
import { parseDuration, formatDuration } from './duration';
import { isCidr } from './cidr';
import { characterCount, checkJsonSchema, plural, compileRegExp, jsonSchemaProblems, type JsonPath } from './json-schema';
import { FORBIDDEN_KEYS } from './document';
import { unknownRuleNames } from './cross-field';
import { isSecret } from './secrecy';

type ValueDefinition = Pick<TDefinition, 'type' | 'validation' | 'ui'>;
type ItemType = NonNullable<TValidation['itemType']>;
interface Issue {
  rule: string;
  message: string;
  path: JsonPath;
}
/** Checks one (already type-checked) value and appends what is wrong with it to `out`. */
type Check<T = unknown> = (value: T, path: JsonPath, out: Issue[]) => void;

export const MAX_JSON_DEPTH = 32;

const noCheck: Check = () => {};

/** Runs `next` only when `first` found nothing, so a malformed value is not also reported for its length etc. */
const then =
  <T>(first: Check<T>, next: Check<T>): Check<T> =>
  (value, path, out) => {
    const before = out.length;
    first(value, path, out);
    if (out.length === before) next(value, path, out);
  };

/** The allowed values of an enum / multiselect setting: validation.enum, else the ui options. */
export function allowedValues(def: Pick<TDefinition, 'validation' | 'ui'>): (string | number)[] {
  return def.validation?.enum?.length ? def.validation.enum : (def.ui?.options ?? []).map((o) => o.value);
}

function oneOf(allowed: readonly (string | number)[]): Check {
  const message = allowed.length
    ? `must be one of: ${allowed.join(', ')}`
    : 'cannot be set: the setting lists no allowed values';
  return (value, path, out) => {
    if (!allowed.some((a) => a === value)) out.push({ rule: 'enum', message, path });
  };
}

function textRules(v: TValidation): Check<string> {
  const re = v.pattern === undefined ? undefined : compileRegExp(v.pattern);
  return (text, path, out) => {
    if (v.minLength !== undefined || v.maxLength !== undefined) {
      const n = characterCount(text);
      if (v.minLength !== undefined && n < v.minLength)
        out.push({ rule: 'minLength', message: `must be at least ${plural(v.minLength, 'character')} long`, path });
      if (v.maxLength !== undefined && n > v.maxLength)
        out.push({ rule: 'maxLength', message: `must be at most ${plural(v.maxLength, 'character')} long`, path });
    }
    // A broken pattern rejects rather than lets everything through; checkDefinitionRules reports it up front.
    if (re instanceof Error)
      out.push({ rule: 'pattern', message: "cannot be checked: the setting's pattern is not a valid regular expression", path });
    else if (re && !re.test(text)) out.push({ rule: 'pattern', message: `must match the pattern ${v.pattern}`, path });
  };
}

function numberRules(v: TValidation): Check<number> {
  return (n, path, out) => {
    if (v.min !== undefined && n < v.min) out.push({ rule: 'min', message: `must be at least ${v.min}`, path });
    if (v.max !== undefined && n > v.max) out.push({ rule: 'max', message: `must be at most ${v.max}`, path });
  };
}

function urlFormat(httpsOnly: boolean | undefined, rule: string): Check<string> {
  return (text, path, out) => {
    let url: URL | undefined;
    try {
      // The URL parser silently trims whitespace; a stored URL must not contain any.
      if (!/\s/.test(text)) url = new URL(text);
    } catch {}
    if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:') || !url.hostname)
      out.push({ rule, message: 'must be an absolute http(s) URL, e.g. https://example.com/path', path });
    else if (httpsOnly && url.protocol !== 'https:') out.push({ rule: 'httpsOnly', message: 'must be an https URL', path });
  };
}

const emailFormat =
  (rule: string): Check<string> =>
  (text, path, out) => {
    if (!z.regexes.email.test(text)) out.push({ rule, message: 'must be a valid email address, e.g. name@example.com', path });
  };

function durationRules(v: TValidation): Check<string> {
  const bound = (seconds: number) => `${formatDuration(seconds)} (${plural(seconds, 'second')})`;
  return (text, path, out) => {
    const seconds = parseDuration(text);
    if (seconds === null)
      out.push({ rule: 'type', message: 'must be a duration such as "90s", "15m", "1h30m", "2d" or "PT15M"', path });
    else if (v.min !== undefined && seconds < v.min) out.push({ rule: 'min', message: `must be at least ${bound(v.min)}`, path });
    else if (v.max !== undefined && seconds > v.max) out.push({ rule: 'max', message: `must be at most ${bound(v.max)}`, path });
  };
}

const ITEM_TYPES: Record<ItemType, [test: (x: unknown) => boolean, message: string]> = {
  string: [(x) => typeof x === 'string', 'must be text'],
  url: [(x) => typeof x === 'string', 'must be a URL'],
  email: [(x) => typeof x === 'string', 'must be an email address'],
  number: [(x) => typeof x === 'number' && Number.isFinite(x), 'must be a number'],
  integer: [(x) => Number.isSafeInteger(x), 'must be a whole number'],
  boolean: [(x) => typeof x === 'boolean', 'must be true or false'],
};

/** Rules for one list item: its itemType, then pattern / min / max / URL rules for its kind. */
function itemRules(v: TValidation): Check {
  const text = textRules({ pattern: v.pattern });
  const url = then(urlFormat(v.httpsOnly, 'itemType'), text);
  const email = then(emailFormat('itemType'), text);
  const numbers = numberRules(v);
  const itemType = v.itemType;
  return (item, path, out) => {
    if (itemType && !ITEM_TYPES[itemType][0](item)) out.push({ rule: 'itemType', message: ITEM_TYPES[itemType][1], path });
    else if (typeof item === 'number') numbers(item, path, out);
    else if (typeof item === 'string') (itemType === 'url' ? url : itemType === 'email' ? email : text)(item, path, out);
  };
}

/** Rules for a list: item count (minLength/maxLength), each item, uniqueness, ascending order. */
function listRules(v: TValidation, item: Check, unique: boolean): Check<unknown[]> {
  return (list, path, out) => {
    if (v.minLength !== undefined && list.length < v.minLength)
      out.push({ rule: 'minLength', message: `must have at least ${plural(v.minLength, 'item')}`, path });
    if (v.maxLength !== undefined && list.length > v.maxLength)
      out.push({ rule: 'maxLength', message: `must have at most ${plural(v.maxLength, 'item')}`, path });
    list.forEach((x, i) => item(x, [...path, i], out));
    if (unique) {
      const seen = new Set<unknown>();
      list.forEach((x, i) => {
        if (seen.has(x)) out.push({ rule: 'unique', message: `repeats ${JSON.stringify(x)}`, path: [...path, i] });
        seen.add(x);
      });
    }
    if (v.ascending && list.some((x, i) => i > 0 && typeof x === 'number' && typeof list[i - 1] === 'number' && x <= (list[i - 1] as number)))
      out.push({ rule: 'ascending', message: 'must be in ascending order, each value greater than the one before', path });
  };
}

const isPlainObject = (x: object) => {
  const proto = Object.getPrototypeOf(x);
  return proto === Object.prototype || proto === null;
};

/** The first reason `value` is not a plain JSON value (or nests deeper than MAX_JSON_DEPTH, or uses a forbidden key). */
function jsonProblem(value: unknown, path: JsonPath, depth = 0): Issue | null {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return null;
  if (typeof value === 'number')
    return Number.isFinite(value) ? null : { rule: 'type', message: 'must be a finite number', path };
  if (typeof value !== 'object' || !(Array.isArray(value) || isPlainObject(value)))
    return { rule: 'type', message: 'must be a JSON value', path };
  if (depth >= MAX_JSON_DEPTH) return { rule: 'type', message: `must not nest more than ${MAX_JSON_DEPTH} levels deep`, path };
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const problem = jsonProblem(value[i], [...path, i], depth + 1);
      if (problem) return problem;
    }
    return null;
  }
  for (const [key, item] of Object.entries(value)) {
    if (FORBIDDEN_KEYS.has(key)) return { rule: 'type', message: `must not use the reserved key "${key}"`, path: [...path, key] };
    const problem = jsonProblem(item, [...path, key], depth + 1);
    if (problem) return problem;
  }
  return null;
}

function jsonRules(v: TValidation): Check {
  const list = listRules(v, itemRules(v), false);
  const text = textRules(v);
  const numbers = numberRules(v);
  return (value, path, out) => {
    const problem = jsonProblem(value, path);
    if (problem) {
      out.push(problem);
      return;
    }
    if (Array.isArray(value)) list(value, path, out);
    else if (typeof value === 'string') text(value, path, out);
    else if (typeof value === 'number') numbers(value, path, out);
    if (v.jsonSchema)
      for (const issue of checkJsonSchema(v.jsonSchema, value, path)) out.push({ rule: 'jsonSchema', ...issue });
  };
}

const cidrItem: Check = (item, path, out) => {
  if (typeof item !== 'string' || !isCidr(item))
    out.push({ rule: 'type', message: 'must be a CIDR range such as 10.0.0.0/8 or 2001:db8::/32', path });
};

/** The base zod type (rule "type" when it fails) and the rule checks that run on a value of that type. */
function partsFor(def: ValueDefinition): [z.ZodType, Check] {
  const v = def.validation ?? {};
  const text = textRules(v) as Check;
  const string = (message: string) => z.string({ error: message });
  const list = z.array(z.unknown(), { error: 'must be a list' });
  switch (def.type) {
    case 'string':
      return [string('must be text'), v.enum?.length ? then(oneOf(v.enum), text) : text];
    case 'secret':
      return [string('must be text'), text];
    case 'url':
      return [string('must be a URL'), then(urlFormat(v.httpsOnly, 'type') as Check, text)];
    case 'email':
      return [string('must be an email address'), then(emailFormat('type') as Check, text)];
    case 'duration':
      return [string('must be a duration such as "15m" or "PT15M"'), then(durationRules(v) as Check, text)];
    case 'number':
      return [z.number({ error: 'must be a number' }), numberRules(v) as Check];
    case 'integer':
      return [z.int({ error: 'must be a whole number' }), numberRules(v) as Check];
    case 'boolean':
      return [z.boolean({ error: 'must be true or false' }), noCheck];
    case 'enum':
      return [z.unknown(), oneOf(allowedValues(def))];
    case 'multiselect':
      return [list, listRules(v, then(oneOf(allowedValues(def)), itemRules(v)), true) as Check];
    case 'cidr-list':
      return [list, listRules(v, then(cidrItem, itemRules({ pattern: v.pattern })), false) as Check];
    case 'json':
      return [z.unknown(), jsonRules(v)];
  }
}

/** A zod schema for a setting's value that enforces its type and every validation rule that applies. */
export function valueSchemaFor(def: ValueDefinition): z.ZodType {
  const [base, check] = partsFor(def);
  return base.superRefine((value, ctx) => {
    const out: Issue[] = [];
    check(value, [], out);
    for (const { rule, message, path } of out) ctx.addIssue({ code: 'custom', message, path, params: { rule } });
  });
}

const NUMERIC = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:e[+-]?\d+)?$/i;
/** A finite number for a string that is plainly one ("5", " -2.5 ", "1e3"); not "", "0x10", "5abc", "Infinity". */
function parseNumber(text: string): number | undefined {
  const n = NUMERIC.test(text) ? Number(text) : NaN;
  return Number.isFinite(n) ? n : undefined;
}
/** A JSON array or object written as a string (e.g. from a form or an import file). */
function parseJsonContainer(text: string): unknown {
  if (!text.startsWith('[') && !text.startsWith('{')) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * Converts a string that unambiguously denotes a value of the setting's type (API.md: "5", "true",
 * '["jpeg","png"]', or "10.0.0.0/8, 192.168.0.0/16" for a cidr-list). Anything else comes back
 * unchanged, for validation to reject with a clear message.
 */
export function coerceValue(def: ValueDefinition, input: unknown): unknown {
  if (typeof input !== 'string') return input;
  const text = input.trim();
  switch (def.type) {
    case 'number':
    case 'integer':
      return parseNumber(text) ?? input;
    case 'boolean': {
      const word = text.toLowerCase();
      return word === 'true' ? true : word === 'false' ? false : input;
    }
    case 'enum': {
      // An enum with numeric options (e.g. page sizes) receives "25" from a select box.
      const allowed = allowedValues(def);
      const n = parseNumber(text);
      return !allowed.includes(input) && n !== undefined && allowed.includes(n) ? n : input;
    }
    case 'json':
    case 'multiselect':
      return parseJsonContainer(text) ?? input;
    case 'cidr-list':
      return parseJsonContainer(text) ?? text.split(/[\s,]+/).filter(Boolean);
    default:
      return input;
  }
}

/** "providers.webhook_url", "[2]", "rules[0].name" */
export function formatIssuePath(path: readonly PropertyKey[]): string | undefined {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : out ? `.${String(p)}` : String(p);
  return out || undefined;
}

/** Coerces (unless `coerce: false`) and validates a value; the result carries the value to store. */
export function validateValue(def: ValueDefinition, input: unknown, opts: { coerce?: boolean } = {}): ValidationResult {
  const value = opts.coerce === false ? input : coerceValue(def, input);
  const parsed = valueSchemaFor(def).safeParse(value);
  if (parsed.success) return { ok: true, value: parsed.data };
  return {
    ok: false,
    issues: parsed.error.issues.map((issue) => {
      const rule = issue.code === 'custom' ? (issue.params?.rule as string) : 'type';
      const path = formatIssuePath(issue.path);
      return path === undefined ? { rule, message: issue.message } : { rule, message: issue.message, path };
    }),
  };
}

/**
 * Problems with a definition itself, for when definitions are created or loaded: a pattern or
 * jsonSchema that cannot work, min above max, an enum without values, unknown cross-field rules,
 * no allowed levels, or a default value its own rules refuse (a secret may default to "").
 */
export function checkDefinitionRules(
  def: Pick<TDefinition, 'type' | 'validation' | 'ui' | 'isSecret' | 'defaultValue' | 'allowedLevels'>,
): ValidationIssue[] {
  const v = def.validation ?? {};
  const out: ValidationIssue[] = [];
  const issue = (path: string, rule: string, message: string) => out.push({ path, rule, message });

  const re = v.pattern === undefined ? undefined : compileRegExp(v.pattern);
  if (re instanceof Error) issue('validation.pattern', 'pattern', `is not a valid regular expression: ${re.message}`);
  if (v.min !== undefined && v.max !== undefined && v.min > v.max)
    issue('validation.min', 'min', `must not be greater than max (${v.max})`);
  if (v.minLength !== undefined && v.maxLength !== undefined && v.minLength > v.maxLength)
    issue('validation.minLength', 'minLength', `must not be greater than maxLength (${v.maxLength})`);
  if ((def.type === 'enum' || def.type === 'multiselect') && !allowedValues(def).length)
    issue('validation.enum', 'enum', 'must list the allowed values (in validation.enum or ui.options)');
  if (v.jsonSchema)
    for (const p of jsonSchemaProblems(v.jsonSchema))
      issue(['validation.jsonSchema', formatIssuePath(p.path)].filter(Boolean).join('.'), 'jsonSchema', p.message);
  for (const name of unknownRuleNames(def)) issue('validation.rules', name, `names an unknown rule "${name}"`);
  if (!def.allowedLevels.length) issue('allowedLevels', 'allowedLevels', 'must name at least one level');

  const emptySecret = isSecret(def) && def.defaultValue === '';
  if (!out.length && !emptySecret) {
    const result = validateValue(def, def.defaultValue, { coerce: false });
    if (!result.ok)
      for (const i of result.issues)
        issue(i.path ? `defaultValue${i.path.startsWith('[') ? '' : '.'}${i.path}` : 'defaultValue', i.rule, i.message);
  }
  return out;
}

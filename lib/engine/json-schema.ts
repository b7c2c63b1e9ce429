/**
 * A small JSON Schema validator for the subset a definition's `validation.jsonSchema` may use:
 * type (or a list of types), properties, required, additionalProperties, items, enum,
 * minimum, maximum, minLength, maxLength, pattern, minItems, maxItems.
 * Anything else is refused when the definition is checked, so no rule is silently ignored.
 */

export type JsonPath = (string | number)[];
export interface SchemaIssue {
  path: JsonPath;
  message: string;
}

const TYPES = new Set(['string', 'number', 'integer', 'boolean', 'object', 'array', 'null']);
const NUMBER_KEYWORDS = new Set(['minimum', 'maximum', 'minLength', 'maxLength', 'minItems', 'maxItems']);
// Annotations carry no rule, so they are allowed and ignored.
const ANNOTATIONS = new Set(['$schema', '$id', '$comment', 'title', 'description', 'default', 'examples']);

const isObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);

function typeMatches(type: string, value: unknown): boolean {
  switch (type) {
    case 'null':
      return value === null;
    case 'array':
      return Array.isArray(value);
    case 'object':
      return isObject(value);
    case 'integer':
      return Number.isInteger(value);
    default:
      return typeof value === type;
  }
}

function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((x, i) => jsonEqual(x, b[i]));
  if (!isObject(a) || !isObject(b)) return false;
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => Object.hasOwn(b, k) && jsonEqual(a[k], b[k]));
}

export const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** Length in characters (code points), so an emoji counts once. */
export const characterCount = (text: string) => [...text].length;

/** Every way `value` breaks `schema`, with the path to the offending part. */
export function checkJsonSchema(schema: unknown, value: unknown, path: JsonPath = [], out: SchemaIssue[] = []): SchemaIssue[] {
  if (schema === false) out.push({ path, message: 'is not allowed' });
  if (!isObject(schema)) return out;
  const s = schema;
  const fail = (message: string, at: JsonPath = path) => out.push({ path: at, message });

  if (s.type !== undefined) {
    const types = Array.isArray(s.type) ? (s.type as string[]) : [s.type as string];
    if (!types.some((t) => typeMatches(t, value))) {
      fail(`must be of type ${types.join(' or ')}`);
      return out;
    }
  }
  if (Array.isArray(s.enum) && !s.enum.some((e) => jsonEqual(e, value)))
    fail(`must be one of: ${s.enum.map((e) => JSON.stringify(e)).join(', ')}`);

  if (typeof value === 'number') {
    if (typeof s.minimum === 'number' && value < s.minimum) fail(`must be at least ${s.minimum}`);
    if (typeof s.maximum === 'number' && value > s.maximum) fail(`must be at most ${s.maximum}`);
  } else if (typeof value === 'string') {
    if (typeof s.minLength === 'number' && characterCount(value) < s.minLength) fail(`must be at least ${plural(s.minLength, 'character')} long`);
    if (typeof s.maxLength === 'number' && characterCount(value) > s.maxLength) fail(`must be at most ${plural(s.maxLength, 'character')} long`);
    if (typeof s.pattern === 'string') {
      const re = compileRegExp(s.pattern);
      if (re instanceof Error) fail('cannot be checked: the schema pattern is not a valid regular expression');
      else if (!re.test(value)) fail(`must match the pattern ${s.pattern}`);
    }
  } else if (Array.isArray(value)) {
    if (typeof s.minItems === 'number' && value.length < s.minItems) fail(`must have at least ${plural(s.minItems, 'item')}`);
    if (typeof s.maxItems === 'number' && value.length > s.maxItems) fail(`must have at most ${plural(s.maxItems, 'item')}`);
    if (s.items !== undefined) value.forEach((item, i) => checkJsonSchema(s.items, item, [...path, i], out));
  } else if (isObject(value)) {
    const properties = isObject(s.properties) ? s.properties : {};
    if (Array.isArray(s.required))
      for (const key of s.required as string[]) if (!Object.hasOwn(value, key)) fail('is required', [...path, key]);
    for (const key of Object.keys(value)) {
      if (Object.hasOwn(properties, key)) checkJsonSchema(properties[key], value[key], [...path, key], out);
      else if (s.additionalProperties !== undefined) checkJsonSchema(s.additionalProperties, value[key], [...path, key], out);
    }
  }
  return out;
}

/** A RegExp for a pattern from a definition, or the SyntaxError explaining why it is not one. */
export function compileRegExp(pattern: string): RegExp | Error {
  try {
    return new RegExp(pattern);
  } catch (error) {
    return error as Error;
  }
}

/** Problems with a schema itself: unsupported keywords, bad types, patterns that do not compile. */
export function jsonSchemaProblems(schema: unknown, path: JsonPath = [], out: SchemaIssue[] = []): SchemaIssue[] {
  if (typeof schema === 'boolean') return out;
  if (!isObject(schema)) {
    out.push({ path, message: 'must be a schema object' });
    return out;
  }
  for (const [keyword, arg] of Object.entries(schema)) {
    const at = [...path, keyword];
    const problem = (message: string) => out.push({ path: at, message });
    if (ANNOTATIONS.has(keyword)) continue;
    if (NUMBER_KEYWORDS.has(keyword)) {
      if (typeof arg !== 'number') problem('must be a number');
    } else if (keyword === 'properties') {
      if (!isObject(arg)) problem('must be an object of schemas');
      else for (const [name, sub] of Object.entries(arg)) jsonSchemaProblems(sub, [...at, name], out);
    } else if (keyword === 'items' || keyword === 'additionalProperties') {
      jsonSchemaProblems(arg, at, out);
    } else if (keyword === 'type') {
      const types = Array.isArray(arg) ? arg : [arg];
      if (!types.length || !types.every((t) => TYPES.has(t as string))) problem(`must be one of ${[...TYPES].join(', ')}`);
    } else if (keyword === 'required') {
      if (!Array.isArray(arg) || !arg.every((k) => typeof k === 'string')) problem('must be a list of property names');
    } else if (keyword === 'enum') {
      if (!Array.isArray(arg) || !arg.length) problem('must be a non-empty list');
    } else if (keyword === 'pattern') {
      const re = typeof arg === 'string' ? compileRegExp(arg) : new Error('must be a string');
      if (re instanceof Error) problem(`is not a valid regular expression: ${re.message}`);
    } else {
      problem(`"${keyword}" is not supported (supported: type, properties, required, additionalProperties, items, enum, minimum, maximum, minLength, maxLength, pattern, minItems, maxItems)`);
    }
  }
  return out;
}

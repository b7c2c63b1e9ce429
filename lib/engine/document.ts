/**
 * Nested settings documents (seed 001): `{ display: { theme: "dark" } }` <-> `{ "display.theme": "dark" }`.
 * Input comes from request bodies, so keys that could reach Object.prototype (`__proto__`,
 * `constructor`, `prototype`) are refused at any depth, including inside json values.
 * flattenDocument reports bad input as a result object; it never throws.
 */

export const FORBIDDEN_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);
/** Setting keys are at most this long, so no deeper path can name or lead to one. */
const MAX_KEY_LENGTH = 200;

export interface DocumentError {
  /** The dotted path of the offending key, e.g. "display.theme" or "ai.providers[0].__proto__". */
  path: string;
  code: 'FORBIDDEN_KEY' | 'UNKNOWN_KEY' | 'NOT_AN_OBJECT';
  message: string;
}
export type FlattenResult = { ok: true; values: Record<string, unknown> } | { ok: false; error: DocumentError };

function isPlainObject(x: unknown): x is Record<string, unknown> {
  if (typeof x !== 'object' || x === null || Array.isArray(x)) return false;
  const proto = Object.getPrototypeOf(x);
  return proto === Object.prototype || proto === null;
}

const join = (prefix: string, key: string) => (prefix ? `${prefix}.${key}` : key);
const forbidden = (path: string): DocumentError => ({
  path,
  code: 'FORBIDDEN_KEY',
  message: `"${path.slice(path.lastIndexOf('.') + 1)}" is not allowed as a key`,
});

/** The path of the first forbidden key anywhere inside `value` (any JSON body), or null. */
export function hasForbiddenKey(value: unknown): string | null {
  // Iterative, so a deeply nested body cannot overflow the stack.
  const stack: [unknown, string][] = [[value, '']];
  const seen = new Set<object>();
  while (stack.length) {
    const [node, path] = stack.pop() as [unknown, string];
    if (typeof node !== 'object' || node === null || seen.has(node)) continue;
    seen.add(node);
    if (Array.isArray(node)) {
      for (let i = node.length - 1; i >= 0; i--) stack.push([node[i], `${path}[${i}]`]);
      continue;
    }
    const keys = Object.keys(node);
    for (const key of keys) if (FORBIDDEN_KEYS.has(key)) return join(path, key);
    for (let i = keys.length - 1; i >= 0; i--) stack.push([(node as Record<string, unknown>)[keys[i]], join(path, keys[i])]);
  }
  return null;
}

/**
 * Flattens a nested (partial) document into setting values. A path that `isSettingKey` accepts
 * is a leaf, whatever its value (a json setting may hold an object); any other path must be an
 * object to descend into, or it is an unknown key. Dotted keys ({"display.theme": …}) work too.
 */
export function flattenDocument(doc: unknown, isSettingKey: (key: string) => boolean): FlattenResult {
  if (!isPlainObject(doc)) return { ok: false, error: { path: '', code: 'NOT_AN_OBJECT', message: 'the settings document must be a JSON object' } };
  const values: Record<string, unknown> = {};
  const walk = (node: Record<string, unknown>, prefix: string): DocumentError | null => {
    for (const key of Object.keys(node)) {
      const path = join(prefix, key);
      if (FORBIDDEN_KEYS.has(key)) return forbidden(path);
      const value = node[key];
      if (isSettingKey(path)) {
        const inner = hasForbiddenKey(value);
        if (inner !== null) return forbidden(inner.startsWith('[') ? path + inner : `${path}.${inner}`);
        values[path] = value;
      } else if (isPlainObject(value) && path.length < MAX_KEY_LENGTH) {
        const error = walk(value, path);
        if (error) return error;
      } else {
        return { path, code: 'UNKNOWN_KEY', message: `"${path}" is not a known setting` };
      }
    }
    return null;
  };
  const error = walk(doc, '');
  return error ? { ok: false, error } : { ok: true, values };
}

/**
 * Builds the nested document for setting values (keys split on "."). The keys come from the
 * registry, so a forbidden segment or a key that is also another key's prefix is a bug: it throws.
 */
export function unflattenValues(values: Record<string, unknown>): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  // Objects created here; any other object met on the way is a json value, not a branch.
  const branches = new Set<object>([root]);
  for (const key of Object.keys(values)) {
    const segments = key.split('.');
    const bad = segments.find((s) => FORBIDDEN_KEYS.has(s));
    if (bad !== undefined) throw new Error(`cannot nest "${key}": "${bad}" is not allowed as a key`);
    let node = root;
    for (const segment of segments.slice(0, -1)) {
      if (!Object.hasOwn(node, segment)) {
        const branch = {};
        branches.add(branch);
        node[segment] = branch;
      }
      const next = node[segment];
      if (!branches.has(next as object)) throw new Error(`cannot nest "${key}": "${segment}" already holds a value`);
      node = next as Record<string, unknown>;
    }
    const leaf = segments[segments.length - 1];
    if (Object.hasOwn(node, leaf)) throw new Error(`cannot nest "${key}": it is also the prefix of another key`);
    node[leaf] = values[key];
  }
  return root;
}

/** An existing key that `key` would nest under or over ("a.b" vs "a.b.c"), which a nested document cannot hold. */
export function conflictingKey(key: string, existing: Iterable<string>): string | null {
  for (const other of existing) if (other.startsWith(`${key}.`) || key.startsWith(`${other}.`)) return other;
  return null;
}

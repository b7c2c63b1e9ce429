import type { JsonSchema } from '@/lib/api/openapi';
import { InlineCode } from './text';

type Schemas = Record<string, JsonSchema>;
const MAX_DEPTH = 8;

const refName = (s: JsonSchema) => (typeof s.$ref === 'string' ? s.$ref.split('/').pop()! : undefined);
const deref = (s: JsonSchema, schemas: Schemas): JsonSchema => {
  const name = refName(s);
  return name ? (schemas[name] ?? {}) : s;
};
const asSchema = (v: unknown): JsonSchema | undefined => (v && typeof v === 'object' && !Array.isArray(v) ? (v as JsonSchema) : undefined);
const variantsOf = (s: JsonSchema) => ((s.anyOf ?? s.oneOf) as JsonSchema[] | undefined)?.filter((v) => v.type !== 'null');

/** A short type name: `string (email)`, `integer`, `object[]`, `string | null`, `any`. */
export function typeLabel(raw: JsonSchema, schemas: Schemas): string {
  const name = refName(raw);
  const s = deref(raw, schemas);
  if (name && !name.includes('__')) return name;
  if (s.const !== undefined) return JSON.stringify(s.const);
  const variants = (s.anyOf ?? s.oneOf) as JsonSchema[] | undefined;
  if (variants) return [...new Set(variants.map((v) => typeLabel(v, schemas)))].join(' | ');
  const types = Array.isArray(s.type) ? (s.type as string[]) : s.type ? [s.type as string] : [];
  if (!types.length) return s.enum ? 'enum' : 'any';
  return types
    .map((t) => {
      if (t === 'array') return `${typeLabel(asSchema(s.items) ?? {}, schemas)}[]`;
      if (t === 'object' && asSchema(s.additionalProperties) && !s.properties) return `map of ${typeLabel(asSchema(s.additionalProperties)!, schemas)}`;
      return s.format ? `${t} (${s.format})` : t;
    })
    .join(' | ');
}

const range = (min: unknown, max: unknown, unit = '') =>
  min !== undefined && max !== undefined ? `${min}–${max}${unit}` : min !== undefined ? `≥ ${min}${unit}` : max !== undefined ? `≤ ${max}${unit}` : undefined;

/** Human-readable validation rules of one schema. */
export function constraints(raw: JsonSchema, schemas: Schemas): string[] {
  const s = deref(raw, schemas);
  const out: (string | undefined)[] = [
    Array.isArray(s.enum) ? `one of ${s.enum.map((v) => JSON.stringify(v)).join(', ')}` : undefined,
    s.default !== undefined ? `default ${JSON.stringify(s.default)}` : undefined,
    range(s.minimum, s.maximum),
    s.exclusiveMinimum !== undefined ? `> ${s.exclusiveMinimum}` : undefined,
    s.exclusiveMaximum !== undefined ? `< ${s.exclusiveMaximum}` : undefined,
    range(s.minLength, s.maxLength, ' chars'),
    range(s.minItems, s.maxItems, ' items'),
    // a format (email, uuid…) says it better than the regex zod derives for it
    typeof s.pattern === 'string' && !s.format ? `pattern ${s.pattern}` : undefined,
    s.additionalProperties === false && s.properties ? 'no other fields' : undefined,
  ];
  return out.filter((c): c is string => !!c);
}

/** The object whose fields are worth listing under a schema (itself, its array items, its map values). */
function fieldsOf(raw: JsonSchema, schemas: Schemas): JsonSchema | undefined {
  const s = deref(raw, schemas);
  if (asSchema(s.properties) && Object.keys(s.properties as object).length) return s;
  const inner = asSchema(s.items) ?? asSchema(s.additionalProperties) ?? (variantsOf(s)?.length === 1 ? variantsOf(s)![0] : undefined);
  return inner ? fieldsOf(inner, schemas) : undefined;
}

/** A compact, recursive view of a JSON Schema: each field with its type, whether required, rules and description. */
export function SchemaView({ schema, schemas }: { schema: JsonSchema; schemas: Schemas }) {
  const fields = fieldsOf(schema, schemas);
  const rules = constraints(schema, schemas);
  return (
    <div className="text-sm">
      <p className="font-mono text-xs text-zinc-600 dark:text-zinc-400">
        {typeLabel(schema, schemas)}
        {rules.length > 0 && <span className="font-sans"> · {rules.join(' · ')}</span>}
      </p>
      {fields && <Fields schema={fields} schemas={schemas} depth={0} seen={[]} />}
    </div>
  );
}

function Fields({ schema, schemas, depth, seen }: { schema: JsonSchema; schemas: Schemas; depth: number; seen: JsonSchema[] }) {
  const required = new Set((schema.required as string[] | undefined) ?? []);
  const path = [...seen, schema];
  return (
    <ul className={depth ? 'mt-2 space-y-2 border-l border-zinc-200 pl-3 dark:border-zinc-700' : 'mt-2 space-y-2'}>
      {Object.entries(schema.properties as Record<string, JsonSchema>).map(([name, prop]) => {
        const nested = fieldsOf(prop, schemas);
        const recursive = nested && (path.includes(nested) || depth >= MAX_DEPTH);
        const rules = constraints(prop, schemas);
        const description = deref(prop, schemas).description ?? prop.description;
        return (
          <li key={name}>
            <div className="flex flex-wrap items-baseline gap-x-2 gap-y-0.5">
              <code className="font-mono text-[0.8125rem] font-semibold">{name}</code>
              <span className="font-mono text-xs text-zinc-600 dark:text-zinc-400">{typeLabel(prop, schemas)}</span>
              {required.has(name) ? (
                <span className="text-[0.6875rem] font-semibold tracking-wide text-rose-700 uppercase dark:text-rose-400">required</span>
              ) : (
                <span className="text-[0.6875rem] tracking-wide text-zinc-500 uppercase">optional</span>
              )}
              {rules.map((r) => (
                <span key={r} className="rounded bg-zinc-100 px-1.5 py-px text-xs break-all text-zinc-700 dark:bg-zinc-800 dark:text-zinc-300">
                  {r}
                </span>
              ))}
            </div>
            {typeof description === 'string' && (
              <p className="mt-0.5 text-zinc-600 dark:text-zinc-400">
                <InlineCode text={description} />
              </p>
            )}
            {nested && !recursive && <Fields schema={nested} schemas={schemas} depth={depth + 1} seen={path} />}
            {recursive && <p className="mt-0.5 text-xs text-zinc-500">(same structure as above)</p>}
          </li>
        );
      })}
    </ul>
  );
}

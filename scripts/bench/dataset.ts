/**
 * The benchmark data set: 10 tenants × 10 events, 60 settings of mixed types in category `bench`, and a
 * deterministic valid value for any (setting, n) — used by the API seed, the PUT test and the SQL fixture.
 */

export const TENANTS = 10;
export const EVENTS_PER_TENANT = 10;
export const KEYS = 60;
export const CATEGORY = 'bench';
export const ALLOWED_LEVELS = ['global', 'tenant', 'event'];

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

export const tenantId = (t: number) => `bt-${pad(t)}`;
export const eventId = (t: number, e: number) => `bt-${pad(t)}-ev-${pad(e)}`;

export const tenantIds = Array.from({ length: TENANTS }, (_, t) => tenantId(t));
export const eventIds = tenantIds.flatMap((_, t) => Array.from({ length: EVENTS_PER_TENANT }, (_, e) => eventId(t, e)));

export type BenchType = 'integer' | 'number' | 'boolean' | 'string' | 'enum';
const TYPES: BenchType[] = ['integer', 'number', 'boolean', 'string', 'enum'];
const COLOURS = ['red', 'green', 'blue', 'amber'];
const INT_MAX = 10_000;

export interface BenchDefinition {
  key: string;
  label: string;
  description: string;
  category: string;
  type: BenchType;
  defaultValue: unknown;
  validation?: Record<string, unknown>;
  allowedLevels: string[];
}

function definition(i: number): BenchDefinition {
  const type = TYPES[i % TYPES.length];
  const base = { key: `bench.k${pad(i)}_${type}`, label: `Bench ${type} ${pad(i)}`, description: 'Benchmark setting', category: CATEGORY, type, allowedLevels: ALLOWED_LEVELS };
  switch (type) {
    case 'integer':
      return { ...base, defaultValue: 10, validation: { min: 0, max: INT_MAX } };
    case 'number':
      return { ...base, defaultValue: 0.5 };
    case 'boolean':
      return { ...base, defaultValue: false };
    case 'string':
      return { ...base, defaultValue: 'default', validation: { maxLength: 64 } };
    case 'enum':
      return { ...base, defaultValue: COLOURS[0], validation: { enum: COLOURS } };
  }
}

export const definitions: BenchDefinition[] = Array.from({ length: KEYS }, (_, i) => definition(i));

/** A valid value of `def` that varies with `n`. */
export function valueFor(def: BenchDefinition, n: number): unknown {
  switch (def.type) {
    case 'integer':
      return n % (INT_MAX + 1);
    case 'number':
      return (n % 1000) / 4;
    case 'boolean':
      return n % 2 === 0;
    case 'string':
      return `v-${n}`;
    case 'enum':
      return COLOURS[n % COLOURS.length];
  }
}

/** The same values as `valueFor`, as a SQL expression over an integer column `n` and a type column `t`. */
export const SQL_VALUE_EXPRESSION = `case t
  when 'integer' then to_jsonb(n % ${INT_MAX + 1})
  when 'number' then to_jsonb((n % 1000) / 4.0)
  when 'boolean' then to_jsonb(n % 2 = 0)
  when 'string' then to_jsonb('v-' || n)
  else to_jsonb((array[${COLOURS.map((c) => `'${c}'`).join(',')}])[1 + n % ${COLOURS.length}])
end`;

/** 20 feature flags of every kind at global, half of them switched per tenant, for the OFREP tests. */
export const FLAGS = 20;
export const flagBodies = Array.from({ length: FLAGS }, (_, i) => {
  const key = `feature.bench${pad(i)}`;
  switch (i % 5) {
    case 0:
      return { key, enabled: true };
    case 1:
      return { key, enabled: true, flagType: 'percentage', rolloutPercentage: 50 };
    case 2:
      return { key, enabled: true, flagType: 'user_targeted', enabledForUsers: Array.from({ length: 100 }, (_, u) => `user-${u * 7}`) };
    case 3:
      return { key, enabled: true, flagType: 'role_targeted', enabledForRoles: ['VALIDATOR', 'ADMIN'] };
    default:
      return { key, enabled: true, variants: COLOURS.map((c) => ({ key: c, value: c, weight: 25 })) };
  }
});
/** Per-tenant rows (tenant_targeted style): even flags switched off in even tenants. */
export const flagOverrides = flagBodies.flatMap((f, i) => (i % 2 ? [] : tenantIds.filter((_, t) => t % 2 === 0).map((scope) => ({ key: f.key, scope, enabled: false }))));

/**
 * PostgreSQL side of the bench: a throw-away database per run, and the 1M-value fixture written with plain
 * SQL (a benchmark fixture, not an API path).
 */
import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { definitions, SQL_VALUE_EXPRESSION, tenantIds } from './dataset';

const quiet = { onnotice: () => {}, max: 1, connect_timeout: 10 };

export interface BenchDatabase {
  name: string;
  url: string;
  drop(): Promise<void>;
}

/** Creates `sb_bench_<random>` on the server `adminUrl` points at. */
export async function createBenchDatabase(adminUrl: string): Promise<BenchDatabase> {
  const name = `sb_bench_${randomBytes(4).toString('hex')}`;
  const admin = postgres(adminUrl, quiet);
  try {
    await admin.unsafe(`create database ${name}`);
  } finally {
    await admin.end({ timeout: 5 });
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  let dropped = false;
  return {
    name,
    url: url.toString(),
    async drop() {
      if (dropped) return;
      dropped = true;
      const sql = postgres(adminUrl, quiet);
      try {
        await sql.unsafe(`drop database if exists ${name} with (force)`);
      } finally {
        await sql.end({ timeout: 5 });
      }
    },
  };
}

/** Scope id of fixture event `n` (distinct from the API-seeded `bt-…` ids). */
export const fixtureScopeId = (n: number) => `mx-${String(n).padStart(6, '0')}`;

/**
 * Adds `scopeCount` event scopes (spread over the bench tenants) with a value for every bench key at each:
 * scopeCount × 60 rows in setting_values. Returns the row count of setting_values afterwards.
 */
export async function insertFixtureValues(url: string, scopeCount: number): Promise<number> {
  const sql = postgres(url, quiet);
  try {
    const tenants = `array[${tenantIds.map((t) => `'${t}'`).join(',')}]`;
    await sql.unsafe(`
      insert into scopes (id, level, parent_id, name)
      select 'mx-' || lpad(n::text, 6, '0'), 'event', (${tenants})[1 + n % ${tenantIds.length}], 'Fixture event ' || n
      from generate_series(0, ${scopeCount - 1}) n`);
    const keys = definitions.map((d) => `('${d.key}', '${d.type}')`).join(',\n');
    await sql.unsafe(`
      insert into setting_values (key, scope_id, value, version, updated_by)
      select k, 'mx-' || lpad(n::text, 6, '0'), ${SQL_VALUE_EXPRESSION}, 1, 'bench-fixture'
      from generate_series(0, ${scopeCount - 1}) n
      cross join (values ${keys}) as defs(k, t)`);
    await sql.unsafe('analyze scopes');
    await sql.unsafe('analyze setting_values');
    const [{ n }] = await sql<{ n: string }[]>`select count(*)::text as n from setting_values`;
    return Number(n);
  } finally {
    await sql.end({ timeout: 5 });
  }
}

import 'server-only';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator';
import type { PgDatabase, PgQueryResultHKT, PgTransaction } from 'drizzle-orm/pg-core';
import type { ExtractTablesWithRelations } from 'drizzle-orm';
import { classifyStorageError, StorageTimeout, type StorageFailure } from './failure';
import * as schema from './schema';

export type Schema = typeof schema;
export type Db = PgDatabase<PgQueryResultHKT, Schema>;
export type Tx = PgTransaction<PgQueryResultHKT, Schema, ExtractTablesWithRelations<Schema>>;
/** Anything that runs queries: the database or an open transaction. */
export type Executor = Db | Tx;

export const CHANGES_CHANNEL = 'switchboard_changes';

export interface Database {
  db: Db;
  kind: 'pglite' | 'postgres';
  /** Subscribe to NOTIFY on the changes channel (other instances' writes); `onRelisten` after a lost LISTEN connection came back. */
  listen(onPayload: (payload: string) => void, onRelisten?: () => void): Promise<() => Promise<void>>;
  /** Is the storage reachable right now? */
  ping(): Promise<boolean>;
  /** The same, with the reason class when it is not (over its own connection, so a busy pool is not an outage). */
  probe(): Promise<StorageFailure | null>;
  close(): Promise<void>;
}

export const MIGRATIONS_FOLDER = path.resolve(/*turbopackIgnore: true*/ process.cwd(), 'drizzle');

export interface DatabaseOptions {
  /** postgres:// URL; when absent, embedded PGlite. */
  url?: string;
  /** Owner URL for migrations (MIGRATION_DATABASE_URL) when `url`'s role may not run DDL. */
  migrationUrl?: string;
  /** PGlite data directory; 'memory' for an in-memory database (tests). */
  dataDir?: string;
  migrationsFolder?: string;
}

/** Opens the database and applies pending migrations: the app migrates itself at start-up. */
export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  const migrationsFolder = options.migrationsFolder ?? MIGRATIONS_FOLDER;
  if (options.url) {
    const { default: postgres } = await import('postgres');
    if (options.migrationUrl) {
      // the schema's owner migrates; the app's own role needs no DDL rights (README "Security")
      const owner = postgres(options.migrationUrl, { max: 1, onnotice: () => {}, connect_timeout: 5 });
      try {
        await migratePostgres(drizzlePostgres(owner, { schema }), { migrationsFolder });
        await grantAppRole(owner, decodeURIComponent(new URL(options.url).username));
      } finally {
        await owner.end({ timeout: 5 });
      }
    }
    const sql = postgres(options.url, {
      max: 10,
      onnotice: () => {},
      // a dead server must not hang requests: fail fast and let /api/health report it
      connect_timeout: 2,
      idle_timeout: 30,
      // nor may a stuck lock or a runaway query hold a connection for ever
      connection: { statement_timeout: 30_000, idle_in_transaction_session_timeout: 60_000 },
    });
    // probes get a connection of their own, so a pool busy with real work never looks like an outage
    const probeSql = postgres(options.url, { max: 1, onnotice: () => {}, connect_timeout: 1, idle_timeout: 0 });
    const db = drizzlePostgres(sql, { schema }) as unknown as Db;
    if (!options.migrationUrl) await migratePostgres(drizzlePostgres(sql, { schema }), { migrationsFolder });
    const probe = async () => {
      try {
        await withTimeout(probeSql`select 1`, 1000);
        return null;
      } catch (err) {
        return classifyStorageError(err) ?? 'error';
      }
    };
    return {
      db,
      kind: 'postgres',
      async listen(onPayload, onRelisten) {
        // postgres.js listens again by itself after its connection dropped; every onlisten after the first is such a return
        let first = true;
        const sub = await sql.listen(CHANGES_CHANNEL, onPayload, () => {
          if (!first) onRelisten?.();
          first = false;
        });
        return () => sub.unlisten();
      },
      probe,
      ping: async () => (await probe()) === null,
      close: async () => {
        await Promise.all([sql.end({ timeout: 5 }), probeSql.end({ timeout: 1 })]);
      },
    };
  }

  const { PGlite } = await import('@electric-sql/pglite');
  const dataDir = options.dataDir ?? '.data';
  let client: InstanceType<typeof PGlite>;
  if (dataDir === 'memory') client = new PGlite();
  else {
    const dir = path.join(path.resolve(/*turbopackIgnore: true*/ dataDir), 'pglite');
    mkdirSync(dir, { recursive: true });
    client = new PGlite(dir);
  }
  await client.waitReady;
  const db = drizzlePglite(client, { schema }) as unknown as Db;
  const ping = async () => {
    try {
      await client.query('select 1');
      return true;
    } catch {
      return false;
    }
  };
  await migratePglite(drizzlePglite(client, { schema }), { migrationsFolder });
  return {
    db,
    kind: 'pglite',
    async listen(onPayload) {
      const unsub = await client.listen(CHANGES_CHANNEL, onPayload);
      return unsub;
    },
    ping,
    probe: async () => ((await ping()) ? null : 'error'),
    close: () => client.close(),
  };
}

/**
 * What the app's own role may do when migrations run as a separate owner: read and write its tables, but
 * only INSERT and SELECT the audit log (no UPDATE, DELETE or TRUNCATE — not even with its triggers
 * disabled, which only the owner can do), and no DDL. Granted after every migration run, so new tables
 * are covered.
 */
async function grantAppRole(owner: import('postgres').Sql, role: string) {
  const [{ current_user: self }] = await owner<{ current_user: string }[]>`select current_user`;
  if (!role || role === self) return;
  const r = owner(role);
  await owner`grant usage on schema public to ${r}`;
  await owner`grant select, insert, update, delete on all tables in schema public to ${r}`;
  await owner`revoke update, delete, truncate, references, trigger on audit_log from ${r}`;
  await owner`grant usage, select on all sequences in schema public to ${r}`;
}

function withTimeout<T>(p: PromiseLike<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    // setImmediate: when our own event loop was blocked past the deadline, an answer already waiting in the
    // socket is read first (I/O runs before immediates), so a busy process is not mistaken for a dead server
    const t = setTimeout(() => setImmediate(() => reject(new StorageTimeout(`no answer within ${ms} ms`))), ms);
    Promise.resolve(p).then(
      (v) => {
        clearTimeout(t);
        resolve(v);
      },
      (e) => {
        clearTimeout(t);
        reject(e);
      },
    );
  });
}

/** `db.execute` answers an array on postgres.js and `{ rows }` on PGlite: this gives the rows either way. */
export function rowsOf<T>(result: unknown): T[] {
  if (Array.isArray(result)) return result as T[];
  return ((result as { rows?: T[] }).rows ?? []) as T[];
}

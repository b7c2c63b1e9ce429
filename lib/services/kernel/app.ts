import 'server-only';
import { openDatabase, type Database, type Db } from '@/lib/db/client';
import { ConfigError, readEnv } from '@/lib/env';
import { Caches, type CacheOptions } from './cache';
import { StorageMonitor } from './storage';
import { createSecretBox, loadOrCreateEmbeddedKey, type SecretBox } from './secrets';
import { readEncryptionKeyCheck } from './store';

/** Everything a service needs: the database, the secret box and the in-process caches. */
export interface App {
  database: Database;
  db: Db;
  secrets: SecretBox;
  caches: Caches;
  /** PostgreSQL outages: 503 instead of hangs, cached reads marked stale (kernel/storage.ts). */
  storage: StorageMonitor;
  /** Work to finish before the database closes (a feature's in-memory state that must reach it: metering). */
  onClose(fn: () => Promise<void>): void;
  close(): Promise<void>;
}

export async function createApp(database: Database, secrets: SecretBox, cacheOptions: CacheOptions = {}): Promise<App> {
  const caches = new Caches(cacheOptions);
  // Other instances' writes arrive by NOTIFY; ours are invalidated directly after commit as well.
  // A LISTEN connection that came back may have missed NOTIFYs meanwhile: subscribers of the change stream refetch.
  const unlisten = await database
    .listen(
      (payload) => caches.applyChange(payload),
      () => caches.invalidate({ type: 'resync' }),
    )
    .catch(() => async () => {});
  const storage = new StorageMonitor(database, () => {
    // first: subscribers of the change stream learn why they must refetch (issue 11)
    caches.invalidate({ type: 'resync' });
    for (const type of ['definitions', 'scopes', 'principals'] as const) caches.invalidate({ type });
    caches.invalidate({ type: 'flag', key: '' });
  });
  storage.start();
  const closing: (() => Promise<void>)[] = [];
  return {
    database,
    db: database.db,
    secrets,
    caches,
    storage,
    onClose: (fn) => closing.push(fn),
    async close() {
      for (const fn of closing.splice(0)) await fn().catch((err) => console.error('[switchboard] shutdown step failed', err));
      storage.stop();
      await unlisten().catch(() => {});
      await database.close();
    },
  };
}

const holder = globalThis as unknown as { __switchboardApp?: Promise<App> };

/** The process-wide app, opened from the environment on first use (cached across dev reloads). */
export function getApp(): Promise<App> {
  if (!holder.__switchboardApp) {
    holder.__switchboardApp = openFromEnv().catch((err) => {
      holder.__switchboardApp = undefined;
      throw err;
    });
  }
  return holder.__switchboardApp;
}

async function openFromEnv(): Promise<App> {
  const env = readEnv();
  // readEnv refuses DATABASE_URL without keys; embedded mode generates one
  const keys = env.encryptionKeys ?? [loadOrCreateEmbeddedKey(env.dataDir)];
  const database = await openDatabase({ url: env.databaseUrl, migrationUrl: env.migrationDatabaseUrl, dataDir: env.dataDir });
  const app = await createApp(database, createSecretBox(keys), { maxResolved: env.resolveCacheEntries });
  await checkEncryptionKey(app);
  return app;
}

/** Refuses to run without the key secrets were last written with (set up, or last `secrets:rotate`) in the ring. */
export async function checkEncryptionKey(app: App): Promise<void> {
  const check = await readEncryptionKeyCheck(app.db);
  if (check && !app.secrets.keyIds.includes(check)) {
    throw new ConfigError(
      `ENCRYPTION_KEY(S) lacks key ${check}, which this database's secrets are written with; add it to ENCRYPTION_KEYS (after the new key) to read them`,
    );
  }
}

/** Closes the process-wide app if it was ever opened (an embedded database must flush before exit). */
export async function closeApp(): Promise<void> {
  const opening = holder.__switchboardApp;
  holder.__switchboardApp = undefined;
  if (opening) await opening.then((app) => app.close()).catch(() => {});
}

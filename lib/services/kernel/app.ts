import 'server-only';
import { openDatabase, type Database, type Db } from '@/lib/db/client';
import { readEnv } from '@/lib/env';
import { Caches } from './cache';
import { createSecretBox, loadOrCreateEmbeddedKey, parseEncryptionKey, type SecretBox } from './secrets';
import { readEncryptionKeyCheck } from './store';

/** Everything a service needs: the database, the secret box and the in-process caches. */
export interface App {
  database: Database;
  db: Db;
  secrets: SecretBox;
  caches: Caches;
  close(): Promise<void>;
}

export async function createApp(database: Database, secrets: SecretBox): Promise<App> {
  const caches = new Caches();
  // Other instances' writes arrive by NOTIFY; ours are invalidated directly after commit as well.
  const unlisten = await database.listen((payload) => caches.applyChange(payload)).catch(() => async () => {});
  return {
    database,
    db: database.db,
    secrets,
    caches,
    async close() {
      await unlisten();
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
  let key: Buffer;
  if (env.encryptionKey) key = parseEncryptionKey(env.encryptionKey);
  else if (env.databaseUrl) throw new Error('ENCRYPTION_KEY is required when DATABASE_URL is set (64 hex characters: openssl rand -hex 32)');
  else key = loadOrCreateEmbeddedKey(env.dataDir);
  const database = await openDatabase({ url: env.databaseUrl, dataDir: env.dataDir });
  const app = await createApp(database, createSecretBox(key));
  await checkEncryptionKey(app);
  return app;
}

/** Refuses to run with a different ENCRYPTION_KEY than the one secrets were written with. */
export async function checkEncryptionKey(app: App): Promise<void> {
  const check = await readEncryptionKeyCheck(app.db);
  if (check && check !== app.secrets.fingerprint) {
    throw new Error('ENCRYPTION_KEY does not match the key this database was set up with; secrets could not be read');
  }
}

/** Closes the process-wide app if it was ever opened (an embedded database must flush before exit). */
export async function closeApp(): Promise<void> {
  const opening = holder.__switchboardApp;
  holder.__switchboardApp = undefined;
  if (opening) await opening.then((app) => app.close()).catch(() => {});
}

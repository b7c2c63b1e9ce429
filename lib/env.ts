import 'server-only';
import path from 'node:path';

/**
 * The one reader of process.env. Everything configurable about a running Switchboard is named here.
 */
export interface Env {
  /** postgres://… → real PostgreSQL; unset → embedded PGlite under dataDir. */
  databaseUrl: string | undefined;
  dataDir: string;
  port: number;
  /** 32-byte AES key as 64 hex chars or base64; required with DATABASE_URL, generated in dataDir otherwise. */
  encryptionKey: string | undefined;
  production: boolean;
}

export function readEnv(source: NodeJS.ProcessEnv = process.env): Env {
  const port = Number(source.PORT ?? 3000);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`PORT must be a port number, got ${source.PORT}`);
  return {
    databaseUrl: source.DATABASE_URL || undefined,
    dataDir: path.resolve(/*turbopackIgnore: true*/ source.SWITCHBOARD_DATA_DIR || '.data'),
    port,
    encryptionKey: source.ENCRYPTION_KEY || undefined,
    production: source.NODE_ENV === 'production',
  };
}

import 'server-only';
import { classifyStorageError, storageErrorMessage, type StorageFailure } from '@/lib/db/failure';
import { ConfigError } from '@/lib/env';
import { getApp, type App } from './app';

const RETRY_MS = 2000;

/** Why the app could not open its database, while it cannot (logged once per change). */
let openFailure: StorageFailure | null = null;

function noteOpenFailure(err: unknown, log: Pick<Console, 'error'>): StorageFailure {
  const reason = classifyStorageError(err) ?? 'error';
  if (reason !== openFailure) {
    log.error(`[switchboard] storage is unavailable (${reason}): ${storageErrorMessage(err)}; retrying every ${RETRY_MS / 1000} s`);
  }
  openFailure = reason;
  return reason;
}

/** /api/health: null when storage answers, else the reason class. */
export async function storageHealth(app?: App): Promise<{ reason: StorageFailure | null }> {
  if (!app) {
    try {
      app = await getApp();
    } catch (err) {
      return { reason: err instanceof ConfigError ? 'error' : noteOpenFailure(err, console) };
    }
  }
  if (app.database.kind === 'postgres') return { reason: (await app.storage.check()).reason };
  return { reason: (await app.database.ping()) ? null : 'error' };
}

/**
 * The server opens its database at start rather than on the first request, so a problem shows in the log
 * at once: a configuration error found only then (a key ring without the database's key) stops the
 * process; unreachable storage is logged and retried while /api/health says why.
 */
export async function openAppAtStart(log: Pick<Console, 'error' | 'log'> = console): Promise<void> {
  for (;;) {
    try {
      await getApp();
      if (openFailure) log.log('[switchboard] storage is reachable; ready');
      openFailure = null;
      return;
    } catch (err) {
      if (err instanceof ConfigError) {
        log.error(`[switchboard] configuration error: ${err.message}`);
        process.exit(78);
      }
      noteOpenFailure(err, log);
      await new Promise((r) => setTimeout(r, RETRY_MS));
    }
  }
}

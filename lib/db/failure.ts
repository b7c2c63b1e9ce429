/**
 * Why storage failed, as a short class an operator can act on (shown in /api/health and the log):
 * unreachable (refused, reset, no route, DNS), timeout, auth (wrong credentials or role), missing (no such
 * database), starting/shutdown (the server is not accepting connections), or error (anything else).
 */
export type StorageFailure = 'unreachable' | 'timeout' | 'auth' | 'missing' | 'starting' | 'shutdown' | 'error';

const NETWORK = new Set(['ECONNREFUSED', 'ECONNRESET', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'EPIPE', 'CONNECTION_CLOSED', 'CONNECTION_ENDED', 'CONNECTION_DESTROYED']);

export function classifyStorageError(err: unknown): StorageFailure | null {
  const e = err as { code?: unknown; cause?: unknown; message?: unknown } | null;
  if (!e || typeof e !== 'object') return null;
  const code = typeof e.code === 'string' ? e.code : '';
  if (NETWORK.has(code)) return 'unreachable';
  if (code === 'CONNECT_TIMEOUT' || code === 'STORAGE_TIMEOUT' || code === 'ETIMEDOUT') return 'timeout';
  if (code === '28P01' || code === '28000') return 'auth';
  if (code === '3D000') return 'missing';
  if (code === '57P03') return 'starting';
  if (code === '57P01' || code === '57P02') return 'shutdown';
  // drizzle wraps driver errors ("Failed query: …") with the original as cause
  if (e.cause && e.cause !== err) return classifyStorageError(e.cause);
  return null;
}

export class StorageTimeout extends Error {
  code = 'STORAGE_TIMEOUT';
}

/** The driver's own words (drizzle wraps them in "Failed query: …"): the innermost cause, with its code. */
export function storageErrorMessage(err: unknown): string {
  let e = err as { cause?: unknown; message?: unknown; code?: unknown } | null;
  while (e && typeof e === 'object' && e.cause && e.cause !== e) e = e.cause as typeof e;
  const message = e && typeof e.message === 'string' ? e.message : String(err);
  const code = e && typeof e.code === 'string' && !message.includes(e.code) ? ` (${e.code})` : '';
  return message + code;
}

import 'server-only';
import { can, type Principal } from '@/lib/auth/policy';
import type { Executor } from '@/lib/db/client';
import type { TBackup, TBackupContent, TBackupType, TCreateBackup } from '@/lib/schemas/backups';
import type { App } from '../kernel/app';
import { appendAudit } from '../audit/append';
import type { ChangeContext } from '../audit/types';
import { fail } from '../kernel/errors';
import { newId } from '../kernel/ids';
import { inTransaction } from '../kernel/transaction';
import { itemCount, pack, parseContent, readContent, sha256 } from './content';
import { insertBackup, type BackupMeta, type BackupRow } from './store';

export const toBackup = (m: BackupMeta): TBackup => ({
  id: m.id,
  type: m.type,
  origin: m.origin,
  note: m.note,
  createdAt: m.createdAt.toISOString(),
  createdBy: m.createdBy,
  size: m.size,
  compressedSize: m.compressedSize,
  checksum: m.checksum,
  items: m.items,
});

export function authorizeBackups(principal: Principal, action: 'backups.read' | 'backups.write' | 'backups.restore') {
  const doing = { 'backups.read': 'list or download backups', 'backups.write': 'create or delete backups', 'backups.restore': 'restore backups' }[action];
  if (!can(principal, action, { scopePath: ['global'] })) fail('INSUFFICIENT_PERMISSIONS', `Only platform admins may ${doing}`);
}

/** `POST /backups`: a backup of the configuration `type` covers, stored compressed, audited. */
export async function createBackup(app: App, principal: Principal, input: TCreateBackup, change: ChangeContext): Promise<TBackup> {
  authorizeBackups(principal, 'backups.write');
  return inTransaction(app, (tx) => takeBackup(app, tx, { type: input.type, origin: 'manual', note: input.note ?? null, change }));
}

export interface TakeOptions {
  type: TBackupType;
  origin: BackupRow['origin'];
  note: string | null;
  change: ChangeContext;
  /** An upload brings its content; otherwise it is read from `tx`. */
  content?: TBackupContent;
  /** When it was taken (the scheduler's clock); now by default. */
  at?: Date;
}

/**
 * Reads, packs and stores one backup with its audit entry, in the caller's transaction (the scheduler's,
 * a restore's for its pre-restore backup, or createBackup's). Callers authorize first.
 */
export async function takeBackup(app: App, tx: Executor, o: TakeOptions): Promise<TBackup> {
  const content = o.content ?? (await readContent(app, tx, o.type, o.note));
  const packed = await pack(content);
  const meta = await insertBackup(tx, {
    id: newId('bk'),
    type: o.type,
    origin: o.origin,
    note: o.note,
    createdAt: o.at ?? new Date(),
    createdBy: o.change.actor.id,
    size: packed.size,
    compressedSize: packed.compressed.length,
    checksum: packed.checksum,
    items: itemCount(content),
    content: packed.compressed,
  });
  const details = { id: meta.id, type: meta.type, origin: meta.origin, size: meta.size, checksum: meta.checksum, items: meta.items, ...(o.note ? { note: o.note } : {}) };
  await appendAudit(tx, o.change, [{ action: 'backup.create', key: null, scopeId: 'global', level: 'global', newValue: details, reason: o.note, details }]);
  return toBackup(meta);
}

/**
 * `POST /backups/upload`: a backup file downloaded from another instance (or this one) stored here as a
 * backup of its type, ready to restore. `checksum`, when given, must be the file's SHA-256 (a damaged
 * transfer is refused). Its content is stored as sent.
 */
export async function uploadBackup(app: App, principal: Principal, raw: Buffer, checksum: string | undefined, change: ChangeContext): Promise<TBackup> {
  authorizeBackups(principal, 'backups.write');
  // the sender's checksum is of the bytes it sent (the stored content is re-serialised, with its own)
  if (checksum && sha256(raw) !== checksum.toLowerCase()) {
    fail('BACKUP_CORRUPT', 'The file does not match the checksum sent with it: it was altered or damaged on the way. Download it again.', 'checksum');
  }
  const content = parseContent(raw, 'The file');
  return inTransaction(app, (tx) => takeBackup(app, tx, { type: content.type, origin: 'upload', note: content.note, change, content }));
}

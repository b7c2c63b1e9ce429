import 'server-only';
import type { Principal } from '@/lib/auth/policy';
import type { TBackup, TBackupList, TBackupsQuery } from '@/lib/schemas/backups';
import type { App } from '../kernel/app';
import { appendAudit } from '../audit/append';
import type { ChangeContext } from '../audit/types';
import { fail } from '../kernel/errors';
import { inTransaction } from '../kernel/transaction';
import { unpack } from './content';
import { authorizeBackups, toBackup } from './create';
import { deleteBackupRows, selectBackup, selectBackupMeta, selectBackups } from './store';

/** `GET /backups`: newest first, paged, without their content. */
export async function listBackups(app: App, principal: Principal, q: TBackupsQuery): Promise<TBackupList> {
  authorizeBackups(principal, 'backups.read');
  const { rows, total } = await selectBackups(app.db, q);
  return { backups: rows.map(toBackup), total, limit: q.limit, offset: q.offset };
}

/** `GET /backups/:id`: the content as the JSON file it is (checked against its checksum first). */
export async function downloadBackup(app: App, principal: Principal, id: string): Promise<{ backup: TBackup; bytes: Buffer; filename: string }> {
  authorizeBackups(principal, 'backups.read');
  const row = await selectBackup(app.db, id);
  if (!row) fail('NOT_FOUND', `No backup "${id}"`, 'id');
  const bytes = await unpack(row);
  const stamp = row.createdAt.toISOString().replace(/[-:]/g, '').replace(/\..*$/, '').replace('T', '-');
  return { backup: toBackup(row), bytes, filename: `switchboard-backup-${row.type}-${stamp}-${row.id}.json` };
}

/** `DELETE /backups/:id`: removes it, audited. */
export async function deleteBackup(app: App, principal: Principal, id: string, change: ChangeContext): Promise<{ deleted: true; id: string }> {
  authorizeBackups(principal, 'backups.write');
  return inTransaction(app, async (tx) => {
    const meta = await selectBackupMeta(tx, id);
    if (!meta) fail('NOT_FOUND', `No backup "${id}"`, 'id');
    await deleteBackupRows(tx, [id]);
    await appendAudit(tx, change, [{ action: 'backup.delete', scopeId: 'global', level: 'global', oldValue: toBackup(meta), details: { id, type: meta.type, origin: meta.origin } }]);
    return { deleted: true as const, id };
  });
}

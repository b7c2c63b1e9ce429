import 'server-only';
import { z } from 'zod';
import { IMPORT_BODY_LIMIT } from '@/lib/schemas/export-import';
import { ZBackup, ZBackupContent, ZBackupList, ZBackupsQuery, ZCreateBackup, ZRestoreAnswer, ZRestoreBody } from '@/lib/schemas/backups';
import { createBackup, uploadBackup } from '@/lib/services/backups/create';
import { deleteBackup, downloadBackup, listBackups } from '@/lib/services/backups/read';
import { restoreBackup } from '@/lib/services/backups/restore';
import { json } from '../http';
import { Reply } from '../reply';
import { route } from '../router';
import { readUploadText } from '../upload';

const tags = ['Backups'];

const ZUploadQuery = z.strictObject({ checksum: z.string().regex(/^[0-9a-fA-F]{64}$/, 'must be a SHA-256 in hex').optional().describe("the file's SHA-256, to refuse a damaged transfer") });

export const backupsRoutes = [
  route({
    method: 'POST',
    path: '/api/v1/backups',
    summary: 'Take a backup (full, system, user or model), stored gzip-compressed in the database with the SHA-256 of its content',
    tags,
    body: ZCreateBackup,
    response: ZBackup,
    successStatus: 201,
    handler: ({ app, principal, body, change }) => createBackup(app, principal, body, change),
  }),
  route({
    method: 'GET',
    path: '/api/v1/backups',
    summary: 'Backups, newest first (manual, scheduled, pre-restore, uploaded), without their content',
    tags,
    query: ZBackupsQuery,
    response: ZBackupList,
    handler: ({ app, principal, query }) => listBackups(app, principal, query),
  }),
  route({
    method: 'GET',
    path: '/api/v1/backups/:id',
    summary: "Download a backup as a JSON attachment (its checksum is checked first: 409 BACKUP_CORRUPT when it no longer matches); X-Switchboard-Checksum is the file's SHA-256",
    tags,
    response: ZBackupContent,
    errors: ['NOT_FOUND', 'BACKUP_CORRUPT'],
    handler: async ({ app, principal, params }) => {
      const { backup, bytes, filename } = await downloadBackup(app, principal, params.id);
      return new Reply(200, bytes.toString('utf8'), {
        'content-type': 'application/json; charset=utf-8',
        'cache-control': 'no-store',
        'content-disposition': `attachment; filename="${filename}"`,
        'x-switchboard-checksum': backup.checksum,
      });
    },
  }),
  route({
    method: 'DELETE',
    path: '/api/v1/backups/:id',
    summary: 'Delete a backup',
    tags,
    response: z.object({ deleted: z.literal(true), id: z.string() }),
    errors: ['NOT_FOUND'],
    handler: ({ app, principal, params, change }) => deleteBackup(app, principal, params.id, change),
  }),
  route({
    method: 'POST',
    path: '/api/v1/backups/upload',
    summary: 'Store a backup file downloaded from another instance (JSON body, or multipart field "file"; up to 10 MiB), ready to restore here',
    tags,
    query: ZUploadQuery,
    bodyLimit: IMPORT_BODY_LIMIT,
    upload: ZBackupContent,
    response: ZBackup,
    successStatus: 201,
    errors: ['PAYLOAD_TOO_LARGE', 'BACKUP_CORRUPT'],
    handler: async ({ app, principal, req, query, change }) => {
      const text = await readUploadText(req);
      return uploadBackup(app, principal, Buffer.from(text, 'utf8'), query.checksum, change);
    },
  }),
  route({
    method: 'POST',
    path: '/api/v1/restore',
    summary:
      "Restore a backup: preview answers the diff (keys this registry no longer has listed as invalid); otherwise a pre-restore backup is taken and the backup's state applied atomically (audit source restore, one change set). An optional If-Match (a preview's ETag) applies only that diff",
    tags,
    body: ZRestoreBody,
    response: ZRestoreAnswer,
    errors: ['NOT_FOUND', 'REASON_REQUIRED', 'BACKUP_CORRUPT', 'IMPORT_INVALID', 'VERSION_CONFLICT'],
    handler: async ({ app, principal, req, body, change }) => {
      const out = await restoreBackup(app, principal, body, req.headers.get('if-match') ?? undefined, change);
      return json(out, 200, { etag: out.etag });
    },
  }),
];

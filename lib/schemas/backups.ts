import { z } from 'zod';
import { ZIsoTime, ZLevelKey, ZPaging, ZScopeId, ZWriteScope } from './common';
import { ZDefinition } from './definition';
import { ZApplied, ZExportedFlag, ZExportedSetting, ZPreview } from './export-import';

/** Backups and restore (API.md "Export, import, backups, versions"). */

export const BACKUP_TYPES = ['full', 'system', 'user', 'model'] as const;
export const ZBackupType = z
  .enum(BACKUP_TYPES)
  .describe('full: everything an export covers at every scope, users\' own values and the AI model configuration; system: global, tenant, event … values, flag rows, custom definitions and the scope tree; user: users\' own values; model: AI model configuration');
export type TBackupType = z.infer<typeof ZBackupType>;

export const BACKUP_ORIGINS = ['manual', 'scheduled', 'pre-restore', 'upload'] as const;
export const ZBackupOrigin = z.enum(BACKUP_ORIGINS).describe('manual: POST /backups; scheduled: the automated job; pre-restore: taken by a restore before it applied; upload: a file brought from another instance');

export const BACKUP_FORMAT = 'switchboard-backup';
export const BACKUP_FORMAT_VERSION = '1.0';

export const ZCreateBackup = z.strictObject({
  type: ZBackupType,
  note: z.string().trim().max(500).optional(),
});
export type TCreateBackup = z.output<typeof ZCreateBackup>;

export const ZBackup = z.object({
  id: z.string(),
  type: ZBackupType,
  origin: ZBackupOrigin,
  note: z.string().nullable(),
  createdAt: z.string(),
  createdBy: z.string().nullable(),
  size: z.number().describe('bytes of the content (the JSON a download answers)'),
  compressedSize: z.number().describe('bytes stored (gzip)'),
  checksum: z.string().describe('SHA-256 (hex) of the content, checked before every download and restore'),
  items: z.number().describe('values, flag rows, definitions and model rows in it'),
});
export type TBackup = z.infer<typeof ZBackup>;

export const ZBackupsQuery = z.strictObject({ ...ZPaging, type: ZBackupType.optional() });
export type TBackupsQuery = z.output<typeof ZBackupsQuery>;
export const ZBackupList = z.object({ backups: z.array(ZBackup), total: z.number(), limit: z.number(), offset: z.number() });
export type TBackupList = z.infer<typeof ZBackupList>;

/** A value in a backup: scopes include users' own (`user:<id>`); secrets only encrypted. */
export const ZBackupSetting = ZExportedSetting.extend({ scope: ZWriteScope });

/** The content of a backup: what a download answers and what an upload sends. */
export const ZBackupContent = z.strictObject({
  format: z.literal(BACKUP_FORMAT),
  version: z.string().describe(`the format version; this server reads "${BACKUP_FORMAT_VERSION}"`),
  type: ZBackupType,
  createdAt: ZIsoTime,
  note: z.string().max(500).nullable().default(null),
  registry: z
    .object({ keys: z.number(), fingerprint: z.string() })
    .optional()
    .describe('the registry the backup was made with (a restore lists keys this registry no longer has as invalid)'),
  levels: z.array(z.strictObject({ key: ZLevelKey, label: z.string().max(200), parentKey: z.string().max(100).nullable(), position: z.number().int() })).max(1000).default([]),
  scopes: z.array(z.strictObject({ id: ZScopeId, level: ZLevelKey, parentId: ZScopeId.nullable(), name: z.string().max(300) })).max(100_000).default([]),
  settings: z.array(ZBackupSetting).max(1_000_000).default([]),
  flags: z.array(ZExportedFlag).max(100_000).default([]),
  definitions: z.array(ZDefinition).max(10_000).default([]),
  models: z.record(z.string(), z.unknown()).nullable().default(null).describe('the AI model configuration (type "model" dump) for full and model backups'),
});
export type TBackupContent = z.output<typeof ZBackupContent>;

export const ZRestoreBody = z.strictObject({
  backupId: z.string().min(1).max(100),
  preview: z.boolean().optional().describe('true: answer the diff, write nothing'),
  reason: z.string().trim().max(1000).optional().describe('required to apply'),
});
export type TRestoreBody = z.output<typeof ZRestoreBody>;

const ZModelCounts = z
  .object({ configurations: z.number(), templates: z.number(), access: z.number() })
  .describe('full and model backups: the AI model configuration the restore puts in place of the current one (rows in the backup)');

export const ZRestorePreview = ZPreview.extend({ models: ZModelCounts.optional() });
export const ZRestoreApplied = ZApplied.extend({
  preRestoreBackup: ZBackup.describe('the backup of the state before the restore, taken in the same transaction'),
  models: ZModelCounts.optional(),
});
export type TRestoreApplied = z.infer<typeof ZRestoreApplied>;

export const ZRestoreAnswer = z.union([ZRestorePreview, ZRestoreApplied]);

import { z } from 'zod';
import { ZIsoTime, ZScopeId } from './api';
import { ZDefinition, ZSettingKey } from './definition';
import { ZFlagKey, ZFlagType, ZFlagVariant } from './flags';

/**
 * The configuration document of export / import (API.md "Export, import, backups, versions"), and the
 * diff every preview / confirm answers (import, restore, promote, revert).
 */

export const EXPORT_FORMAT_VERSION = '1.0';
/** Imports and restores may send up to 10 MiB (API.md "Conventions"). */
export const IMPORT_BODY_LIMIT = 10 * 1024 * 1024;

/** One stored value. Secrets travel only as `encrypted` (ciphertext under the exporting instance's key). */
export const ZExportedSetting = z.strictObject({
  key: ZSettingKey,
  scope: ZScopeId,
  value: z.unknown().optional(),
  encrypted: z.string().max(100_000).optional().describe('a secret, encrypted (AES-256-GCM) under the key of the instance that exported it'),
  type: z.string().max(40).optional().describe('informative: the type the exporting registry had'),
  category: z.string().max(100).optional(),
  locked: z.boolean().optional().describe('forbids overrides below this scope'),
  skipTo: z.string().max(40).optional().describe('allowSkipLevel: inherit from this ancestor level'),
});
export type TExportedSetting = z.infer<typeof ZExportedSetting>;

/** One flag row at one scope, its whole rule. */
export const ZExportedFlag = z.strictObject({
  key: ZFlagKey,
  scope: ZScopeId,
  enabled: z.boolean(),
  description: z.string().max(2000).default(''),
  flagType: ZFlagType.default('boolean'),
  rolloutPercentage: z.number().int().min(0).max(100).nullable().default(null),
  enabledForRoles: z.array(z.string().min(1).max(100)).max(1000).default([]),
  enabledForUsers: z.array(z.string().min(1).max(200)).max(10_000).default([]),
  dependsOnFlag: ZFlagKey.nullable().default(null),
  expiresAt: ZIsoTime.nullable().default(null),
  variants: z.array(ZFlagVariant).min(1).max(100).nullable().default(null),
  metadata: z.record(z.string(), z.unknown()).nullable().default(null),
});
export type TExportedFlag = z.output<typeof ZExportedFlag>;

export const ZExportDocument = z.strictObject({
  version: z.string().describe(`the format version; this server reads "${EXPORT_FORMAT_VERSION}"`),
  exportedAt: ZIsoTime.optional(),
  exportedBy: z.string().max(300).nullable().optional(),
  scope: ZScopeId.optional().describe('the scope the export started at'),
  category: z.string().max(100).nullable().optional(),
  includeDescendants: z.boolean().optional(),
  settings: z.array(ZExportedSetting).max(200_000).default([]),
  flags: z.array(ZExportedFlag).max(20_000).default([]),
  definitions: z.array(ZDefinition).max(10_000).default([]).describe('custom (source "ui") definitions the values need'),
});
export type TExportDocument = z.output<typeof ZExportDocument>;

export const ZScopeMap = z
  .record(ZScopeId, ZScopeId)
  .describe('scope id in the file → scope id here, e.g. { "tenant_au": "tenant_ke" } copies one tenant into another');

/** The import body: the export document, with the mapping and reason alongside (a multipart upload sends them as fields). */
export const ZImportBody = ZExportDocument.extend({
  mapScopes: ZScopeMap.optional(),
  reason: z.string().trim().max(1000).optional(),
});
export type TImportBody = z.output<typeof ZImportBody>;

const ZBool = z.enum(['true', 'false']).transform((v) => v === 'true');

export const ZExportQuery = z.strictObject({
  scope: ZScopeId.default('global'),
  category: z.string().max(100).optional(),
  includeDescendants: ZBool.default(false).describe('also the values and flag rows of every scope below (that you may read)'),
  includeSecrets: ZBool.default(false).describe('platform admins: add secrets, encrypted under the current key'),
});
export type TExportQuery = z.output<typeof ZExportQuery>;

/** Every diff / confirm endpoint: exactly one of ?preview=true and ?confirm=true. */
export const ZDiffQuery = z.strictObject({ preview: ZBool.optional(), confirm: ZBool.optional() });
export const ZImportQuery = ZDiffQuery.extend({ reason: z.string().trim().max(1000).optional() });

export const CHANGE_ACTIONS = ['create', 'update', 'delete', 'unchanged', 'invalid'] as const;
export const ZChangeAction = z.enum(CHANGE_ACTIONS);
export type TChangeAction = z.infer<typeof ZChangeAction>;

/** One line of a diff. `delete` appears only where the target state removes something (restore, revert). */
export const ZChange = z.object({
  kind: z.enum(['setting', 'flag', 'definition']),
  key: z.string(),
  scope: z.string().nullable(),
  currentValue: z.unknown().describe('secrets as "********"; for flags the rule; null when absent'),
  newValue: z.unknown(),
  currentLocked: z.boolean().optional(),
  newLocked: z.boolean().optional(),
  currentVersion: z.number().describe('the version the diff was computed against (0: none)'),
  action: ZChangeAction,
  error: z.object({ code: z.string(), message: z.string(), field: z.string().optional() }).optional(),
});
export type TChange = z.infer<typeof ZChange>;

export const ZDiffSummary = z.object({
  toCreate: z.number(),
  toUpdate: z.number(),
  toDelete: z.number(),
  unchanged: z.number(),
  invalid: z.number(),
});
export type TDiffSummary = z.infer<typeof ZDiffSummary>;

export const ZPreview = z.object({
  preview: z.literal(true),
  etag: z.string().describe('send it back as If-Match with confirm=true: the confirm applies only this diff'),
  changes: z.array(ZChange),
  summary: ZDiffSummary,
});
export type TPreview = z.infer<typeof ZPreview>;

export const ZApplied = z.object({
  imported: z.number().describe('items created, updated or deleted'),
  created: z.number(),
  updated: z.number(),
  deleted: z.number(),
  unchanged: z.number(),
  changeSetId: z.string().nullable().describe('the change set (GET /versions/:id); null when nothing changed'),
  auditIds: z.array(z.number()),
});
export type TApplied = z.infer<typeof ZApplied>;

import { z } from 'zod';
import { ZContextQuery, ZIsoTime, ZPaging, ZScopeId, ZSettingKey, ZWriteScope } from './common';

// The shared pieces live in ./common (so the other schema modules need not import this one); re-exported for callers.
export { ZContextQuery, ZError, ZIsoTime, ZPaging, ZScopeId, ZWriteScope } from './common';

/**
 * Request and response schemas of the HTTP API. The handlers parse with them and the OpenAPI document
 * is generated from them, so the two cannot drift apart.
 */

// ------------------------------------------------------------------ setup

export const ZBootstrapBody = z.strictObject({
  admin: z.strictObject({
    email: z.email().max(254),
    name: z.string().trim().min(1).max(200),
    password: z.string().min(12, 'must be at least 12 characters').max(1024),
  }),
  catalog: z.string().max(100).optional(),
});

// ------------------------------------------------------------------ settings

export const ZSettingsListQuery = z.strictObject({ ...ZContextQuery, category: z.string().max(100).optional(), q: z.string().max(200).optional(), ...ZPaging });
export const ZScopeQuery = z.strictObject({ ...ZContextQuery });
export const ZResolveQuery = z.strictObject({ ...ZContextQuery, at: ZIsoTime.optional() });

export const ZPutSetting = z.strictObject({
  value: z.unknown().optional(),
  scope: ZWriteScope,
  reason: z.string().trim().max(1000).optional(),
  lock: z.boolean().optional(),
  skipTo: z.string().max(40).optional().describe('allowSkipLevel settings: inherit from this ancestor level instead'),
});
export const ZDeleteSettingQuery = z.strictObject({ scope: ZWriteScope, reason: z.string().max(1000).optional() });
export const ZBulkBody = z.strictObject({
  settings: z.array(z.strictObject({ key: ZSettingKey, value: z.unknown(), scope: ZWriteScope })).min(1).max(1000),
  reason: z.string().trim().max(1000).optional(),
  atomic: z.boolean().default(true),
});
export const ZValidateBody = z.strictObject({ key: ZSettingKey, value: z.unknown() });
export const ZHistoryQuery = z.strictObject({ scope: ZWriteScope.optional(), ...ZPaging });
export const ZRollbackBody = z.strictObject({ scope: ZWriteScope, toVersion: z.number().int().min(1), reason: z.string().trim().min(1).max(1000) });
export const ZRevealBody = z.strictObject({ scope: ZScopeId.default('global'), password: z.string().min(1).max(1024) });
export const ZDocumentWriteQuery = z.strictObject({ reason: z.string().max(1000).optional() });
export const ZUserDocumentQuery = z.strictObject({ scope: ZScopeId.optional(), tenantId: ZScopeId.optional(), eventId: ZScopeId.optional(), projectId: ZScopeId.optional() });

export const ZChainLink = z.object({
  level: z.string(),
  scopeId: z.string().nullable(),
  value: z.unknown(),
  locked: z.boolean().optional(),
  skipped: z.boolean().optional(),
  skipTo: z.string().optional(),
});
export const ZResolveAnswer = z.object({
  key: z.string(),
  value: z.unknown(),
  type: z.string(),
  resolvedFrom: z.string(),
  resolvedScopeId: z.string().nullable(),
  inheritanceChain: z.array(ZChainLink),
  version: z.number(),
});

export const ZAuditEntry = z.object({
  id: z.number(),
  at: z.string(),
  actorId: z.string().nullable(),
  actorName: z.string().nullable(),
  actorRole: z.string().nullable(),
  action: z.string(),
  key: z.string().nullable(),
  scopeId: z.string().nullable(),
  level: z.string().nullable(),
  oldValue: z.unknown(),
  newValue: z.unknown(),
  reason: z.string().nullable(),
  source: z.string(),
  ip: z.string().nullable(),
  version: z.number().nullable(),
  details: z.unknown(),
});

export const ZWriteAnswer = z.object({
  setting: z.record(z.string(), z.unknown()),
  scope: z.string(),
  value: z.unknown(),
  locked: z.boolean(),
  version: z.number(),
  audit: ZAuditEntry,
});

// ------------------------------------------------------------------ preferences

export const ZPreferenceBody = z.strictObject({ value: z.unknown() });
export const ZPreferencesBody = z.strictObject({ preferences: z.record(ZSettingKey, z.unknown()) });

import { z } from 'zod';
import { ZSettingKey } from './definition';

/**
 * Request and response schemas of the HTTP API. The handlers parse with them and the OpenAPI document
 * is generated from them, so the two cannot drift apart.
 */

const SCOPE_ID = /^[a-z0-9][a-z0-9_-]{0,62}$/;
export const ZScopeId = z.string().regex(SCOPE_ID, 'must match ^[a-z0-9][a-z0-9_-]{0,62}$');
/** A scope id, or `user:<userId>` for a user's own values. */
export const ZWriteScope = z.string().max(100).regex(/^([a-z0-9][a-z0-9_-]{0,62}|user:[A-Za-z0-9_-]{1,64})$/, 'must be a scope id or user:<userId>');

export const ZPaging = {
  limit: z.coerce.number().int().min(1).max(500).default(50),
  offset: z.coerce.number().int().min(0).default(0),
};

export const ZContextQuery = {
  scope: ZScopeId.optional(),
  userId: z.string().min(1).max(64).optional().describe('a user id, or `me`'),
  tenantId: ZScopeId.optional(),
  eventId: ZScopeId.optional(),
  projectId: ZScopeId.optional(),
};

export const ZIsoTime = z.iso.datetime({ offset: true }).describe('ISO 8601 timestamp, e.g. 2026-02-10T14:30:00Z');

export const ZError = z.strictObject({
  error: z.strictObject({
    code: z.string(),
    message: z.string(),
    field: z.string().optional(),
    details: z.unknown().optional(),
  }),
});

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
export type TResolveAnswer = z.infer<typeof ZResolveAnswer>;

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
export type TAuditEntry = z.infer<typeof ZAuditEntry>;

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

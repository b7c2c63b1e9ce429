import { z } from 'zod';
import { ZContextQuery, ZIsoTime, ZPaging, ZScopeId, ZSettingKey, ZWriteScope } from './common';
import { ZDefinition } from './definition';

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
export type TChainLink = z.infer<typeof ZChainLink>;
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
/** A page of audit entries (GET /audit). */
export const ZAuditPage = z.object({ entries: z.array(ZAuditEntry), total: z.number() });
export type TAuditPage = z.infer<typeof ZAuditPage>;
/** A setting's change history (GET /settings/:key/history). */
export const ZHistoryPage = z.object({ history: z.array(ZAuditEntry), total: z.number() });
export type THistoryPage = z.infer<typeof ZHistoryPage>;

/** GET /settings/:key: the definition, the value stored at the scope (null: none) and the resolved value. */
export const ZSettingAtScope = z.object({
  setting: z.object(ZDefinition.shape).describe('the definition (a secret default masked)'),
  scope: z.string(),
  value: z.unknown(),
  locked: z.boolean(),
  resolvedValue: z.unknown(),
  resolvedFrom: z.string(),
  resolvedScopeId: z.string().nullable(),
  version: z.number().describe('of the value stored at the scope; 0 when none'),
});
export type TSettingAtScope = z.infer<typeof ZSettingAtScope>;

export const ZWriteAnswer = z.object({
  setting: z.record(z.string(), z.unknown()),
  scope: z.string(),
  value: z.unknown(),
  locked: z.boolean(),
  version: z.number(),
  audit: ZAuditEntry,
});
export type TWriteAnswer = z.infer<typeof ZWriteAnswer>;

/** POST /settings/:key/reveal: the plain value of a secret. */
export const ZRevealAnswer = z.object({ key: z.string(), scope: z.string(), value: z.unknown(), resolvedFrom: z.string() });
export type TRevealAnswer = z.infer<typeof ZRevealAnswer>;

/** What one scope on the path stores for a setting (whether or not resolution got that far). */
export const ZValueOnPath = z.object({
  level: z.string(),
  scopeId: z.string(),
  stored: z.boolean(),
  value: z.unknown(),
  locked: z.boolean(),
  version: z.number(),
});
/** GET /settings/schema: categories → groups → settings with their values at the scope, for a data-driven UI. */
export const ZSettingsSchema = z.object({
  scope: z.object({ id: z.string(), level: z.string() }),
  categories: z.array(
    z.object({
      key: z.string(),
      label: z.string(),
      description: z.string(),
      security: z.boolean(),
      count: z.number(),
      groups: z.array(
        z.object({
          key: z.string(),
          label: z.string(),
          settings: z.array(
            z.object({
              ...ZDefinition.shape,
              currentValue: z.unknown(),
              resolvedFrom: z.string(),
              resolvedScopeId: z.string().nullable(),
              version: z.number(),
              canOverride: z.boolean().describe('the caller may set a value at this scope'),
              valuesOnPath: z.array(ZValueOnPath).describe('every scope from here up to global'),
            }),
          ),
        }),
      ),
    }),
  ),
  hierarchyLevels: z.array(z.object({ key: z.string(), label: z.string(), parentKey: z.string().nullable(), position: z.number() })),
});
export type TSettingsSchema = z.infer<typeof ZSettingsSchema>;

/** GET /stats: dashboard counts within what the caller may read. */
export const ZStats = z.object({
  total: z.number().describe('setting definitions'),
  overrides: z.number().describe('values stored at scopes (user values not counted)'),
  requiresRestart: z.number(),
  recentChanges24h: z.number(),
  flags: z.number(),
  categories: z.number(),
});
export type TStats = z.infer<typeof ZStats>;

// ------------------------------------------------------------------ preferences

export const ZPreferenceBody = z.strictObject({ value: z.unknown() });
export const ZPreferencesBody = z.strictObject({ preferences: z.record(ZSettingKey, z.unknown()) });
/** GET /users/me/preferences: resolved values and the level each came from ('user' = the caller's own). */
export const ZPreferencesAnswer = z.object({ preferences: z.record(z.string(), z.unknown()), resolvedFrom: z.record(z.string(), z.string()) });
export type TPreferencesAnswer = z.infer<typeof ZPreferencesAnswer>;

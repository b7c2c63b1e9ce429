import { z } from 'zod';
import { ZIsoTime, ZScopeId } from './common';
import { ZSettingType } from './definition';
import { ZFlagType, ZFlagVariant } from './flags';

/**
 * The SDK's snapshot (`GET /api/v1/sdk/snapshot`): everything a service needs to answer `get` and
 * `isEnabled` in-process for one context. The server builds it, the SDK parses it with this schema.
 */

export const ZSdkSnapshotQuery = z.strictObject({
  scope: ZScopeId.optional(),
  tenantId: ZScopeId.optional(),
  eventId: ZScopeId.optional(),
  projectId: ZScopeId.optional(),
  userId: z.string().min(1).max(64).optional().describe('whose user-level values (preferences) count: a user id, or `me`'),
});
export type TSdkSnapshotQuery = z.infer<typeof ZSdkSnapshotQuery>;

/** One resolved setting: its value for the context, the version of the row that decided and where it lives. */
export const ZSdkSetting = z.object({
  value: z.unknown(),
  version: z.number().int(),
  resolvedScopeId: z.string().nullable(),
});
export type TSdkSetting = z.infer<typeof ZSdkSetting>;

/** A stored flag row's rule fields: what lib/engine/flags evaluates. */
export const ZSdkFlagRow = z.object({
  key: z.string(),
  scopeId: z.string(),
  enabled: z.boolean(),
  flagType: ZFlagType,
  rolloutPercentage: z.number().int().nullable(),
  enabledForRoles: z.array(z.string()),
  enabledForUsers: z.array(z.string()),
  dependsOnFlag: z.string().nullable(),
  expiresAt: ZIsoTime.nullable(),
  variants: z.array(ZFlagVariant).nullable(),
  version: z.number().int(),
});
export type TSdkFlagRow = z.infer<typeof ZSdkFlagRow>;

export const ZSdkSnapshot = z.object({
  /** The snapshot's ETag (without quotes): equal versions, equal content. */
  version: z.string(),
  /** The context's scope path, most specific first (flag rows are looked up along it). */
  scopePath: z.array(z.string()),
  userId: z.string().nullable(),
  /** Every registry key's value type (secrets included, so `get` can say why a secret is absent). */
  types: z.record(z.string(), ZSettingType),
  /** Resolved values; secrets are never in a snapshot. */
  settings: z.record(z.string(), ZSdkSetting),
  /** Every flag row on the scope path (empty when the caller may not evaluate flags there). */
  flags: z.array(ZSdkFlagRow),
});
export type TSdkSnapshot = z.infer<typeof ZSdkSnapshot>;

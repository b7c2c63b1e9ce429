import { z } from 'zod';
import { SETTING_KEY_PATTERN } from '@/lib/engine/patterns';
import { ZIsoTime, ZPaging, ZScopeId } from './common';

/** Feature flags (API.md "Feature flags", seed 003 §3.2 / §5.2). */

export const FLAG_TYPES = ['boolean', 'percentage', 'user_targeted', 'role_targeted', 'tenant_targeted'] as const;
export const ZFlagType = z.enum(FLAG_TYPES);
export type TFlagType = z.infer<typeof ZFlagType>;

export const ZFlagKey = z.string().max(200).regex(SETTING_KEY_PATTERN, 'must be dotted, e.g. "feature.newDashboard"');

/** A variant value is what OpenFeature clients receive: a string, number, boolean or JSON object/array. */
const ZVariantValue = z.union([z.string(), z.number(), z.boolean(), z.record(z.string(), z.unknown()), z.array(z.unknown())]);
export const ZFlagVariant = z.strictObject({
  key: z.string().min(1, 'must not be empty').max(100).regex(/^[A-Za-z0-9_.-]+$/, 'letters, digits, _ . -'),
  value: ZVariantValue,
  weight: z.number().int().min(0).max(100),
});
export type TFlagVariant = z.infer<typeof ZFlagVariant>;

/** The rule fields a flag row carries; `null` clears an optional one. */
const ruleFields = {
  enabled: z.boolean(),
  description: z.string().max(2000),
  flagType: ZFlagType,
  rolloutPercentage: z.number().int('must be a whole number').min(0, 'must be 0–100').max(100, 'must be 0–100').nullable(),
  enabledForRoles: z.array(z.string().min(1).max(100)).max(1000),
  enabledForUsers: z.array(z.string().min(1).max(200)).max(10_000),
  dependsOnFlag: ZFlagKey.nullable(),
  expiresAt: ZIsoTime.nullable(),
  variants: z.array(ZFlagVariant).min(1).max(100).nullable().describe('Weights are whole percentages summing to 100; all values of one JSON kind'),
  metadata: z.record(z.string(), z.unknown()).nullable().describe('Free-form, e.g. { jiraTicket, owner }'),
};
const reason = z.string().trim().max(1000).optional();

/** A partial change; at a scope without a row of its own it creates an override from the inherited flag. */
export const ZUpdateFlag = z.strictObject({
  scope: ZScopeId.default('global'),
  enabled: ruleFields.enabled.optional(),
  description: ruleFields.description.optional(),
  flagType: ruleFields.flagType.optional(),
  rolloutPercentage: ruleFields.rolloutPercentage.optional(),
  enabledForRoles: ruleFields.enabledForRoles.optional(),
  enabledForUsers: ruleFields.enabledForUsers.optional(),
  dependsOnFlag: ruleFields.dependsOnFlag.optional(),
  expiresAt: ruleFields.expiresAt.optional(),
  variants: ruleFields.variants.optional(),
  metadata: ruleFields.metadata.optional(),
  reason,
});
export type TUpdateFlag = z.output<typeof ZUpdateFlag>;

export const ZCreateFlag = ZUpdateFlag.extend({
  key: ZFlagKey,
  enabled: ruleFields.enabled.default(false),
  description: ruleFields.description.default(''),
  flagType: ruleFields.flagType.default('boolean'),
});
export type TCreateFlag = z.output<typeof ZCreateFlag>;

const ZScopeContext = {
  scope: ZScopeId.optional(),
  tenantId: ZScopeId.optional(),
  eventId: ZScopeId.optional(),
  projectId: ZScopeId.optional(),
};
export const ZFlagListQuery = z.strictObject({ ...ZScopeContext, ...ZPaging });
export const ZFlagScopeQuery = z.strictObject(ZScopeContext);
export const ZFlagDeleteQuery = z.strictObject({ scope: ZScopeId.default('global'), reason });
export const ZFlagEvaluateQuery = z.strictObject({
  ...ZScopeContext,
  userId: z.string().min(1).max(200).optional().describe('the targeting key (any id of your users), or `me`'),
  role: z.string().min(1).max(100).optional(),
});

export const ZFlag = z.object({
  key: z.string(),
  scope: z.string(),
  enabled: z.boolean(),
  description: z.string(),
  flagType: ZFlagType,
  rolloutPercentage: z.number().nullable(),
  enabledForRoles: z.array(z.string()),
  enabledForUsers: z.array(z.string()),
  dependsOnFlag: z.string().nullable(),
  expiresAt: z.string().nullable(),
  variants: z.array(ZFlagVariant).nullable(),
  metadata: z.record(z.string(), z.unknown()).nullable(),
  version: z.number(),
  createdAt: z.string(),
  updatedAt: z.string(),
  updatedBy: z.string().nullable(),
  lastEvaluatedAt: z.string().nullable(),
});
export type TFlag = z.infer<typeof ZFlag>;
/** A flag row as seen from a scope: its own, or inherited from an ancestor. */
export const ZFlagAtScope = ZFlag.extend({ inherited: z.boolean().describe('the row is stored at an ancestor of the requested scope') });
export type TFlagAtScope = z.infer<typeof ZFlagAtScope>;

export const FLAG_REASONS = [
  'NOT_FOUND',
  'DISABLED',
  'EXPIRED',
  'DEPENDENCY_DISABLED',
  'ENABLED',
  'ROLLOUT_INCLUDED',
  'ROLLOUT_EXCLUDED',
  'USER_TARGETED',
  'USER_NOT_TARGETED',
  'ROLE_TARGETED',
  'ROLE_NOT_TARGETED',
] as const;
export type TFlagReason = (typeof FLAG_REASONS)[number];

export const ZFlagEvaluation = z.object({
  key: z.string(),
  enabled: z.boolean(),
  reason: z.enum(FLAG_REASONS),
  variant: z.string().optional(),
  value: z.unknown().optional().describe("the assigned variant's value"),
});
export type TFlagEvaluation = z.infer<typeof ZFlagEvaluation>;

/** Type, expiry and creation are those of the flag's global row (or its only rows' first, when it has none). */
export const ZFlagMatrix = z.object({
  scopes: z.array(z.object({ id: z.string(), name: z.string() })),
  flags: z.array(
    z.object({
      key: z.string(),
      description: z.string(),
      flagType: ZFlagType,
      expiresAt: z.string().nullable(),
      createdAt: z.string(),
      lastEvaluatedAt: z.string().nullable().describe('the latest evaluation of any of its rows you may read, recorded at most once a minute'),
      cells: z.record(z.string(), z.object({ enabled: z.boolean(), inherited: z.boolean() })),
    }),
  ),
});
export type TFlagMatrix = z.infer<typeof ZFlagMatrix>;

/** A flag shipped with an example catalog: created at global when missing, never overwritten. */
export type TCatalogFlag = { key: string; enabled: boolean; description: string; flagType: TFlagType; rolloutPercentage?: number };

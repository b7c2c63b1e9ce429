import { z } from 'zod';
import { LEVEL_KEY_PATTERN, SCOPE_ID_PATTERN, SETTING_KEY_PATTERN, WRITE_SCOPE_PATTERN } from '@/lib/engine/patterns';

/** Building blocks every other schema module uses; this one imports no other schema module (no cycles). */

export const ZSettingKey = z.string().max(200).regex(SETTING_KEY_PATTERN, 'must be dotted, e.g. "catering.bufferPercentage"');
export const ZLevelKey = z.string().regex(LEVEL_KEY_PATTERN, 'must be lower-case letters, digits and _');

export const ZScopeId = z.string().regex(SCOPE_ID_PATTERN, `must match ${SCOPE_ID_PATTERN.source}`);
/** A scope id, or `user:<userId>` for a user's own values. */
export const ZWriteScope = z.string().max(100).regex(WRITE_SCOPE_PATTERN, 'must be a scope id or user:<userId>');

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

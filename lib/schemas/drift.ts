import { z } from 'zod';
import { ZScopeId, ZSettingKey } from './common';

/** Configuration drift (seed 003 §5.5, API.md "Migrations, drift"). */

export const ZDriftSeverity = z.enum(['info', 'warning', 'critical']);
export type TDriftSeverity = z.infer<typeof ZDriftSeverity>;

/**
 * One row of a catalog's drift table: the first row that matches a key decides its severity and whether
 * remediation may restore it without a person. `match`: a key, a glob (`upload.max*`), `category:<key>`,
 * `secret` (any secret) or `security` (any key of a security category).
 */
export const ZDriftRule = z.strictObject({
  match: z.string().min(1).max(200),
  severity: ZDriftSeverity,
  autoRemediable: z.boolean().optional(),
});
export type TDriftRule = z.infer<typeof ZDriftRule>;

export const ZDriftQuery = z.strictObject({ scope: ZScopeId.default('global').describe('this scope and every scope below it') });

const expected = {
  key: z.string(),
  scope: z.string(),
  tenantId: z.string().nullable().describe('the tenant the scope belongs to (null at global and for users)'),
  severity: ZDriftSeverity,
  autoRemediable: z.boolean(),
  expectedFrom: z.enum(['audit', 'migration', 'none']).describe('what says what should be stored: the last audit entry, an applied settings migration, or nothing (never recorded)'),
  reason: z.string(),
};

export const ZDriftedItem = z.object({
  ...expected,
  expectedValue: z.unknown().describe('null when nothing should be stored; secrets as "********"'),
  actualValue: z.unknown().describe('secrets as "********"'),
});
export const ZMissingItem = z.object({ ...expected, expectedValue: z.unknown() });
export const ZUnexpectedItem = z.object({ key: z.string(), scope: z.string(), actualValue: z.unknown(), reason: z.string() });

export const ZDriftReport = z.object({
  scope: z.string(),
  drifted: z.array(ZDriftedItem),
  missing: z.array(ZMissingItem).describe('values the audit log or a migration says are stored, but are not'),
  unexpected: z.array(ZUnexpectedItem).describe('stored values of keys the registry does not know, or at scopes that do not exist'),
  checkedAt: z.string(),
  checked: z.number().describe('stored values compared'),
});
export type TDriftReport = z.infer<typeof ZDriftReport>;
export type TDriftedItem = z.infer<typeof ZDriftedItem>;
export type TMissingItem = z.infer<typeof ZMissingItem>;

export const ZRecordedDrift = z.object({
  report: ZDriftReport.extend({ id: z.number(), trigger: z.enum(['schedule', 'cli']) }).nullable().describe('null until the first check ran'),
});
export type TRecordedDrift = z.infer<typeof ZRecordedDrift>;

export const ZRemediateBody = z.strictObject({
  scope: ZScopeId.default('global'),
  keys: z.array(ZSettingKey).max(1000).optional().describe('only these keys (default: every auto-remediable one)'),
  reason: z.string().trim().min(1).max(1000).optional(),
});
export type TRemediateBody = z.input<typeof ZRemediateBody>;

export const ZRemediated = z.object({
  remediated: z.array(z.string()).describe('keys restored (as key@scope pairs in `items`)'),
  items: z.array(z.object({ key: z.string(), scope: z.string() })),
  skipped: z.array(z.object({ key: z.string(), scope: z.string(), reason: z.string() })).describe('drift left for a person to review'),
  changeSetId: z.string().nullable(),
});
export type TRemediated = z.infer<typeof ZRemediated>;

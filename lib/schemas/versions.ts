import { z } from 'zod';
import { ZPaging } from './api';

/** Versions: the configuration's change sets (API.md "Export, import, backups, versions"). */

export const ZVersionsQuery = z.strictObject({ ...ZPaging });

const ZActor = z.object({ id: z.string().nullable(), name: z.string().nullable(), role: z.string().nullable() });

export const ZVersion = z.object({
  id: z.string().describe('the change set id (audit entries carry it as changeSetId)'),
  at: z.string(),
  actor: ZActor,
  reason: z.string().nullable(),
  source: z.string(),
  changes: z.number().describe('how many values, flag rows and definitions it changed'),
  keys: z.array(z.string()).describe('the first few keys it touched'),
});
export type TVersion = z.infer<typeof ZVersion>;

export const ZVersionList = z.object({ versions: z.array(ZVersion), total: z.number() });

export const ZVersionChange = z.object({
  auditId: z.number(),
  action: z.string(),
  kind: z.enum(['setting', 'flag', 'definition']),
  key: z.string().nullable(),
  scope: z.string().nullable(),
  oldValue: z.unknown().describe('secrets as "[REDACTED]"'),
  newValue: z.unknown(),
  version: z.number().nullable(),
});

export const ZVersionDetail = ZVersion.omit({ changes: true, keys: true }).extend({ changes: z.array(ZVersionChange) });
export type TVersionDetail = z.infer<typeof ZVersionDetail>;

export const ZRevertBody = z.strictObject({
  reason: z.string().trim().max(1000).optional(),
  force: z.boolean().default(false).describe('revert values that later change sets changed again too'),
});

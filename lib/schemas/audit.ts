import { z } from 'zod';
import { ZIsoTime, ZPaging, ZWriteScope } from './common';

/** Filters of the audit log (API.md "Audit"), shared by the list and the export. */
const filters = {
  key: z.string().max(200).optional(),
  category: z.string().max(100).optional(),
  actor: z.string().max(254).optional().describe('an actor id or name'),
  scope: ZWriteScope.optional(),
  source: z.string().max(40).optional().describe('manual | api | import | migration | auto_remediation | restore | rollback | setup | catalog | schedule'),
  action: z.string().max(100).optional().describe('e.g. setting.set, user.create'),
  from: ZIsoTime.optional(),
  to: ZIsoTime.optional(),
};
export const ZAuditQuery = z.strictObject({ ...filters, ...ZPaging });
export const ZAuditExportQuery = z.strictObject({ ...filters, format: z.enum(['csv', 'json']).default('json') });
export type TAuditFilters = Omit<z.output<typeof ZAuditExportQuery>, 'format'>;

export const ZAuditVerify = z.object({
  valid: z.boolean(),
  checked: z.number(),
  brokenAt: z.number().optional(),
  /** Entries chained with plain SHA-256 before keyed chaining (an upgraded installation's oldest rows). */
  unkeyed: z.number().optional(),
});
export type TAuditVerify = z.infer<typeof ZAuditVerify>;

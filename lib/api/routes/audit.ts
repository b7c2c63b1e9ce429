import 'server-only';
import { ZAuditPage } from '@/lib/schemas/api';
import { ZAuditExportQuery, ZAuditQuery, ZAuditVerify } from '@/lib/schemas/audit';
import { route } from '../router';
import { EXPORT_MAX_ROWS, exportAudit } from '@/lib/services/audit/export';
import { listAudit, verifyAudit } from '@/lib/services/audit/read';

const tags = ['Audit'];

export const auditRoutes = [
  route({
    method: 'GET',
    path: '/api/v1/audit',
    summary: 'Audit entries, newest first (platform admins: all; others: the scopes they may read)',
    tags,
    query: ZAuditQuery,
    response: ZAuditPage,
    handler: ({ app, principal, query }) => listAudit(app, principal, query),
  }),
  route({
    method: 'GET',
    path: '/api/v1/audit/export',
    summary: `Download the matching entries as CSV or JSON (at most ${EXPORT_MAX_ROWS.toLocaleString('en')})`,
    tags,
    query: ZAuditExportQuery,
    handler: async ({ app, principal, query }) => {
      const out = await exportAudit(app, principal, query);
      return new Response(out.body, {
        headers: {
          'content-type': out.contentType,
          'content-disposition': `attachment; filename="${out.filename}"`,
          'cache-control': 'no-store',
          'x-total-count': String(out.total),
        },
      });
    },
  }),
  route({
    method: 'GET',
    path: '/api/v1/audit/verify',
    summary: 'Recompute the hash chain end to end (platform admins)',
    tags,
    response: ZAuditVerify,
    handler: ({ app, principal }) => verifyAudit(app, principal),
  }),
];

import 'server-only';
import { z } from 'zod';
import { IMPORT_BODY_LIMIT, ZApplied, ZExportDocument, ZExportQuery, ZImportBody, ZImportQuery, ZPreview } from '@/lib/schemas/export-import';
import { exportConfiguration, exportFilename } from '@/lib/services/export-import/export';
import { importConfiguration } from '@/lib/services/export-import/import';
import { fail } from '@/lib/services/kernel/errors';
import { json, parseWith } from '../http';
import { route } from '../router';
import { readUpload } from '../upload';

const tags = ['Export and import'];

export const exportImportRoutes = [
  route({
    method: 'GET',
    path: '/api/v1/settings/export',
    summary: 'Download the values and flag rows of a scope (and its subtree) as a configuration file',
    tags,
    query: ZExportQuery,
    response: ZExportDocument,
    errors: ['SCOPE_NOT_FOUND', 'NOT_FOUND'],
    handler: async ({ app, principal, query }) => {
      const doc = await exportConfiguration(app, principal, query);
      return json(doc, 200, { 'content-disposition': `attachment; filename="${exportFilename(doc)}"` });
    },
  }),
  route({
    method: 'POST',
    path: '/api/v1/settings/import',
    summary:
      'Import a configuration file (JSON body, or multipart field "file"): ?preview=true answers the diff and its ETag; ?confirm=true with that ETag as If-Match and a reason applies it atomically, as one change set',
    tags,
    query: ZImportQuery,
    // Bodies up to 10 MiB here (API.md "Conventions"), read by the handler: JSON or a multipart upload.
    bodyLimit: IMPORT_BODY_LIMIT,
    upload: ZImportBody,
    response: z.union([ZPreview, ZApplied]),
    errors: ['PAYLOAD_TOO_LARGE', 'REASON_REQUIRED', 'VERSION_CONFLICT', 'IMPORT_INVALID'],
    handler: async ({ app, principal, req, query, change }) => {
      if (query.preview === query.confirm) fail('INVALID_REQUEST', 'Say either ?preview=true or ?confirm=true', 'preview');
      const body = parseWith(ZImportBody, await readUpload(req), 'body');
      const { mapScopes, reason, ...doc } = body;
      const out = await importConfiguration(
        app,
        principal,
        doc,
        { confirm: query.confirm === true, ifMatch: req.headers.get('if-match') ?? undefined, reason: reason ?? query.reason, mapScopes },
        change,
      );
      return json(out, 200, { etag: out.etag });
    },
  }),
];

import 'server-only';
import { z } from 'zod';
import { ZApplied, ZDiffQuery, ZPreview } from '@/lib/schemas/export-import';
import { ZRevertBody, ZVersionDetail, ZVersionList, ZVersionsQuery } from '@/lib/schemas/versions';
import { fail } from '@/lib/services/kernel/errors';
import { getVersion, listVersions } from '@/lib/services/versions/read';
import { revertVersion } from '@/lib/services/versions/revert';
import { json } from '../http';
import { route } from '../router';

const tags = ['Versions'];

export const versionsRoutes = [
  route({
    method: 'GET',
    path: '/api/v1/versions',
    summary: "The configuration's change sets, newest first (a PUT, a bulk, an import, a restore, a promote … each is one)",
    tags,
    query: ZVersionsQuery,
    response: ZVersionList,
    handler: ({ app, principal, query }) => listVersions(app, principal, query),
  }),
  route({
    method: 'GET',
    path: '/api/v1/versions/:id',
    summary: 'One change set with every change it made',
    tags,
    response: ZVersionDetail,
    errors: ['NOT_FOUND'],
    handler: ({ app, principal, params }) => getVersion(app, principal, params.id),
  }),
  route({
    method: 'POST',
    path: '/api/v1/versions/:id/revert',
    summary:
      'Put every value and flag row a change set touched back to what it was before: ?preview=true answers the diff and its ETag, ?confirm=true with If-Match and a reason applies it; values changed again later are refused unless force',
    tags,
    query: ZDiffQuery,
    body: ZRevertBody,
    response: z.union([ZPreview, ZApplied]),
    errors: ['NOT_FOUND', 'REASON_REQUIRED', 'VERSION_CONFLICT', 'IMPORT_INVALID'],
    handler: async ({ app, principal, params, req, query, body, change }) => {
      if (query.preview === query.confirm) fail('INVALID_REQUEST', 'Say either ?preview=true or ?confirm=true', 'preview');
      const out = await revertVersion(app, principal, params.id, body ?? { force: false }, { confirm: query.confirm === true, ifMatch: req.headers.get('if-match') ?? undefined }, change);
      return json(out, 200, { etag: out.etag });
    },
  }),
];

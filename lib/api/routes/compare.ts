import 'server-only';
import { z } from 'zod';
import { ZCompareAnswer, ZCompareQuery, ZPromoteBody } from '@/lib/schemas/compare';
import { ZApplied, ZDiffQuery, ZPreview } from '@/lib/schemas/export-import';
import { compareScopes } from '@/lib/services/compare/compare';
import { promote } from '@/lib/services/compare/promote';
import { fail } from '@/lib/services/kernel/errors';
import { json } from '../http';
import { route } from '../router';

const tags = ['Compare and promote'];

export const compareRoutes = [
  route({
    method: 'GET',
    path: '/api/v1/settings/compare',
    summary: 'Every key resolved at two scopes side by side: same | different | onlyLeft | onlyRight',
    tags,
    query: ZCompareQuery,
    response: ZCompareAnswer,
    errors: ['SCOPE_NOT_FOUND', 'NOT_FOUND'],
    handler: ({ app, principal, query }) => compareScopes(app, principal, query),
  }),
  route({
    method: 'POST',
    path: '/api/v1/settings/promote',
    summary:
      'Copy the values chosen keys resolve to at `from` (and flag rows) as overrides at `to`: ?preview=true answers the diff and its ETag, ?confirm=true with If-Match and a reason applies it atomically',
    tags,
    query: ZDiffQuery,
    body: ZPromoteBody,
    response: z.union([ZPreview, ZApplied]),
    errors: ['SCOPE_NOT_FOUND', 'SETTING_NOT_FOUND', 'FLAG_NOT_FOUND', 'REASON_REQUIRED', 'VERSION_CONFLICT', 'IMPORT_INVALID'],
    handler: async ({ app, principal, req, query, body, change }) => {
      if (query.preview === query.confirm) fail('INVALID_REQUEST', 'Say either ?preview=true or ?confirm=true', 'preview');
      const out = await promote(app, principal, body, { confirm: query.confirm === true, ifMatch: req.headers.get('if-match') ?? undefined }, change);
      return json(out, 200, { etag: out.etag });
    },
  }),
];

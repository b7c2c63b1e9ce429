import 'server-only';
import { z } from 'zod';
import { ZCreateFlag, ZFlag, ZFlagAtScope, ZFlagDeleteQuery, ZFlagEvaluateQuery, ZFlagEvaluation, ZFlagListQuery, ZFlagMatrix, ZFlagScopeQuery, ZUpdateFlag } from '@/lib/schemas/flags';
import { etag, ifMatchVersion, json } from '../http';
import { route } from '../router';
import { evaluateOne } from '@/lib/services/flags/evaluate';
import { flagMatrix, getFlag, listFlags } from '@/lib/services/flags/read';
import { createFlag, deleteFlag, updateFlag } from '@/lib/services/flags/write';

const tags = ['Feature flags'];
const writeErrors = ['FLAG_NOT_FOUND', 'SCOPE_NOT_FOUND', 'VERSION_CONFLICT'];

/** API.md "Feature flags": platform admins write; platform and tenant admins read; whoever may read a scope evaluates there. */
export const flagsRoutes = [
  route({
    method: 'GET',
    path: '/api/v1/flags',
    summary: 'The flag effective at a scope for every key (its own row or the nearest ancestor’s)',
    tags,
    query: ZFlagListQuery,
    response: z.object({ flags: z.array(ZFlagAtScope), total: z.number() }),
    handler: ({ app, principal, query }) => listFlags(app, principal, query),
  }),
  route({
    method: 'POST',
    path: '/api/v1/flags',
    summary: 'Create a flag at a scope (global unless `scope` says otherwise)',
    tags,
    body: ZCreateFlag,
    response: ZFlag,
    successStatus: 201,
    errors: ['SCOPE_NOT_FOUND', 'CONFLICT'],
    handler: async ({ app, principal, body, change }) => {
      const flag = await createFlag(app, principal, body, change);
      return json(flag, 201, etag(flag.version));
    },
  }),
  route({
    method: 'GET',
    path: '/api/v1/flags/matrix',
    summary: 'Each flag’s state at global and at every tenant, and whether it is inherited there',
    tags,
    response: ZFlagMatrix,
    handler: ({ app, principal }) => flagMatrix(app, principal),
  }),
  route({
    method: 'GET',
    path: '/api/v1/flags/:key',
    summary: 'One flag as effective at a scope',
    tags,
    query: ZFlagScopeQuery,
    response: ZFlagAtScope,
    errors: ['FLAG_NOT_FOUND', 'SCOPE_NOT_FOUND'],
    handler: async ({ app, principal, params, query }) => {
      const flag = await getFlag(app, principal, params.key, query);
      return json(flag, 200, flag.inherited ? undefined : etag(flag.version));
    },
  }),
  route({
    method: 'PUT',
    path: '/api/v1/flags/:key',
    summary: 'Change a flag at `scope` (default global); at a scope without its own row this creates an override of the inherited flag. If-Match: "<version>"',
    tags,
    body: ZUpdateFlag,
    response: ZFlag,
    errors: writeErrors,
    handler: async ({ app, principal, params, req, body, change }) => {
      const flag = await updateFlag(app, principal, params.key, { ...body, ifMatch: ifMatchVersion(req) }, change);
      return json(flag, 200, etag(flag.version));
    },
  }),
  route({
    method: 'DELETE',
    path: '/api/v1/flags/:key',
    summary: 'Delete the flag row at `scope` (default global); only a disabled flag, and not while other flags depend on it',
    tags,
    query: ZFlagDeleteQuery,
    response: z.object({ deleted: z.literal(true), key: z.string(), scope: z.string() }),
    errors: [...writeErrors, 'FLAG_ENABLED', 'CONFLICT'],
    handler: ({ app, principal, params, req, query, change }) => deleteFlag(app, principal, params.key, { ...query, ifMatch: ifMatchVersion(req) }, change),
  }),
  route({
    method: 'GET',
    path: '/api/v1/flags/:key/evaluate',
    summary: 'Evaluate a flag for a context: scope (or tenantId / eventId), userId (the targeting key, `me` = you) and role',
    tags,
    query: ZFlagEvaluateQuery,
    response: ZFlagEvaluation,
    errors: ['SCOPE_NOT_FOUND'],
    handler: ({ app, principal, params, query }) => evaluateOne(app, principal, params.key, query),
  }),
];

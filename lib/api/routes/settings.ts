import 'server-only';
import { z } from 'zod';
import {
  ZBulkBody,
  ZDeleteSettingQuery,
  ZDocumentWriteQuery,
  ZHistoryPage,
  ZHistoryQuery,
  ZPutSetting,
  ZResolveAnswer,
  ZResolveQuery,
  ZRevealAnswer,
  ZRevealBody,
  ZRollbackBody,
  ZScopeQuery,
  ZSettingAtScope,
  ZSettingsListQuery,
  ZSettingsSchema,
  ZUserDocumentQuery,
  ZValidateBody,
  ZWriteAnswer,
  type TSettingAtScope,
} from '@/lib/schemas/api';
import { etag, ifMatchVersion, json } from '../http';
import type { ApiRequest } from '../request';
import { route } from '../router';
import { getProjectDocument, getSystemDocument, getUserDocument } from '@/lib/services/documents/read';
import { putProjectDocument, putSystemDocument, putUserDocument, resetUserDocument } from '@/lib/services/documents/write';
import { history } from '@/lib/services/settings/history';
import { getSetting, listSettings, resolveKey, validateSetting } from '@/lib/services/settings/read';
import { revealSecret } from '@/lib/services/settings/reveal';
import { rollback } from '@/lib/services/settings/rollback';
import { settingsSchema } from '@/lib/services/settings/schema';
import { bulkSet, revertValue, setValue } from '@/lib/services/settings/write';

const tags = ['Settings'];
const docTags = ['Nested documents'];
const ZDocument = z.unknown().describe('A nested partial document, e.g. { "display": { "theme": "dark" } }');

/** `?reason=` or `X-Change-Reason:` — nested documents have no room for a reason field in their body. */
const reasonOf = (req: ApiRequest, query?: { reason?: string }) => query?.reason ?? req.headers.get('x-change-reason') ?? undefined;

export const settingsRoutes = [
  route({
    method: 'GET',
    path: '/api/v1/settings',
    summary: 'List settings with the value stored at a scope and the resolved value',
    tags,
    query: ZSettingsListQuery,
    handler: ({ app, principal, query }) => listSettings(app, principal, query),
  }),
  route({
    method: 'GET',
    path: '/api/v1/settings/schema',
    summary: 'Categories → groups → settings with current values, for a data-driven UI (seed 004 §11)',
    tags,
    query: ZScopeQuery,
    response: ZSettingsSchema,
    handler: ({ app, principal, query }) => settingsSchema(app, principal, query),
  }),
  route({
    method: 'POST',
    path: '/api/v1/settings/bulk',
    summary: 'Set many values; atomic by default',
    tags,
    body: ZBulkBody,
    handler: async ({ app, principal, body, change }) => {
      const out = await bulkSet(app, principal, body, change);
      return json(out, out.errors.length && !out.results.length ? 400 : 200);
    },
  }),
  route({
    method: 'POST',
    path: '/api/v1/settings/validate',
    duringMaintenance: true,
    summary: 'Check a value against a setting without storing it',
    tags,
    body: ZValidateBody,
    handler: ({ app, principal, body }) => validateSetting(app, principal, body),
  }),
  route({
    method: 'GET',
    path: '/api/v1/settings/system',
    summary: 'The global scope as a nested document (seed 001)',
    tags: docTags,
    handler: ({ app, principal }) => getSystemDocument(app, principal),
  }),
  route({
    method: 'PUT',
    path: '/api/v1/settings/system',
    summary: 'Update the global scope from a nested partial document (atomic; reason via ?reason= or X-Change-Reason)',
    tags: docTags,
    query: ZDocumentWriteQuery,
    body: ZDocument,
    handler: ({ app, principal, req, query, body, change }) => putSystemDocument(app, principal, body, reasonOf(req, query), change),
  }),
  route({
    method: 'GET',
    path: '/api/v1/settings/user',
    summary: "The caller's own settings merged down the chain (seed 001)",
    tags: docTags,
    query: ZUserDocumentQuery,
    handler: ({ app, principal, query }) => getUserDocument(app, principal, query),
  }),
  route({
    method: 'PUT',
    path: '/api/v1/settings/user',
    summary: "Update the caller's own settings from a nested partial document (atomic)",
    tags: docTags,
    query: ZUserDocumentQuery,
    body: ZDocument,
    handler: ({ app, principal, query, body, change }) => putUserDocument(app, principal, query, body, change),
  }),
  route({
    method: 'DELETE',
    path: '/api/v1/settings/user',
    summary: "Reset the caller's own settings to the inherited values",
    tags: docTags,
    query: ZUserDocumentQuery,
    handler: ({ app, principal, query, change }) => resetUserDocument(app, principal, query, change),
  }),
  route({
    method: 'GET',
    path: '/api/v1/settings/project/:projectId',
    summary: 'A project scope as a nested document (seed 001)',
    tags: docTags,
    errors: ['PROJECT_NOT_FOUND'],
    handler: ({ app, principal, params }) => getProjectDocument(app, principal, params.projectId),
  }),
  route({
    method: 'PUT',
    path: '/api/v1/settings/project/:projectId',
    summary: 'Update a project scope from a nested partial document (atomic)',
    tags: docTags,
    query: ZDocumentWriteQuery,
    body: ZDocument,
    errors: ['PROJECT_NOT_FOUND'],
    handler: ({ app, principal, params, req, query, body, change }) =>
      putProjectDocument(app, principal, params.projectId, body, reasonOf(req, query), change),
  }),
  route({
    method: 'GET',
    path: '/api/v1/settings/:key',
    summary: 'One setting: its definition, the value stored at a scope, and the resolved value',
    tags,
    query: ZScopeQuery,
    response: ZSettingAtScope,
    errors: ['SETTING_NOT_FOUND', 'SCOPE_NOT_FOUND'],
    handler: async ({ app, principal, params, query }) => {
      const out: TSettingAtScope = await getSetting(app, principal, params.key, query);
      return json(out, 200, etag(out.version));
    },
  }),
  route({
    method: 'GET',
    path: '/api/v1/settings/:key/resolve',
    summary: 'Resolve a key for a context, with the inheritance chain; `at` resolves as of a past moment',
    tags,
    query: ZResolveQuery,
    response: ZResolveAnswer,
    errors: ['SETTING_NOT_FOUND', 'SCOPE_NOT_FOUND'],
    handler: ({ app, principal, params, query }) =>
      resolveKey(app, principal, params.key, { ...query, at: query.at ? new Date(query.at) : undefined }),
  }),
  route({
    method: 'PUT',
    path: '/api/v1/settings/:key',
    summary: 'Set the value at a scope (If-Match: "<version>" for optimistic concurrency)',
    tags,
    body: ZPutSetting,
    response: ZWriteAnswer,
    errors: ['INVALID_SETTING_VALUE', 'REASON_REQUIRED', 'SCOPE_NOT_ALLOWED', 'SETTING_READONLY', 'SETTING_LOCKED', 'VERSION_CONFLICT'],
    handler: async ({ app, principal, params, req, body, change }) => {
      const out = await setValue(app, principal, params.key, { ...body, ifMatch: ifMatchVersion(req) }, change);
      return json(out, 200, etag(out.version));
    },
  }),
  route({
    method: 'DELETE',
    path: '/api/v1/settings/:key',
    summary: 'Revert: remove the value stored at a scope so it inherits again',
    tags,
    query: ZDeleteSettingQuery,
    handler: async ({ app, principal, params, req, query, change }) => {
      const out = await revertValue(app, principal, params.key, { ...query, reason: reasonOf(req, query), ifMatch: ifMatchVersion(req) }, change);
      return json(out, 200, etag(out.version));
    },
  }),
  route({
    method: 'GET',
    path: '/api/v1/settings/:key/history',
    summary: 'Audit entries of one key',
    tags,
    query: ZHistoryQuery,
    response: ZHistoryPage,
    handler: ({ app, principal, params, query }) => history(app, principal, params.key, query),
  }),
  route({
    method: 'POST',
    path: '/api/v1/settings/:key/rollback',
    summary: 'Restore the value a scope had at an earlier version',
    tags,
    body: ZRollbackBody,
    response: ZWriteAnswer,
    handler: async ({ app, principal, params, req, body, change }) => {
      const out = await rollback(app, principal, params.key, { ...body, ifMatch: ifMatchVersion(req) }, change);
      return json(out, 200, etag(out.version));
    },
  }),
  route({
    method: 'POST',
    path: '/api/v1/settings/:key/reveal',
    duringMaintenance: true,
    summary: 'Show a secret in plain text to a platform admin who re-enters their password (audited)',
    tags,
    body: ZRevealBody,
    response: ZRevealAnswer,
    handler: ({ app, principal, params, body, change }) => revealSecret(app, principal, params.key, body, change),
  }),
];

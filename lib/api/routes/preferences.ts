import 'server-only';
import { z } from 'zod';
import { ZPreferenceBody, ZPreferencesAnswer, ZPreferencesBody, ZUserDocumentQuery } from '@/lib/schemas/api';
import { etag, ifMatchVersion, json } from '../http';
import { route } from '../router';
import { getPreference, listPreferences } from '@/lib/services/preferences/read';
import { resetPreference, setPreference, setPreferences } from '@/lib/services/preferences/write';

const tags = ['Preferences'];
const errors = ['SETTING_NOT_FOUND', 'SCOPE_NOT_ALLOWED', 'INVALID_SETTING_VALUE'];

/** The caller's own preferences: settings whose allowedLevels include `user` (API.md "Preferences"). */
export const preferencesRoutes = [
  route({
    method: 'GET',
    path: '/api/v1/users/me/preferences',
    summary: "The caller's preferences, resolved (defaults included); scope= / tenantId= / eventId= set the context",
    tags,
    query: ZUserDocumentQuery,
    response: ZPreferencesAnswer,
    handler: ({ app, principal, query }) => listPreferences(app, principal, query),
  }),
  route({
    method: 'PUT',
    path: '/api/v1/users/me/preferences',
    summary: 'Set several preferences at once (atomic)',
    tags,
    body: ZPreferencesBody,
    response: z.object({ updated: z.number(), versions: z.record(z.string(), z.number()) }),
    errors,
    handler: ({ app, principal, body, change }) => setPreferences(app, principal, body.preferences, change),
  }),
  route({
    method: 'GET',
    path: '/api/v1/users/me/preferences/:key',
    summary: 'One preference: its resolved value and default',
    tags,
    query: ZUserDocumentQuery,
    errors,
    handler: async ({ app, principal, params, query }) => {
      const out = await getPreference(app, principal, params.key, query);
      return json(out, 200, etag(out.version));
    },
  }),
  route({
    method: 'PUT',
    path: '/api/v1/users/me/preferences/:key',
    summary: 'Set one preference (If-Match: "<version>" for optimistic concurrency)',
    tags,
    body: ZPreferenceBody,
    errors: [...errors, 'VERSION_CONFLICT', 'SETTING_LOCKED'],
    handler: async ({ app, principal, params, req, body, change }) => {
      const out = await setPreference(app, principal, params.key, body.value, change, ifMatchVersion(req));
      return json(out, 200, etag(out.version));
    },
  }),
  route({
    method: 'DELETE',
    path: '/api/v1/users/me/preferences/:key',
    summary: 'Forget a preference so the inherited value applies again',
    tags,
    errors,
    handler: ({ app, principal, params, change }) => resetPreference(app, principal, params.key, change),
  }),
];

import 'server-only';
import { z } from 'zod';
import {
  ZCatalogSummary,
  ZCategorySummary,
  ZCreateScopeBody,
  ZDefinitionBody,
  ZDefinitionListQuery,
  ZDefinitionUpdateBody,
  ZLevel,
  ZLevelBody,
  ZScope,
  ZScopeListQuery,
} from '@/lib/schemas/registry';
import { publicDefinition } from '@/lib/services/kernel/secrecy';
import { route } from '../router';
import { listCatalogs, loadCatalog } from '@/lib/services/registry/catalogs';
import { getDefinition, listCategories, listDefinitions } from '@/lib/services/registry/read';
import { createDefinition, deleteDefinition, updateDefinition } from '@/lib/services/registry/write';
import { getLevels } from '@/lib/services/scopes/path';
import { getScope, listScopes } from '@/lib/services/scopes/read';
import { createScope, deleteScope, registerLevel } from '@/lib/services/scopes/write';

const hierarchyTags = ['Hierarchy and scopes'];
const registryTags = ['Definitions'];
const ZDefinitionOut = z.record(z.string(), z.unknown()).describe('A definition (secret defaults masked)');
const ZDeleted = z.object({ deleted: z.literal(true) });

export const registryRoutes = [
  route({
    method: 'GET',
    path: '/api/v1/hierarchy',
    summary: 'The hierarchy levels, global first (`user` is implicit: user values are addressed as user:<id>)',
    tags: hierarchyTags,
    response: z.object({ levels: z.array(ZLevel) }),
    handler: async ({ app }) => ({ levels: await getLevels(app) }),
  }),
  route({
    method: 'POST',
    path: '/api/v1/hierarchy',
    summary: 'Register a level, e.g. project under global (platform admins)',
    tags: hierarchyTags,
    body: ZLevelBody,
    response: ZLevel,
    successStatus: 201,
    errors: ['CONFLICT'],
    handler: ({ app, principal, body, change }) => registerLevel(app, principal, body, change),
  }),
  route({
    method: 'GET',
    path: '/api/v1/scopes',
    summary: 'Scopes the caller may see, filtered by level and parent',
    tags: hierarchyTags,
    query: ZScopeListQuery,
    response: z.object({ scopes: z.array(ZScope), total: z.number() }),
    handler: ({ app, principal, query }) => listScopes(app, principal, query),
  }),
  route({
    method: 'POST',
    path: '/api/v1/scopes',
    summary: 'Create a scope under a parent of the level above it',
    tags: hierarchyTags,
    body: ZCreateScopeBody,
    response: ZScope,
    successStatus: 201,
    errors: ['SCOPE_NOT_FOUND', 'CONFLICT'],
    handler: ({ app, principal, body, change }) => createScope(app, principal, body, change),
  }),
  route({
    method: 'GET',
    path: '/api/v1/scopes/:id',
    summary: 'One scope',
    tags: hierarchyTags,
    response: ZScope,
    errors: ['SCOPE_NOT_FOUND'],
    handler: ({ app, principal, params }) => getScope(app, principal, params.id),
  }),
  route({
    method: 'DELETE',
    path: '/api/v1/scopes/:id',
    summary: 'Delete a scope that holds no values, children or role assignments',
    tags: hierarchyTags,
    response: ZDeleted,
    errors: ['SCOPE_NOT_FOUND', 'CONFLICT'],
    handler: ({ app, principal, params, change }) => deleteScope(app, principal, params.id, change),
  }),
  route({
    method: 'GET',
    path: '/api/v1/definitions',
    summary: 'The registry of settings, in display order',
    tags: registryTags,
    query: ZDefinitionListQuery,
    response: z.object({ definitions: z.array(ZDefinitionOut), total: z.number() }),
    handler: ({ app, query }) => listDefinitions(app, query),
  }),
  route({
    method: 'POST',
    path: '/api/v1/definitions',
    summary: 'Add a setting to the registry (source `ui`; platform admins)',
    tags: registryTags,
    body: ZDefinitionBody,
    response: ZDefinitionOut,
    successStatus: 201,
    errors: ['CONFLICT'],
    handler: async ({ app, principal, body, change }) => publicDefinition(await createDefinition(app, principal, body, change)),
  }),
  route({
    method: 'GET',
    path: '/api/v1/definitions/:key',
    summary: 'One definition',
    tags: registryTags,
    response: ZDefinitionOut,
    errors: ['SETTING_NOT_FOUND'],
    handler: async ({ app, params }) => publicDefinition(await getDefinition(app, params.key)),
  }),
  route({
    method: 'PUT',
    path: '/api/v1/definitions/:key',
    summary: 'Replace a definition (not `code` ones; type and isSecret stay while values exist)',
    tags: registryTags,
    body: ZDefinitionUpdateBody,
    response: ZDefinitionOut,
    errors: ['SETTING_NOT_FOUND', 'SETTING_READONLY', 'CONFLICT'],
    handler: async ({ app, principal, params, body, change }) =>
      publicDefinition(await updateDefinition(app, principal, params.key, { ...body, key: body.key ?? params.key }, change)),
  }),
  route({
    method: 'DELETE',
    path: '/api/v1/definitions/:key',
    summary: 'Remove a definition without stored values (not `code` ones)',
    tags: registryTags,
    response: ZDeleted,
    errors: ['SETTING_NOT_FOUND', 'SETTING_READONLY', 'CONFLICT'],
    handler: ({ app, principal, params, change }) => deleteDefinition(app, principal, params.key, change),
  }),
  route({
    method: 'GET',
    path: '/api/v1/categories',
    summary: 'Categories with their number of settings',
    tags: registryTags,
    response: z.object({ categories: z.array(ZCategorySummary) }),
    handler: ({ app }) => listCategories(app),
  }),
  route({
    method: 'GET',
    path: '/api/v1/catalogs',
    summary: 'The example catalogs that can be loaded',
    tags: registryTags,
    response: z.object({ catalogs: z.array(ZCatalogSummary) }),
    handler: async () => listCatalogs(),
  }),
  route({
    method: 'POST',
    path: '/api/v1/catalogs/:name',
    summary: 'Load an example catalog into the registry (platform admins; existing seed definitions are updated)',
    tags: registryTags,
    response: z.object({ catalog: z.string(), created: z.number(), updated: z.number(), flags: z.number().describe('feature flags created') }),
    errors: ['NOT_FOUND'],
    handler: ({ app, principal, params, change }) => loadCatalog(app, principal, params.name, change),
  }),
];

import 'server-only';
import { z } from 'zod';
import {
  ZCheckAnswer,
  ZCheckBody,
  ZModelAccess,
  ZModelAccessBody,
  ZModelConfig,
  ZModelConfigBody,
  ZModelList,
  ZModelRevertQuery,
  ZModelScopeQuery,
  ZModelTemplate,
  ZModelTemplateBody,
  ZModelTemplateQuery,
  ZModelTemplateUpdate,
  ZQuotaList,
  ZRevealModelKey,
  ZUsageAnswer,
  ZUsageBody,
} from '@/lib/schemas/models';
import { checkModel } from '@/lib/services/models/check';
import { getModel, listModels, revealModelKey } from '@/lib/services/models/read';
import { listQuotas } from '@/lib/services/models/quotas';
import { changeTemplate, createTemplate, listTemplates, removeTemplate } from '@/lib/services/models/templates';
import { recordUsage } from '@/lib/services/models/usage';
import { putModel, revertModel, setAccess } from '@/lib/services/models/write';
import { etag, ifMatchVersion, json } from '../http';
import { route } from '../router';

const tags = ['AI models'];
const writeErrors = ['NOT_FOUND', 'SCOPE_NOT_FOUND', 'SETTING_LOCKED', 'VERSION_CONFLICT'];
const useErrors = ['NOT_FOUND', 'SCOPE_NOT_FOUND', 'MODEL_PROVIDER_NOT_ALLOWED', 'MODEL_PROVIDER_INACTIVE'];

/** API.md "AI model configuration" (seed 000), extended by issue 12: presets, quotas with metering, check. */
export const modelsRoutes = [
  route({
    method: 'GET',
    path: '/api/v1/models',
    summary: 'Every provider’s configuration resolved at a scope, each field and parameter with resolvedFrom',
    tags,
    query: ZModelScopeQuery,
    response: ZModelList,
    errors: ['SCOPE_NOT_FOUND'],
    handler: ({ app, principal, query }) => listModels(app, principal, query),
  }),
  route({
    method: 'GET',
    path: '/api/v1/models/quotas',
    summary: 'Quotas limiting a scope (its own and its ancestors’): usage, remaining and reset time per window, 30 days of history',
    tags,
    query: ZModelScopeQuery,
    response: ZQuotaList,
    errors: ['SCOPE_NOT_FOUND'],
    handler: ({ app, principal, query }) => listQuotas(app, principal, query),
  }),
  route({
    method: 'GET',
    path: '/api/v1/models/templates',
    summary: 'Parameter presets',
    tags,
    query: ZModelTemplateQuery,
    response: z.object({ templates: z.array(ZModelTemplate), total: z.number() }),
    handler: ({ app, principal, query }) => listTemplates(app, principal, query),
  }),
  route({
    method: 'POST',
    path: '/api/v1/models/templates',
    summary: 'Create a parameter preset for one provider (platform admins), checked against its parameter schema',
    tags,
    body: ZModelTemplateBody,
    response: ZModelTemplate,
    successStatus: 201,
    errors: ['NOT_FOUND', 'CONFLICT'],
    handler: async ({ app, principal, body, change }) => {
      const t = await createTemplate(app, principal, body, change);
      return json(t, 201, etag(t.version));
    },
  }),
  route({
    method: 'PUT',
    path: '/api/v1/models/templates/:id',
    summary: 'Change a parameter preset (its provider stays)',
    tags,
    body: ZModelTemplateUpdate,
    response: ZModelTemplate,
    errors: ['NOT_FOUND'],
    handler: async ({ app, principal, params, body, change }) => {
      const t = await changeTemplate(app, principal, params.id, body, change);
      return json(t, 200, etag(t.version));
    },
  }),
  route({
    method: 'DELETE',
    path: '/api/v1/models/templates/:id',
    summary: 'Delete a parameter preset no configuration uses',
    tags,
    response: z.object({ deleted: z.literal(true), id: z.string() }),
    errors: ['NOT_FOUND', 'CONFLICT'],
    handler: ({ app, principal, params, change }) => removeTemplate(app, principal, params.id, change),
  }),
  route({
    method: 'PUT',
    path: '/api/v1/models/access',
    summary: 'Limit a scope (and everything below it) to some providers; set from the scope above',
    tags,
    body: ZModelAccessBody,
    response: ZModelAccess,
    errors: ['NOT_FOUND', 'SCOPE_NOT_FOUND'],
    handler: ({ app, principal, body, change }) => setAccess(app, principal, body, change),
  }),
  route({
    method: 'GET',
    path: '/api/v1/models/:provider',
    summary: 'One provider’s configuration resolved at a scope',
    tags,
    query: ZModelScopeQuery,
    response: ZModelConfig,
    errors: ['NOT_FOUND', 'SCOPE_NOT_FOUND'],
    handler: ({ app, principal, params, query }) => getModel(app, principal, params.provider, query),
  }),
  route({
    method: 'PUT',
    path: '/api/v1/models/:provider',
    summary: 'Set what a scope stores for a provider (its override); If-Match: "<version>"',
    tags,
    body: ZModelConfigBody,
    response: ZModelConfig.extend({ version: z.number() }),
    errors: writeErrors,
    handler: async ({ app, principal, params, req, body, change }) => {
      const out = await putModel(app, principal, params.provider, { ...body, ifMatch: ifMatchVersion(req) }, change);
      return json(out, 200, etag(out.version));
    },
  }),
  route({
    method: 'DELETE',
    path: '/api/v1/models/:provider',
    summary: 'Revert a scope’s override: it inherits again',
    tags,
    query: ZModelRevertQuery,
    response: ZModelConfig.extend({ reverted: z.literal(true) }),
    errors: writeErrors,
    handler: ({ app, principal, params, req, query, change }) => revertModel(app, principal, params.provider, { ...query, ifMatch: ifMatchVersion(req) }, change),
  }),
  route({
    method: 'POST',
    path: '/api/v1/models/:provider/usage',
    duringMaintenance: true,
    summary: 'Record metered usage at a scope; counts against its quota and every ancestor’s, atomically',
    tags,
    body: ZUsageBody,
    response: ZUsageAnswer,
    errors: [...useErrors, 'QUOTA_EXCEEDED'],
    handler: ({ app, principal, params, body, change }) => recordUsage(app, principal, params.provider, body, change),
  }),
  route({
    method: 'POST',
    path: '/api/v1/models/:provider/check',
    duringMaintenance: true,
    summary: 'May a call be made now, and with which model, parameters (and key, to holders of useKey)?',
    tags,
    body: ZCheckBody,
    response: ZCheckAnswer,
    errors: useErrors,
    handler: ({ app, principal, params, body }) => checkModel(app, principal, params.provider, body),
  }),
  route({
    method: 'POST',
    path: '/api/v1/models/:provider/reveal',
    duringMaintenance: true,
    summary: 'The API key effective at a scope in plain text (platform admins, password again); audited',
    tags,
    body: ZRevealModelKey,
    response: z.object({ provider: z.string(), scope: z.string(), apiKey: z.string().nullable(), resolvedFrom: z.string(), scopeId: z.string().nullable() }),
    errors: ['NOT_FOUND', 'SCOPE_NOT_FOUND'],
    handler: ({ app, principal, params, body, change }) => revealModelKey(app, principal, params.provider, body, change),
  }),
];

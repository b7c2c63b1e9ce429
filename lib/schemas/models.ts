import { z } from 'zod';
import { baseUrlProblem, PROVIDERS, type ParameterSpec, type ProviderDescriptor } from '@/lib/engine/models/providers';
import { isTimeZone, METRICS, PERIODS } from '@/lib/engine/models/quota';
import { ZScopeId } from './api';

/**
 * AI model configuration (API.md "AI model configuration", seed 000 "Model Configuration"). The same
 * schemas parse requests on the server, drive the /models page's forms and generate the OpenAPI document.
 */

export const ZProviderId = z.string().min(1).max(50);
export const ZModelStatus = z.enum(['active', 'inactive']);
export const ZPresetId = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, 'must match ^[a-z0-9][a-z0-9_-]{0,62}$');

// ------------------------------------------------------------------ parameters, per provider

function specSchema(name: string, spec: ParameterSpec): z.ZodType {
  switch (spec.type) {
    case 'number':
    case 'integer': {
      const range = `must be between ${spec.min} and ${spec.max}`;
      const n = z.number({ error: `${name} must be a number` }).min(spec.min, `${name} ${range}`).max(spec.max, `${name} ${range}`);
      return spec.type === 'integer' ? n.int(`${name} must be a whole number`) : n;
    }
    case 'boolean':
      return z.boolean({ error: `${name} must be true or false` });
    case 'stringList':
      return z
        .array(z.string().min(1).max(spec.maxLength, `${name} entries must be at most ${spec.maxLength} characters`), { error: `${name} must be a list of strings` })
        .max(spec.maxItems, `${name} takes at most ${spec.maxItems} entries`);
  }
}

const parameterSchemas = new Map<string, z.ZodType<Record<string, unknown>>>();

/** A provider's parameters: only the names it knows, each in the provider's own range. */
export function parametersSchemaFor(provider: ProviderDescriptor): z.ZodType<Record<string, unknown>> {
  let schema = parameterSchemas.get(provider.id);
  if (!schema) {
    const shape = Object.fromEntries(Object.entries(provider.parameters).map(([name, spec]) => [name, specSchema(name, spec).optional()]));
    schema = z.strictObject(shape, {
      error: (issue) =>
        issue.code === 'unrecognized_keys'
          ? `${provider.label} has no parameter ${issue.keys.map((k) => `"${k}"`).join(', ')} (it knows ${Object.keys(provider.parameters).join(', ')})`
          : undefined,
    }) as unknown as z.ZodType<Record<string, unknown>>;
    parameterSchemas.set(provider.id, schema);
  }
  return schema;
}

/** The first problem with a parameter set, named by its field (`parameters.temperature`), or null. */
export function parameterIssue(provider: ProviderDescriptor, params: unknown, prefix = 'parameters'): { field: string; message: string } | null {
  const r = parametersSchemaFor(provider).safeParse(params);
  if (r.success) return null;
  const issue = r.error.issues[0];
  const name = issue.code === 'unrecognized_keys' ? issue.keys[0] : issue.path[0];
  return { field: name === undefined ? prefix : `${prefix}.${String(name)}`, message: issue.message };
}

// ------------------------------------------------------------------ quotas

const ZLimit = (integer: boolean) =>
  z
    .strictObject({
      hard: (integer ? z.number().int('must be a whole number') : z.number()).min(0, 'must not be negative').max(1e15),
      soft: (integer ? z.number().int('must be a whole number') : z.number()).min(0, 'must not be negative').max(1e15).optional(),
    })
    .superRefine((l, ctx) => {
      if (l.soft !== undefined && l.soft >= l.hard) ctx.addIssue({ code: 'custom', path: ['soft'], message: `the soft threshold (${l.soft}) must be below the hard limit (${l.hard})` });
    });

export const ZLimits = z.strictObject({
  requests: ZLimit(true).optional(),
  tokens: ZLimit(true).optional(),
  cost: ZLimit(false).optional().describe('in your billing currency, e.g. USD'),
});

export const ZQuota = z
  .strictObject({
    timeZone: z.string().max(64).refine(isTimeZone, 'must be an IANA time zone, e.g. Europe/Berlin').default('UTC').describe('days and months start at midnight here'),
    daily: ZLimits.optional(),
    monthly: ZLimits.optional(),
  })
  .describe('Per provider per scope; counts the usage of the scope and everything below it. Soft thresholds audit (and emit `model.quota`), hard limits refuse');
export type TQuota = z.output<typeof ZQuota>;
export type TQuotaInput = z.input<typeof ZQuota>;

// ------------------------------------------------------------------ configuration writes

const ZBaseUrl = z
  .string()
  .max(2000)
  .superRefine((v, ctx) => {
    const problem = baseUrlProblem(v);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });

/**
 * What a scope stores for a provider. Omitted fields are not set here (inherited); `apiKey` omitted keeps
 * the stored key, `null` removes it.
 */
export const ZModelConfigBody = z.strictObject({
  scope: ZScopeId.default('global'),
  model: z.string().min(1).max(200).nullable().optional(),
  preset: ZPresetId.nullable().optional().describe('a parameter preset (GET /models/templates) of the same provider'),
  parameters: z.record(z.string(), z.unknown()).default({}).describe("this scope's own parameters; checked against the provider's schema"),
  status: ZModelStatus.nullable().optional(),
  quota: ZQuota.nullable().optional(),
  apiKey: z.string().min(1).max(4000).nullable().optional().describe('a secret: stored encrypted, answered as "********"'),
  baseUrl: ZBaseUrl.nullable().optional().describe('https://, or http:// to a loopback address'),
  lock: z.boolean().default(false).describe('forbid overrides below this scope'),
  metadata: z.record(z.string(), z.unknown()).nullable().optional(),
  reason: z.string().trim().max(1000).optional(),
});
export type TModelConfigBody = z.output<typeof ZModelConfigBody>;
export type TModelConfigInput = z.input<typeof ZModelConfigBody>;

export const ZModelScopeQuery = z.strictObject({ scope: ZScopeId.default('global') });
export const ZModelRevertQuery = z.strictObject({ scope: ZScopeId, reason: z.string().trim().max(1000).optional() });

export const ZModelAccessBody = z.strictObject({
  scope: ZScopeId,
  allowedProviders: z.array(ZProviderId).max(PROVIDERS.length).nullable().describe('null lifts the restriction at this scope'),
  reason: z.string().trim().max(1000).optional(),
});

export const ZRevealModelKey = z.strictObject({ scope: ZScopeId, password: z.string().min(1).max(1024) });

// ------------------------------------------------------------------ usage and check

const amount = (max: number, integer: boolean) =>
  (integer ? z.number({ error: 'must be a number' }).int('must be a whole number') : z.number({ error: 'must be a number' })).min(0, 'must not be negative').max(max);

export const ZUsageBody = z.strictObject({
  scope: ZScopeId,
  requests: amount(1_000_000, true).default(1).describe('model calls; defaults to 1'),
  tokens: amount(1_000_000_000, true).default(0),
  cost: amount(1_000_000, false).default(0).describe('in the quota’s currency; counted to the millionth'),
});
export type TUsageBody = z.output<typeof ZUsageBody>;

export const ZCheckBody = z.strictObject({
  scope: ZScopeId,
  estimatedTokens: amount(1_000_000_000, true).optional().describe('tokens the call expects to use (default 1), checked against token quotas'),
});

// ------------------------------------------------------------------ templates (presets)

export const ZModelTemplateBody = z.strictObject({
  id: ZPresetId.optional().describe('derived from the name when absent'),
  name: z.string().trim().min(1).max(100),
  provider: ZProviderId,
  description: z.string().max(2000).default(''),
  parameters: z.record(z.string(), z.unknown()),
});
export type TModelTemplateBody = z.output<typeof ZModelTemplateBody>;
export const ZModelTemplateUpdate = ZModelTemplateBody.omit({ id: true, provider: true }).partial();
export type TModelTemplateUpdate = z.output<typeof ZModelTemplateUpdate>;
export const ZModelTemplateQuery = z.strictObject({ provider: ZProviderId.optional() });

export const ZModelTemplate = z.object({
  id: z.string(),
  name: z.string(),
  provider: z.string(),
  description: z.string(),
  parameters: z.record(z.string(), z.unknown()),
  version: z.number(),
  createdAt: z.string(),
  updatedAt: z.string(),
  updatedBy: z.string().nullable(),
});
export type TModelTemplate = z.infer<typeof ZModelTemplate>;

// ------------------------------------------------------------------ answers

const sourced = <T extends z.ZodType>(value: T) =>
  z.object({ value, resolvedFrom: z.string().describe('a level (global, tenant, …), preset, or default'), scopeId: z.string().nullable() });

export const ZAmounts = z.object({ requests: z.number(), tokens: z.number(), cost: z.number() });
export const ZWindowUsage = z.object({
  period: z.enum(PERIODS),
  start: z.string(),
  resetsAt: z.string(),
  usage: ZAmounts,
  limits: ZLimits,
  remaining: ZAmounts.partial().describe('left under each hard limit'),
});

export const ZParameterSpec = z.object({ type: z.string(), label: z.string(), min: z.number().optional(), max: z.number().optional(), default: z.unknown().optional(), maxItems: z.number().optional() });

export const ZModelConfig = z.object({
  provider: z.string(),
  label: z.string(),
  scope: z.string(),
  allowed: z.boolean().describe('false: a scope on the path restricts the providers and this one is not among them'),
  model: sourced(z.string()),
  status: sourced(ZModelStatus),
  preset: sourced(z.string().nullable()),
  baseUrl: sourced(z.string().nullable()),
  apiKey: sourced(z.string().nullable()).describe('"********" when a key is set'),
  parameters: z.record(z.string(), sourced(z.unknown()).extend({ preset: z.string().optional() })),
  lockedAt: z.string().nullable(),
  /** What the scope itself stores (null: nothing, all inherited). */
  own: z
    .object({
      model: z.string().nullable(),
      preset: z.string().nullable(),
      parameters: z.record(z.string(), z.unknown()),
      status: ZModelStatus.nullable(),
      baseUrl: z.string().nullable(),
      apiKey: z.string().nullable(),
      quota: ZQuota.nullable(),
      locked: z.boolean(),
      metadata: z.record(z.string(), z.unknown()).nullable(),
      version: z.number(),
      updatedAt: z.string(),
      updatedBy: z.string().nullable(),
    })
    .nullable(),
  models: z.array(z.object({ id: z.string(), label: z.string(), contextWindow: z.number() })),
  parameterSchema: z.record(z.string(), ZParameterSpec),
});
export type TModelConfig = z.infer<typeof ZModelConfig>;

export const ZModelList = z.object({
  scope: z.string(),
  mayWrite: z.boolean().describe('you may change configurations at this scope'),
  mayLimit: z.boolean().describe('you may set quotas and provider restrictions at this scope (from the scope above)'),
  allowedProviders: z.array(z.string()).nullable(),
  restrictedAt: z.string().nullable(),
  providers: z.array(ZModelConfig),
});
export type TModelList = z.infer<typeof ZModelList>;

export const ZQuotaStatus = z.object({
  provider: z.string(),
  scope: z.string().describe('where this quota is set: the scope asked about or an ancestor (its quota counts this scope’s usage too)'),
  quota: ZQuota,
  windows: z.array(ZWindowUsage),
  usage: z.object({ daily: ZAmounts, monthly: ZAmounts }),
  remaining: z.object({ daily: ZAmounts.partial(), monthly: ZAmounts.partial() }),
  resetsAt: z.object({ daily: z.string(), monthly: z.string() }),
  history: z.array(z.object({ day: z.string(), requests: z.number(), tokens: z.number(), cost: z.number() })).describe('the last 30 days at this scope, oldest first'),
});
export const ZQuotaList = z.object({ scope: z.string(), quotas: z.array(ZQuotaStatus) });
export type TQuotaStatus = z.infer<typeof ZQuotaStatus>;

export const ZUsageAnswer = z.object({
  provider: z.string(),
  scope: z.string(),
  recorded: ZAmounts,
  remaining: z.array(z.object({ scope: z.string(), period: z.enum(PERIODS), remaining: ZAmounts.partial(), resetsAt: z.string() })),
});

export const ZCheckAnswer = z.object({
  allowed: z.boolean(),
  provider: z.string(),
  scope: z.string(),
  reason: z.object({ code: z.string(), message: z.string(), details: z.unknown().optional() }).optional(),
  model: z.string(),
  parameters: z.record(z.string(), z.unknown()),
  baseUrl: z.string().nullable(),
  apiKey: z.string().nullable().optional().describe('only to callers holding models.useKey where the key is stored'),
  apiKeyWithheld: z.boolean().describe('a key is set but you may not use it'),
});

export const ZModelAccess = z.object({ scope: z.string(), allowedProviders: z.array(z.string()).nullable(), effective: z.array(z.string()).nullable() });

export { METRICS, PERIODS };

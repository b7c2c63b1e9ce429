import { z } from 'zod';
import { providerById, type ParameterSpec } from '@/lib/engine/models/providers';
import { METRICS, PERIODS, type Metric, type Period } from '@/lib/engine/models/quota';
import { parameterIssue, ZModelConfigBody, ZModelTemplateBody, type TModelConfig, type TModelConfigBody, type TModelTemplateBody, type TQuota } from '@/lib/schemas/models';

/**
 * The /models page's forms: text inputs ↔ the API's bodies. Validation is the API's own schemas
 * (ZModelConfigBody, the provider's parameter schema) applied to the converted values, so the browser
 * refuses exactly what the server would, naming the same fields.
 */

const ZLimitFields = z.object({ soft: z.string(), hard: z.string() });
const ZQuotaFields = z.object({
  timeZone: z.string(),
  daily: z.object({ requests: ZLimitFields, tokens: ZLimitFields, cost: ZLimitFields }),
  monthly: z.object({ requests: ZLimitFields, tokens: ZLimitFields, cost: ZLimitFields }),
});

export const ZModelFormFields = z.object({
  status: z.enum(['', 'active', 'inactive']),
  model: z.string(),
  preset: z.string(),
  parameters: z.record(z.string(), z.string()),
  apiKey: z.string(),
  removeKey: z.boolean(),
  baseUrl: z.string(),
  lock: z.boolean(),
  quota: ZQuotaFields,
});
export type ModelFormValues = z.infer<typeof ZModelFormFields>;

/** A parameter's text as the form shows it ('' = not set at this scope). Lists: one entry per line. */
export function parameterText(spec: ParameterSpec, value: unknown): string {
  if (value === undefined || value === null) return '';
  if (spec.type === 'stringList') return Array.isArray(value) ? value.join('\n') : '';
  return String(value);
}

/** The form's text back to a JSON value of the parameter's type (NaN / odd text left for the schema to refuse). */
export function parameterValue(spec: ParameterSpec, text: string): unknown {
  const t = text.trim();
  if (spec.type === 'stringList') return text.split('\n').map((l) => l.trim()).filter(Boolean);
  if (spec.type === 'boolean') return t === 'true' ? true : t === 'false' ? false : t;
  return t === '' ? undefined : Number(t);
}

const emptyLimit = { soft: '', hard: '' };
const limitText = (quota: TQuota | null, period: Period, metric: Metric) => {
  const l = quota?.[period]?.[metric];
  return l ? { soft: l.soft === undefined ? '' : String(l.soft), hard: String(l.hard) } : emptyLimit;
};

export function modelFormValues(config: TModelConfig): ModelFormValues {
  const own = config.own;
  const quota = own?.quota ?? null;
  const limits = (p: Period) => ({ requests: limitText(quota, p, 'requests'), tokens: limitText(quota, p, 'tokens'), cost: limitText(quota, p, 'cost') });
  return {
    status: own?.status ?? '',
    model: own?.model ?? '',
    preset: own?.preset ?? '',
    parameters: Object.fromEntries(Object.entries(config.parameterSchema).map(([name, spec]) => [name, parameterText(spec as ParameterSpec, own?.parameters[name])])),
    apiKey: '',
    removeKey: false,
    baseUrl: own?.baseUrl ?? '',
    lock: own?.locked ?? false,
    quota: { timeZone: quota?.timeZone ?? 'UTC', daily: limits('daily'), monthly: limits('monthly') },
  };
}

function quotaBody(q: ModelFormValues['quota']): unknown {
  const out: Record<string, unknown> = { timeZone: q.timeZone.trim() || 'UTC' };
  let any = false;
  for (const period of PERIODS) {
    const limits: Record<string, unknown> = {};
    for (const metric of METRICS) {
      const { soft, hard } = q[period][metric];
      if (hard.trim() === '' && soft.trim() === '') continue;
      limits[metric] = { hard: hard.trim() === '' ? NaN : Number(hard), ...(soft.trim() !== '' && { soft: Number(soft) }) };
      any = true;
    }
    if (Object.keys(limits).length) out[period] = limits;
  }
  return any ? out : null;
}

/** The form → `PUT /models/:provider` body, checked with the API's schemas. `editQuota`: the caller sets quotas here. */
export function modelFormSchema(providerId: string, scope: string, editQuota: boolean) {
  const provider = providerById(providerId)!;
  return ZModelFormFields.transform((v, ctx): TModelConfigBody => {
    const parameters: Record<string, unknown> = {};
    for (const [name, text] of Object.entries(v.parameters)) {
      const spec = provider.parameters[name];
      if (!spec || text.trim() === '') continue;
      const value = parameterValue(spec, text);
      if (value !== undefined && !(Array.isArray(value) && value.length === 0)) parameters[name] = value;
    }
    const parsed = ZModelConfigBody.safeParse({
      scope,
      model: v.model || null,
      preset: v.preset || null,
      parameters,
      status: v.status || null,
      ...(editQuota && { quota: quotaBody(v.quota) }),
      ...(v.removeKey ? { apiKey: null } : v.apiKey ? { apiKey: v.apiKey } : {}),
      baseUrl: v.baseUrl.trim() || null,
      lock: v.lock,
    });
    if (!parsed.success) {
      for (const issue of parsed.error.issues) ctx.addIssue({ code: 'custom', path: issue.path, message: issue.message });
      return z.NEVER;
    }
    const issue = parameterIssue(provider, parsed.data.parameters);
    if (issue) {
      ctx.addIssue({ code: 'custom', path: issue.field.split('.'), message: issue.message });
      return z.NEVER;
    }
    return parsed.data;
  });
}

// ------------------------------------------------------------------ presets

export const ZPresetFormFields = z.object({ name: z.string(), provider: z.string(), description: z.string(), parameters: z.record(z.string(), z.string()) });
export type PresetFormValues = z.infer<typeof ZPresetFormFields>;

export const presetFormSchema = ZPresetFormFields.transform((v, ctx): TModelTemplateBody => {
  const provider = providerById(v.provider);
  const parameters: Record<string, unknown> = {};
  for (const [name, text] of Object.entries(v.parameters)) {
    const spec = provider?.parameters[name];
    if (!spec || text.trim() === '') continue;
    parameters[name] = parameterValue(spec, text);
  }
  const parsed = ZModelTemplateBody.safeParse({ name: v.name, provider: v.provider, description: v.description, parameters });
  if (!parsed.success) {
    for (const issue of parsed.error.issues) ctx.addIssue({ code: 'custom', path: issue.path, message: issue.message });
    return z.NEVER;
  }
  const issue = provider && parameterIssue(provider, parameters);
  if (issue) {
    ctx.addIssue({ code: 'custom', path: issue.field.split('.'), message: issue.message });
    return z.NEVER;
  }
  return parsed.data;
});

/** "tenant" → "Tenant", "preset" → "Preset", "default" → "Default". */
export const sourceLabel = (resolvedFrom: string, scopeId: string | null, here: string) =>
  resolvedFrom === 'default' ? 'default' : resolvedFrom === 'preset' ? 'preset' : scopeId === here ? 'set here' : `from ${scopeId}`;

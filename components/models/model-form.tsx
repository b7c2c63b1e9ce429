'use client';

import { zodResolver } from '@hookform/resolvers/zod';
import { useForm, type FieldPath } from 'react-hook-form';
import { toast } from 'sonner';
import { api, ApiError } from '@/lib/client/api';
import { modelFormSchema, modelFormValues, sourceLabel, type ModelFormValues } from '@/lib/client/models';
import type { ParameterSpec } from '@/lib/engine/models/providers';
import { METRICS, PERIODS } from '@/lib/engine/models/quota';
import type { TModelConfig, TModelConfigBody, TModelTemplate } from '@/lib/schemas/models';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { DialogClose, DialogFooter } from '@/components/ui/dialog';
import { Field } from '@/components/ui/field';
import { Input, Select } from '@/components/ui/input';
import { ParameterFields } from './parameter-fields';
import { useRefreshModels } from './queries';
import { Writable } from '@/components/shell/live-context';

const FORM_FIELDS = new Set(['status', 'model', 'preset', 'parameters', 'apiKey', 'baseUrl', 'lock', 'quota']);
const fieldOf = (err: unknown): FieldPath<ModelFormValues> | 'root' =>
  err instanceof ApiError && err.field && FORM_FIELDS.has(err.field.split('.')[0]) ? (err.field as FieldPath<ModelFormValues>) : 'root';

/** What one scope stores for a provider, edited with the provider's parameter schema (the API's own zod schemas). */
export function ModelForm({ config, scope, mayLimit, templates, onDone }: { config: TModelConfig; scope: string; mayLimit: boolean; templates: TModelTemplate[]; onDone(): void }) {
  const refresh = useRefreshModels();
  const { register, handleSubmit, setError, formState } = useForm<ModelFormValues, unknown, TModelConfigBody>({
    resolver: zodResolver(modelFormSchema(config.provider, scope, mayLimit)),
    defaultValues: modelFormValues(config),
  });
  const { errors, isSubmitting } = formState;
  const inherited = Object.fromEntries(Object.entries(config.parameters).map(([k, p]) => [k, { value: p.value, from: sourceLabel(p.resolvedFrom, p.scopeId, scope) }]));
  const id = (name: string) => `model-${config.provider}-${name}`;

  async function submit(body: TModelConfigBody) {
    try {
      await api.put(`/models/${config.provider}`, body, config.own ? { headers: { 'if-match': `"${config.own.version}"` } } : undefined);
      toast.success(`${config.label} saved at ${scope}`);
      await refresh();
      onDone();
    } catch (err) {
      const message = err instanceof ApiError && err.code === 'VERSION_CONFLICT' ? 'Someone changed this configuration meanwhile. Close the dialog to see their change, then edit again.' : (err as Error).message;
      setError(fieldOf(err), { message });
    }
  }

  return (
    <form onSubmit={handleSubmit(submit)} noValidate className="space-y-4">
<Writable className="space-y-4">
      <div className="grid gap-3 sm:grid-cols-3">
        <Field id={id('status')} label="Status" error={errors.status?.message}>
          {(p) => (
            <Select {...p} {...register('status')}>
              <option value="">{`inherit (${config.status.value})`}</option>
              <option value="active">active</option>
              <option value="inactive">inactive</option>
            </Select>
          )}
        </Field>
        <Field id={id('model')} label="Model" error={errors.model?.message}>
          {(p) => (
            <Select {...p} {...register('model')}>
              <option value="">{`inherit (${config.model.value})`}</option>
              {config.models.map((m) => (
                <option key={m.id} value={m.id}>
                  {m.label}
                </option>
              ))}
            </Select>
          )}
        </Field>
        <Field id={id('preset')} label="Preset" error={errors.preset?.message}>
          {(p) => (
            <Select {...p} {...register('preset')}>
              <option value="">{config.preset.value && config.preset.scopeId !== scope ? `inherit (${config.preset.value})` : 'none'}</option>
              {templates.map((t) => (
                <option key={t.id} value={t.id}>
                  {t.name}
                </option>
              ))}
            </Select>
          )}
        </Field>
      </div>
      <fieldset className="space-y-2">
        <legend className="text-sm font-semibold">Parameters</legend>
        <ParameterFields idPrefix={id('param')} schema={config.parameterSchema as Record<string, ParameterSpec>} register={register} errors={errors} inherited={inherited} />
      </fieldset>
      <div className="grid gap-3 sm:grid-cols-2">
        <Field id={id('baseUrl')} label="Base URL" hint="https://, or http:// to a loopback address" error={errors.baseUrl?.message}>
          {(p) => <Input {...p} placeholder={config.baseUrl.value ?? 'https://…'} autoComplete="off" {...register('baseUrl')} />}
        </Field>
        <Field id={id('apiKey')} label="API key" hint={config.own?.apiKey ? 'A key is stored here; leave empty to keep it' : 'Stored encrypted, never shown again'} error={errors.apiKey?.message}>
          {(p) => <Input {...p} type="password" autoComplete="new-password" placeholder={config.own?.apiKey ?? ''} {...register('apiKey')} />}
        </Field>
      </div>
      <div className="flex flex-wrap gap-x-6 gap-y-2 text-sm">
        {config.own?.apiKey && (
          <label className="flex items-center gap-2">
            <input type="checkbox" {...register('removeKey')} /> Remove the stored key
          </label>
        )}
        <label className="flex items-center gap-2">
          <input type="checkbox" {...register('lock')} /> Lock for lower scopes
        </label>
      </div>
      {mayLimit ? <QuotaFields id={id} register={register} errors={errors} /> : config.own?.quota && <p className="text-sm text-zinc-600 dark:text-zinc-400">This scope’s quota is set from the scope above; it stays as it is.</p>}
      {errors.root && <Alert tone="danger">{errors.root.message}</Alert>}
      <DialogFooter>
        <DialogClose asChild>
          <Button variant="ghost">Cancel</Button>
        </DialogClose>
        <Button type="submit" variant="primary" pending={isSubmitting}>
          Save
        </Button>
      </DialogFooter>
    </Writable>
</form>
  );
}

function QuotaFields({ id, register, errors }: { id: (n: string) => string; register: ReturnType<typeof useForm<ModelFormValues, unknown, TModelConfigBody>>['register']; errors: ReturnType<typeof useForm<ModelFormValues>>['formState']['errors'] }) {
  return (
    <fieldset className="space-y-3">
      <legend className="text-sm font-semibold">Quota at this scope</legend>
      <p className="text-xs text-zinc-600 dark:text-zinc-400">Counts this scope and everything below it. The soft threshold is audited; the hard limit refuses usage. Leave both empty for no limit.</p>
      <Field id={id('tz')} label="Time zone (days and months start at midnight here)" error={errors.quota?.timeZone?.message}>
        {(p) => <Input {...p} className="max-w-xs" autoComplete="off" {...register('quota.timeZone')} />}
      </Field>
      <div className="grid gap-4 sm:grid-cols-2">
        {PERIODS.map((period) => (
          <div key={period} className="space-y-2">
            <h3 className="text-sm font-medium capitalize">{period}</h3>
            {METRICS.map((metric) => (
              <div key={metric} className="grid grid-cols-2 gap-2">
                <Field id={id(`${period}-${metric}-soft`)} label={`${metric} soft`} error={errors.quota?.[period]?.[metric]?.soft?.message}>
                  {(p) => <Input {...p} inputMode="decimal" {...register(`quota.${period}.${metric}.soft`)} />}
                </Field>
                <Field id={id(`${period}-${metric}-hard`)} label={`${metric} hard`} error={errors.quota?.[period]?.[metric]?.hard?.message}>
                  {(p) => <Input {...p} inputMode="decimal" {...register(`quota.${period}.${metric}.hard`)} />}
                </Field>
              </div>
            ))}
          </div>
        ))}
      </div>
    </fieldset>
  );
}

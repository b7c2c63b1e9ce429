'use client';

import { zodResolver } from '@hookform/resolvers/zod';
import { useFieldArray, useForm, useWatch, type FieldPath } from 'react-hook-form';
import { toast } from 'sonner';
import { api, ApiError } from '@/lib/client/api';
import { FLAG_TYPE_LABELS, flagFormSchema, flagFormValues, sentence, type FlagFormValues, type MatrixFlag } from '@/lib/client/flags';
import { FLAG_TYPES, type TCreateFlag, type TFlagAtScope, type TUpdateFlag } from '@/lib/schemas/flags';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { DialogClose, DialogFooter } from '@/components/ui/dialog';
import { Field } from '@/components/ui/field';
import { Input, Select, Textarea } from '@/components/ui/input';
import { Switch } from '@/components/ui/switch';
import { useRefreshFlags } from './queries';
import { Writable } from '@/components/shell/live-context';

const FORM_FIELDS = new Set(['key', 'description', 'flagType', 'enabled', 'rolloutPercentage', 'enabledForRoles', 'enabledForUsers', 'dependsOnFlag', 'expiresAt', 'variants', 'metadata', 'reason']);

/** The server names the field it refuses (e.g. a dependency cycle on dependsOnFlag); show it there. */
function fieldOf(err: unknown): FieldPath<FlagFormValues> | 'root' {
  if (!(err instanceof ApiError) || !err.field) return 'root';
  return FORM_FIELDS.has(err.field.split('.')[0]) ? (err.field as FieldPath<FlagFormValues>) : 'root';
}

/**
 * Create a flag at global, or edit one row (`row`, at its scope). Validated in the browser by the API's own
 * schemas (lib/client/flags.ts), and again by the server, whose errors show beside the field they name.
 */
export function FlagForm({ flags, row, onDone }: { flags: MatrixFlag[]; row?: TFlagAtScope; onDone(key: string): void }) {
  const refresh = useRefreshFlags();
  const { register, control, handleSubmit, setError, setValue, formState } = useForm<FlagFormValues, unknown, TCreateFlag | TUpdateFlag>({
    resolver: zodResolver(flagFormSchema(row && { key: row.key, scope: row.scope })),
    defaultValues: flagFormValues(row),
  });
  const { errors, isSubmitting } = formState;
  const variants = useFieldArray({ control, name: 'variants' });
  const [flagType, enabled, weights] = useWatch({ control, name: ['flagType', 'enabled', 'variants'] });
  const total = weights.reduce((n, v) => n + (Number(v.weight) || 0), 0);
  const error = (message?: string) => message && sentence(message);

  async function submit(body: TCreateFlag | TUpdateFlag) {
    try {
      if (row) {
        await api.put(`/flags/${encodeURIComponent(row.key)}`, body, { headers: { 'if-match': `"${row.version}"` } });
        toast.success(`${row.key} saved`);
      } else {
        await api.post('/flags', body);
        toast.success(`${(body as TCreateFlag).key} created`);
      }
      await refresh();
      onDone(row?.key ?? (body as TCreateFlag).key);
    } catch (err) {
      const message = err instanceof ApiError && err.code === 'VERSION_CONFLICT' ? 'Someone changed this flag meanwhile. Close the dialog to see their change, then edit again.' : (err as Error).message;
      setError(fieldOf(err), { message });
    }
  }

  return (
    <form onSubmit={handleSubmit(submit)} noValidate className="space-y-4">
<Writable className="space-y-4">
      {!row && (
        <Field id="flag-key" label="Key" hint="Dotted, e.g. feature.newDashboard. It cannot be changed later." error={error(errors.key?.message)}>
          {(p) => <Input {...p} {...register('key')} autoComplete="off" spellCheck={false} className="font-mono" />}
        </Field>
      )}
      <Field id="flag-description" label="Description" error={error(errors.description?.message)}>
        {(p) => <Textarea {...p} {...register('description')} rows={2} />}
      </Field>
      <div className="grid gap-4 sm:grid-cols-2">
        <Field id="flag-type" label="Type" error={error(errors.flagType?.message)}>
          {(p) => (
            <Select {...p} {...register('flagType')}>
              {FLAG_TYPES.map((t) => (
                <option key={t} value={t}>
                  {FLAG_TYPE_LABELS[t]}
                </option>
              ))}
            </Select>
          )}
        </Field>
        <div className="flex items-center justify-between gap-3 sm:pt-6">
          <label htmlFor="flag-enabled" className="text-sm font-medium">
            Enabled
            <span className="block text-xs font-normal text-zinc-600 dark:text-zinc-400">Off answers DISABLED whatever the rules say.</span>
          </label>
          <Switch id="flag-enabled" checked={enabled} onCheckedChange={(on) => setValue('enabled', on, { shouldDirty: true })} />
        </div>
      </div>

      {flagType === 'percentage' && (
        <Field id="flag-rollout" label="Rollout (%)" hint="Users whose bucket (a hash of flag key and user id) is below this get the flag." error={error(errors.rolloutPercentage?.message)}>
          {(p) => <Input {...p} {...register('rolloutPercentage')} type="number" min={0} max={100} step={1} inputMode="numeric" className="max-w-32" />}
        </Field>
      )}
      {flagType === 'role_targeted' && (
        <Field id="flag-roles" label="Roles" hint="Comma-separated, e.g. VALIDATOR, ADMIN: the roles your application passes." error={error(errors.enabledForRoles?.message)}>
          {(p) => <Input {...p} {...register('enabledForRoles')} autoComplete="off" />}
        </Field>
      )}
      {flagType === 'user_targeted' && (
        <Field id="flag-users" label="Users" hint="One user id per line (or comma-separated): the ids your application passes." error={error(errors.enabledForUsers?.message)}>
          {(p) => <Textarea {...p} {...register('enabledForUsers')} rows={3} className="font-mono" spellCheck={false} />}
        </Field>
      )}

      <div className="grid gap-4 sm:grid-cols-2">
        <Field id="flag-depends" label="Depends on" hint="Off whenever that flag is off for the same user." error={error(errors.dependsOnFlag?.message)}>
          {(p) => (
            <Select {...p} {...register('dependsOnFlag')}>
              <option value="">No dependency</option>
              {flags
                .filter((f) => f.key !== row?.key)
                .map((f) => (
                  <option key={f.key} value={f.key}>
                    {f.key}
                  </option>
                ))}
            </Select>
          )}
        </Field>
        <Field id="flag-expires" label="Expires at (UTC)" hint="Off after this; listed under Stale flags." error={error(errors.expiresAt?.message)}>
          {(p) => <Input {...p} {...register('expiresAt')} type="datetime-local" />}
        </Field>
      </div>

      <fieldset className="space-y-2">
        <legend className="text-sm font-medium">Variants</legend>
        <p className="text-xs text-zinc-600 dark:text-zinc-400">
          Optional. Users who get the flag are split by weight (whole percentages summing to 100). A value is text, a number, true/false or JSON.
        </p>
        {variants.fields.map((f, i) => {
          const problem = errors.variants?.[i];
          const message = problem?.key?.message ?? problem?.value?.message ?? problem?.weight?.message;
          return (
            <div key={f.id} className="space-y-1">
              <div className="grid grid-cols-[minmax(0,1fr)_5rem_auto] items-center gap-2 sm:grid-cols-[8rem_minmax(0,1fr)_5rem_auto]">
                <label htmlFor={`variant-key-${i}`} className="sr-only">
                  Variant {i + 1} key
                </label>
                <Input id={`variant-key-${i}`} {...register(`variants.${i}.key`)} placeholder="key" aria-invalid={problem?.key ? true : undefined} className="font-mono" />
                <label htmlFor={`variant-value-${i}`} className="sr-only">
                  Variant {i + 1} value
                </label>
                <Input id={`variant-value-${i}`} {...register(`variants.${i}.value`)} placeholder="value" aria-invalid={problem?.value ? true : undefined} className="col-span-3 row-start-2 font-mono sm:col-span-1 sm:row-start-auto" />
                <label htmlFor={`variant-weight-${i}`} className="sr-only">
                  Variant {i + 1} weight (%)
                </label>
                <Input
                  id={`variant-weight-${i}`}
                  {...register(`variants.${i}.weight`)}
                  type="number"
                  min={0}
                  max={100}
                  inputMode="numeric"
                  aria-invalid={problem?.weight ? true : undefined}
                  aria-describedby={message ? `variant-${i}-error` : undefined}
                />
                <Button variant="ghost" size="sm" onClick={() => variants.remove(i)}>
                  Remove<span className="sr-only"> variant {i + 1}</span>
                </Button>
              </div>
              {message && (
                <p id={`variant-${i}-error`} className="text-sm text-red-700 dark:text-red-400">
                  {sentence(message)}
                </p>
              )}
            </div>
          );
        })}
        <div className="flex flex-wrap items-center gap-3">
          <Button size="sm" onClick={() => variants.append({ key: '', value: '', weight: variants.fields.length ? '0' : '100' })}>
            Add variant
          </Button>
          {variants.fields.length > 0 && (
            <span className={total === 100 ? 'text-xs text-zinc-600 dark:text-zinc-400' : 'text-xs font-medium text-amber-700 dark:text-amber-400'} aria-live="polite">
              Weights total {total}%
            </span>
          )}
        </div>
        {(errors.variants?.message ?? errors.variants?.root?.message) && <p className="text-sm text-red-700 dark:text-red-400">{error(errors.variants?.message ?? errors.variants?.root?.message)}</p>}
      </fieldset>

      <Field id="flag-metadata" label="Metadata (JSON object)" hint='Free-form, e.g. {"jiraTicket": "ACCR-1234", "owner": "events team"}.' error={error(errors.metadata?.message)}>
        {(p) => <Textarea {...p} {...register('metadata')} rows={3} className="font-mono" spellCheck={false} />}
      </Field>
      <Field id="flag-reason" label="Reason (optional)" hint="Kept in the audit log with the change." error={error(errors.reason?.message)}>
        {(p) => <Input {...p} {...register('reason')} />}
      </Field>

      {errors.root && <Alert tone="danger">{errors.root.message}</Alert>}
      <DialogFooter>
        <DialogClose asChild>
          <Button>Cancel</Button>
        </DialogClose>
        <Button type="submit" variant="primary" pending={isSubmitting}>
          {row ? 'Save changes' : 'Create flag'}
        </Button>
      </DialogFooter>
    </Writable>
</form>
  );
}

'use client';

import { zodResolver } from '@hookform/resolvers/zod';
import { useState } from 'react';
import { useForm, useWatch, type FieldPath } from 'react-hook-form';
import { toast } from 'sonner';
import { api, ApiError } from '@/lib/client/api';
import { presetFormSchema, type PresetFormValues } from '@/lib/client/models';
import { providerById, PROVIDERS } from '@/lib/engine/models/providers';
import type { TModelTemplate, TModelTemplateBody } from '@/lib/schemas/models';
import { Alert } from '@/components/ui/alert';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { Card } from '@/components/ui/card';
import { Dialog, DialogClose, DialogContent, DialogFooter } from '@/components/ui/dialog';
import { EmptyState } from '@/components/ui/empty-state';
import { Field } from '@/components/ui/field';
import { Input, Select } from '@/components/ui/input';
import { Table, TBody, Td, Th, THead, Tr } from '@/components/ui/table';
import { ParameterFields } from './parameter-fields';
import { useRefreshModels } from './queries';
import { Writable } from '@/components/shell/live-context';

const summary = (p: Record<string, unknown>) => Object.entries(p).map(([k, v]) => `${k} ${Array.isArray(v) ? v.join('|') : String(v)}`).join(', ') || '—';

function PresetForm({ onDone }: { onDone(): void }) {
  const refresh = useRefreshModels();
  const { register, handleSubmit, setError, control, formState } = useForm<PresetFormValues, unknown, TModelTemplateBody>({
    resolver: zodResolver(presetFormSchema),
    defaultValues: { name: '', provider: 'openai', description: '', parameters: {} },
  });
  const provider = providerById(useWatch({ control, name: 'provider' }) ?? 'openai') ?? PROVIDERS[0];
  const { errors, isSubmitting } = formState;

  async function submit(body: TModelTemplateBody) {
    try {
      const t = await api.post<TModelTemplate>('/models/templates', body);
      toast.success(`Preset ${t.name} created`);
      await refresh();
      onDone();
    } catch (err) {
      const field = err instanceof ApiError && err.field && /^(name|provider|description|parameters)/.test(err.field) ? (err.field as FieldPath<PresetFormValues>) : 'root';
      setError(field, { message: (err as Error).message });
    }
  }

  return (
    <form onSubmit={handleSubmit(submit)} noValidate className="space-y-4">
<Writable className="space-y-4">
      <div className="grid gap-3 sm:grid-cols-2">
        <Field id="preset-name" label="Name" error={errors.name?.message}>
          {(p) => <Input {...p} autoComplete="off" {...register('name')} />}
        </Field>
        <Field id="preset-provider" label="Provider" error={errors.provider?.message}>
          {(p) => (
            <Select {...p} {...register('provider')}>
              {PROVIDERS.map((x) => (
                <option key={x.id} value={x.id}>
                  {x.label}
                </option>
              ))}
            </Select>
          )}
        </Field>
      </div>
      <Field id="preset-description" label="Description" error={errors.description?.message}>
        {(p) => <Input {...p} autoComplete="off" {...register('description')} />}
      </Field>
      <fieldset className="space-y-2">
        <legend className="text-sm font-semibold">Parameters ({provider.label})</legend>
        <ParameterFields key={provider.id} idPrefix="preset-param" schema={provider.parameters} register={register} errors={errors} />
      </fieldset>
      {errors.root && <Alert tone="danger">{errors.root.message}</Alert>}
      <DialogFooter>
        <DialogClose asChild>
          <Button variant="ghost">Cancel</Button>
        </DialogClose>
        <Button type="submit" variant="primary" pending={isSubmitting}>
          Create preset
        </Button>
      </DialogFooter>
    </Writable>
</form>
  );
}

/** Named parameter sets per provider; platform admins create and delete them. */
export function PresetsPanel({ templates, mayWrite }: { templates: TModelTemplate[]; mayWrite: boolean }) {
  const refresh = useRefreshModels();
  const [creating, setCreating] = useState(false);

  async function remove(t: TModelTemplate) {
    try {
      await api.delete(`/models/templates/${t.id}`);
      toast.success(`Preset ${t.name} deleted`);
      await refresh();
    } catch (e) {
      toast.error((e as Error).message);
    }
  }

  return (
    <div className="space-y-3">
      {mayWrite && (
        <div className="flex justify-end">
          <Button variant="primary" onClick={() => setCreating(true)}>
            New preset
          </Button>
        </div>
      )}
      <Card>
        {templates.length === 0 ? (
          <EmptyState title="No presets yet" description={mayWrite ? 'A preset is a named parameter set ("precise", "creative") a scope can pick and override.' : 'Platform admins create presets; they will show here.'} />
        ) : (
          <Table caption="Parameter presets">
            <THead>
              <Tr>
                <Th>Preset</Th>
                <Th>Provider</Th>
                <Th>Parameters</Th>
                {mayWrite && <Th className="sr-only">Actions</Th>}
              </Tr>
            </THead>
            <TBody>
              {templates.map((t) => (
                <Tr key={t.id}>
                  <Td>
                    <div className="font-medium">{t.name}</div>
                    <div className="text-xs text-zinc-600 dark:text-zinc-400">{t.description || t.id}</div>
                  </Td>
                  <Td>
                    <Badge>{t.provider}</Badge>
                  </Td>
                  <Td className="font-mono text-xs">{summary(t.parameters)}</Td>
                  {mayWrite && (
                    <Td className="text-right">
                      <Button size="sm" variant="ghost" onClick={() => remove(t)} aria-label={`Delete preset ${t.name}`}>
                        Delete
                      </Button>
                    </Td>
                  )}
                </Tr>
              ))}
            </TBody>
          </Table>
        )}
      </Card>
      <Dialog open={creating} onOpenChange={setCreating}>
        <DialogContent title="New parameter preset" description="Checked against the provider’s parameter schema." className="max-w-2xl">
          <PresetForm onDone={() => setCreating(false)} />
        </DialogContent>
      </Dialog>
    </div>
  );
}

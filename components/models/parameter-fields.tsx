'use client';

import type { FieldErrors, UseFormRegister } from 'react-hook-form';
import type { ParameterSpec } from '@/lib/engine/models/providers';
import { Field } from '@/components/ui/field';
import { Input, Select, Textarea } from '@/components/ui/input';

type WithParameters = { parameters: Record<string, string> };

function hint(spec: ParameterSpec): string {
  const range = spec.type === 'number' || spec.type === 'integer' ? `${spec.min} to ${spec.max}${spec.type === 'integer' ? ', whole numbers' : ''}` : spec.type === 'stringList' ? `one per line, up to ${spec.maxItems}` : 'true / false';
  return [range, spec.help].filter(Boolean).join(' · ');
}

/**
 * One input per parameter of a provider's schema; empty means "not set here". `inherited` shows what an
 * empty field resolves to (placeholder), so people see what they would override.
 */
export function ParameterFields<T extends WithParameters>({
  idPrefix,
  schema,
  register,
  errors,
  inherited,
}: {
  idPrefix: string;
  schema: Record<string, ParameterSpec>;
  register: UseFormRegister<T>;
  errors: FieldErrors<T>;
  inherited?: Record<string, { value: unknown; from: string }>;
}) {
  const reg = register as unknown as UseFormRegister<WithParameters>;
  const errs = (errors as FieldErrors<WithParameters>).parameters as Record<string, { message?: string }> | undefined;
  return (
    <div className="grid gap-3 sm:grid-cols-2">
      {Object.entries(schema).map(([name, spec]) => {
        const id = `${idPrefix}-${name}`;
        const was = inherited?.[name];
        const placeholder = was ? `${Array.isArray(was.value) ? was.value.join(', ') : String(was.value)} (${was.from})` : 'not set';
        return (
          <Field key={name} id={id} label={`${spec.label} (${name})`} hint={hint(spec)} error={errs?.[name]?.message}>
            {(p) =>
              spec.type === 'boolean' ? (
                <Select {...p} {...reg(`parameters.${name}`)}>
                  <option value="">{`inherit: ${placeholder}`}</option>
                  <option value="true">true</option>
                  <option value="false">false</option>
                </Select>
              ) : spec.type === 'stringList' ? (
                <Textarea {...p} rows={2} placeholder={placeholder} {...reg(`parameters.${name}`)} />
              ) : (
                <Input {...p} inputMode="decimal" autoComplete="off" placeholder={placeholder} {...reg(`parameters.${name}`)} />
              )
            }
          </Field>
        );
      })}
    </div>
  );
}

'use client';

import type { Ref } from 'react';
import { isSecret } from '@/lib/engine/secrecy';
import { optionsOf, type Draft, type FormDefinition } from '@/lib/client/setting-form';
import { cn } from '@/components/ui/cn';
import { Input, Select, Textarea } from '@/components/ui/input';
import { Switch } from '@/components/ui/switch';

/** Extra guidance a type needs beside the control, on top of the definition's own help text. */
export function typeHint(def: FormDefinition): string | undefined {
  switch (def.type) {
    case 'duration':
      return 'A duration such as 90s, 15m, 1h30m, 2d or PT15M.';
    case 'cidr-list':
      return 'One range per line, e.g. 10.0.0.0/8 or 2001:db8::/32.';
    case 'json':
      return 'JSON, checked as you save.';
    default:
      return undefined;
  }
}

export interface SettingEditorProps {
  def: FormDefinition;
  id: string;
  /** Names the control (or, for a multiselect, its group of checkboxes): the setting's label element. */
  labelId: string;
  describedBy?: string;
  invalid: boolean;
  value: Draft;
  onChange(value: Draft): void;
  onBlur(): void;
  ref?: Ref<HTMLElement>;
}

/** The control for one setting, chosen by its type (and ui.control): every setting page uses this one editor. */
export function SettingEditor({ def, id, labelId, describedBy, invalid, value, onChange, onBlur, ref }: SettingEditorProps) {
  const common = {
    id,
    onBlur,
    'aria-describedby': describedBy,
    'aria-invalid': invalid || undefined,
    'data-setting-control': true,
  };
  const text = typeof value === 'string' ? value : '';
  const lines = text.split('\n').length;

  if (def.type === 'boolean')
    return <Switch {...common} ref={ref as Ref<HTMLButtonElement>} checked={value === true} onCheckedChange={onChange} />;

  if (def.type === 'enum')
    return (
      <div className="w-full sm:w-72">
        <Select {...common} ref={ref as Ref<HTMLSelectElement>} value={text} onChange={(e) => onChange(e.target.value)}>
          {optionsOf(def).map((o) => (
            <option key={String(o.value)} value={String(o.value)}>
              {o.label}
            </option>
          ))}
        </Select>
      </div>
    );

  if (def.type === 'multiselect') {
    const chosen = Array.isArray(value) ? value : [];
    const options = optionsOf(def);
    // kept in the options' order, so the saved list does not depend on the order of clicks
    const toggle = (v: string | number) => onChange(options.map((o) => o.value).filter((o) => (o === v ? !chosen.includes(v) : chosen.includes(o))));
    return (
      <div role="group" aria-labelledby={labelId} aria-describedby={describedBy} className="flex w-full flex-wrap gap-2">
        {options.map((o, i) => (
          <label
            key={String(o.value)}
            className="inline-flex cursor-pointer items-center gap-2 rounded-md border border-zinc-300 px-2.5 py-1.5 text-sm has-checked:border-indigo-500 has-checked:bg-indigo-50 dark:border-zinc-700 dark:has-checked:bg-indigo-950"
          >
            <input
              type="checkbox"
              {...(i === 0 ? { ...common, ref: ref as Ref<HTMLInputElement>, 'aria-describedby': undefined } : { onBlur })}
              checked={chosen.includes(o.value)}
              onChange={() => toggle(o.value)}
              className="size-4 accent-indigo-600"
            />
            {o.label}
          </label>
        ))}
      </div>
    );
  }

  if (def.type === 'json' || def.type === 'cidr-list' || def.ui?.control === 'textarea')
    return (
      <Textarea
        {...common}
        ref={ref as Ref<HTMLTextAreaElement>}
        value={text}
        onChange={(e) => onChange(e.target.value)}
        rows={Math.min(12, Math.max(3, lines + 1))}
        spellCheck={false}
        placeholder={def.ui?.placeholder}
        className={cn(def.type !== 'string' && 'font-mono text-xs leading-relaxed')}
      />
    );

  const numeric = def.type === 'number' || def.type === 'integer';
  return (
    <div className={cn('flex items-center gap-2', !numeric && 'w-full sm:w-auto')}>
      <div className={numeric ? 'w-32' : 'min-w-0 flex-1 sm:w-96 sm:flex-none'}>
        <Input
          {...common}
          ref={ref as Ref<HTMLInputElement>}
          type={isSecret(def) ? 'password' : numeric ? 'number' : def.type === 'url' ? 'url' : def.type === 'email' ? 'email' : 'text'}
          step={def.type === 'integer' ? 1 : numeric ? 'any' : undefined}
          autoComplete={isSecret(def) ? 'new-password' : 'off'}
          placeholder={isSecret(def) ? 'Enter a new value' : def.ui?.placeholder}
          value={text}
          onChange={(e) => onChange(e.target.value)}
        />
      </div>
      {def.ui?.unit && <span className="text-sm text-zinc-600 dark:text-zinc-400">{def.ui.unit}</span>}
    </div>
  );
}

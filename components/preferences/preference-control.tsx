'use client';

import { allowedValues } from '@/lib/engine/value-schema';
import type { TDefinition } from '@/lib/schemas/definition';
import { Input, Select, Textarea } from '@/components/ui/input';
import { Switch } from '@/components/ui/switch';

/**
 * One preference's input, chosen by its type. Choices (switch, select, checkboxes) take effect on
 * change; typed values are edited as text and saved explicitly, so half-typed input is never sent.
 */
export type ControlKind = 'switch' | 'select' | 'checkboxes' | 'text' | 'number' | 'password' | 'textarea';

export function controlKind(def: TDefinition): ControlKind {
  switch (def.type) {
    case 'boolean':
      return 'switch';
    case 'enum':
      return 'select';
    case 'multiselect':
      return 'checkboxes';
    case 'number':
    case 'integer':
      return 'number';
    case 'secret':
      return 'password';
    case 'json':
      return 'textarea';
    default:
      return def.ui?.control === 'textarea' ? 'textarea' : 'text';
  }
}

export const isChoice = (kind: ControlKind) => kind === 'switch' || kind === 'select' || kind === 'checkboxes';

export function options(def: TDefinition): { value: string | number; label: string }[] {
  return def.ui?.options?.length ? def.ui.options : allowedValues(def).map((v) => ({ value: v, label: String(v) }));
}

/** A value as the text a typed control edits. */
export function asText(def: TDefinition, value: unknown): string {
  if (value === null || value === undefined) return '';
  if (def.type === 'json') return JSON.stringify(value, null, 2);
  if (Array.isArray(value)) return value.join(', ');
  return String(value);
}

interface Props {
  def: TDefinition;
  id: string;
  /** The value for choices; the text for typed controls. */
  value: unknown;
  onChange(value: unknown): void;
  describedBy?: string;
  invalid?: boolean;
  disabled?: boolean;
}

export function PreferenceControl({ def, id, value, onChange, describedBy, invalid, disabled }: Props) {
  const kind = controlKind(def);
  const a11y = { 'aria-describedby': describedBy, 'aria-invalid': invalid || undefined };
  const labelId = `${id}-label`;

  if (kind === 'switch') return <Switch id={id} checked={value === true} onCheckedChange={onChange} disabled={disabled} {...a11y} />;

  if (kind === 'select') {
    const list = options(def);
    return (
      <Select id={id} value={String(value)} onChange={(e) => onChange(list.find((o) => String(o.value) === e.target.value)?.value)} disabled={disabled} {...a11y}>
        {/* a value no longer offered (the registry changed) still shows as what it is */}
        {!list.some((o) => o.value === value) && <option value={String(value)}>{String(value)}</option>}
        {list.map((o) => (
          <option key={String(o.value)} value={String(o.value)}>
            {o.label}
          </option>
        ))}
      </Select>
    );
  }

  if (kind === 'checkboxes') {
    const chosen = Array.isArray(value) ? value : [];
    return (
      <div role="group" aria-labelledby={labelId} {...a11y} className="flex flex-wrap gap-x-4 gap-y-2">
        {options(def).map((o) => (
          <label key={String(o.value)} className="inline-flex items-center gap-2 text-sm">
            <input
              type="checkbox"
              checked={chosen.includes(o.value)}
              onChange={(e) => onChange(e.target.checked ? [...chosen, o.value] : chosen.filter((v) => v !== o.value))}
              disabled={disabled}
              className="size-4 accent-indigo-600"
            />
            {o.label}
          </label>
        ))}
      </div>
    );
  }

  const text = { id, value: String(value), onChange: (e: { target: { value: string } }) => onChange(e.target.value), disabled, placeholder: def.ui?.placeholder, ...a11y };
  if (kind === 'textarea') return <Textarea {...text} rows={4} className="font-mono text-xs" spellCheck={false} />;
  return <Input {...text} type={kind === 'password' ? 'password' : 'text'} inputMode={kind === 'number' ? 'decimal' : undefined} autoComplete="off" />;
}

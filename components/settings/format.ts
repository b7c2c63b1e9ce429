import type { TLevel } from '@/lib/schemas/registry';
import { optionsOf, type FormDefinition } from '@/lib/client/setting-form';

/** A value as people read it in summaries, chains and history: option labels, On/Off, units, JSON. */
export function formatValue(def: FormDefinition, value: unknown): string {
  if (value === null || value === undefined) return 'not set';
  if (value === '') return '(empty)';
  if (typeof value === 'boolean') return value ? 'On' : 'Off';
  if (def.type === 'enum' || def.type === 'multiselect') {
    const labels = new Map(optionsOf(def).map((o) => [o.value, o.label]));
    const label = (v: unknown) => labels.get(v as string | number) ?? JSON.stringify(v);
    if (Array.isArray(value)) return value.length ? value.map(label).join(', ') : '(none)';
    return label(value);
  }
  if (def.type === 'cidr-list' && Array.isArray(value)) return value.length ? value.join(', ') : '(none)';
  if (typeof value === 'number' && def.ui?.unit) return `${value.toLocaleString('en')} ${def.ui.unit}`;
  if (typeof value === 'string') return value;
  return JSON.stringify(value);
}

/** "tenant" → "Tenant" from the hierarchy, and the two pseudo-levels of a chain. */
export function levelLabel(levels: Pick<TLevel, 'key' | 'label'>[], level: string): string {
  if (level === 'default') return 'Default';
  return levels.find((l) => l.key === level)?.label ?? level.charAt(0).toUpperCase() + level.slice(1);
}

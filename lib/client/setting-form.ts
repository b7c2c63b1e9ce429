import { z } from 'zod';
import { allowedValues, coerceValue, formatIssuePath, valueSchemaFor } from '@/lib/engine/value-schema';
import { isSecret } from '@/lib/engine/secrecy';
import type { TDefinition } from '@/lib/schemas/definition';

/**
 * The web app's setting forms: what a control holds for a value (a "draft"), and the form schema that
 * turns a draft back into a value with the very zod schema the server validates with (valueSchemaFor).
 * Client-safe: the engine's value-schema module is pure.
 */
export type FormDefinition = Pick<TDefinition, 'type' | 'validation' | 'ui' | 'isSecret'>;

/** Text for most types; true/false for a toggle; the chosen option values for a multiselect. */
export type Draft = string | boolean | (string | number)[];

/** The options of an enum or multiselect: ui.options with their labels, else the allowed values. */
export function optionsOf(def: FormDefinition): { value: string | number; label: string }[] {
  const labels = new Map((def.ui?.options ?? []).map((o) => [o.value, o.label]));
  return allowedValues(def).map((value) => ({ value, label: labels.get(value) ?? String(value) }));
}

/** What the control starts from. Secrets start empty: their value is never sent to the browser. */
export function draftOf(def: FormDefinition, value: unknown): Draft {
  if (isSecret(def)) return '';
  switch (def.type) {
    case 'boolean':
      return value === true;
    case 'multiselect':
      return Array.isArray(value) ? value : [];
    case 'cidr-list':
      return Array.isArray(value) ? value.join('\n') : '';
    case 'json':
      return value === undefined ? '' : JSON.stringify(value, null, 2);
    default:
      return value === null || value === undefined ? '' : String(value);
  }
}

/**
 * The issues of a failed value as one message for the one error slot beside the field ("[2] must be text"):
 * the first issue of each place in the value (a rule and the JSON schema may both object to one item), at most three.
 */
function describeIssues(issues: readonly z.core.$ZodIssue[]): string {
  const byPath = new Map<string, string>();
  for (const i of issues) {
    const path = formatIssuePath(i.path) ?? '';
    if (!byPath.has(path)) byPath.set(path, [path, i.message].filter(Boolean).join(' '));
  }
  return [...byPath.values()].slice(0, 3).join('; ');
}

/** `{ value: draft, lock }` in, `{ value, lock }` out: the value parsed, coerced and validated as the server does. */
export function settingFormSchema(def: FormDefinition) {
  const valueSchema = valueSchemaFor(def);
  return z.object({
    value: z.unknown().transform((draft, ctx) => {
      if (isSecret(def) && draft === '') {
        ctx.addIssue({ code: 'custom', message: 'enter the new value (it is never shown here)' });
        return z.NEVER;
      }
      let input = draft;
      if (def.type === 'json') {
        try {
          input = JSON.parse(String(draft));
        } catch (e) {
          ctx.addIssue({ code: 'custom', message: `not valid JSON: ${(e as Error).message}` });
          return z.NEVER;
        }
      }
      const parsed = valueSchema.safeParse(coerceValue(def, input));
      if (parsed.success) return parsed.data;
      ctx.addIssue({ code: 'custom', message: describeIssues(parsed.error.issues) });
      return z.NEVER;
    }),
    lock: z.boolean(),
  });
}

/** "must be at most 100" → "Must be at most 100." — engine messages read after a label; beside a field they stand alone. */
export function sentence(message: string): string {
  const text = message.charAt(0).toUpperCase() + message.slice(1);
  return /[.!?]$/.test(text) ? text : `${text}.`;
}

/** ui.showWhen (seed 004 §1.3): a setting is shown only while the setting it names has the given value. */
export function isShown(def: Pick<FormDefinition, 'ui'>, valueOf: (key: string) => unknown): boolean {
  const when = def.ui?.showWhen;
  return !when || JSON.stringify(valueOf(when.settingKey)) === JSON.stringify(when.equals);
}

import type { TDefinition } from '@/lib/schemas/definition';
import { isSecret, MASK, REDACTED } from '@/lib/engine/secrecy';

/** What a response may show of a value: secrets as the mask (an unset or empty secret stays visible as such). */
export function shown(def: TDefinition, value: unknown): unknown {
  if (!isSecret(def) || value === null || value === undefined || value === '') return value ?? null;
  return MASK;
}

/** What the audit log may record of a value. */
export function audited(def: TDefinition, value: unknown): unknown {
  if (!isSecret(def) || value === null || value === undefined) return value ?? null;
  return REDACTED;
}

/** The public view of a definition (the secret default is masked too). */
export function publicDefinition(def: TDefinition) {
  return { ...def, defaultValue: shown(def, def.defaultValue) };
}

import type { TDefinition } from '@/lib/schemas/definition';
import type { TDriftRule, TDriftSeverity } from '@/lib/schemas/drift';
import { isSecret } from './secrecy';

/**
 * Drift classification (seed 003 §5.5): the first row of the drift tables (the catalogs', then the
 * defaults) that matches a key decides its severity and whether remediation may restore it unattended.
 */

export interface DriftClass {
  severity: TDriftSeverity;
  autoRemediable: boolean;
}

function globMatches(pattern: string, key: string): boolean {
  if (!pattern.includes('*')) return pattern === key;
  const re = new RegExp(`^${pattern.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
  return re.test(key);
}

export function ruleMatches(rule: Pick<TDriftRule, 'match'>, def: TDefinition, securityCategory: boolean): boolean {
  const m = rule.match;
  if (m === 'secret') return isSecret(def);
  if (m === 'security') return securityCategory;
  if (m.startsWith('category:')) return def.category === m.slice('category:'.length);
  return globMatches(m, def.key);
}

/** No row matches: info, and a person decides. */
export function classifyDrift(def: TDefinition, securityCategory: boolean, rules: readonly TDriftRule[]): DriftClass {
  const rule = rules.find((r) => ruleMatches(r, def, securityCategory));
  return { severity: rule?.severity ?? 'info', autoRemediable: rule?.autoRemediable ?? false };
}

/** What should be stored at one (key, scope): present with a value and lock, or absent. */
export interface ExpectedState {
  present: boolean;
  value: unknown;
  locked: boolean;
}

/** What is stored there (null: nothing). */
export interface ActualState {
  value: unknown;
  locked: boolean;
}

export type Comparison = 'same' | 'drifted' | 'missing' | 'unrecorded';

/** `canonical` is the caller's canonical JSON (key order must not count as a difference). */
export function compareState(expected: ExpectedState | null, actual: ActualState | null, canonical: (v: unknown) => string): Comparison {
  if (!expected) return actual ? 'unrecorded' : 'same';
  if (!expected.present) return actual ? 'drifted' : 'same';
  if (!actual) return 'missing';
  return canonical(expected.value) === canonical(actual.value) && expected.locked === actual.locked ? 'same' : 'drifted';
}

import type { TFlagVariant } from '@/lib/schemas/flags';
import type { ValidationIssue } from './types';

/** What a flag row must satisfy beyond its field types: variants that add up, and no self-dependency. */
export function flagRuleProblems(rule: { key: string; dependsOnFlag: string | null; variants: readonly TFlagVariant[] | null }): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  if (rule.dependsOnFlag === rule.key) issues.push({ path: 'dependsOnFlag', rule: 'dependsOnFlag', message: 'A flag cannot depend on itself' });
  const variants = rule.variants ?? [];
  if (variants.length) {
    const total = variants.reduce((n, v) => n + v.weight, 0);
    if (total !== 100) issues.push({ path: 'variants', rule: 'weights', message: `Variant weights must sum to 100, not ${total}` });
    const keys = variants.map((v) => v.key);
    const repeated = keys.find((k, i) => keys.indexOf(k) !== i);
    if (repeated) issues.push({ path: 'variants', rule: 'unique', message: `Variant "${repeated}" appears twice` });
    const kinds = new Set(variants.map((v) => (Array.isArray(v.value) ? 'object' : typeof v.value)));
    if (kinds.size > 1) issues.push({ path: 'variants', rule: 'type', message: `Variant values must all be of one kind, not ${[...kinds].join(' and ')}` });
  }
  return issues;
}

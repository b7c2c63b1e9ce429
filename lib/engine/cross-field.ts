/**
 * Rules named in a definition's `validation.rules`, checked in code. Built in: "gte:<key>", "gt:<key>",
 * "lte:<key>", "lt:<key>" compare this setting with another (numbers, or durations by their length);
 * "schedule": the value is a job schedule `lib/engine/schedule.ts` accepts (backup.schedule), so a bad one
 * is refused on write instead of being noticed by the job later. Any other name is reported, never ignored.
 */
import type { TDefinition } from '@/lib/schemas/definition';
import { SETTING_KEY_PATTERN } from './patterns';
import type { ValidationIssue } from './types';
import { parseDuration } from './duration';
import { parseSchedule } from './schedule';

type Op = 'gte' | 'gt' | 'lte' | 'lt';
const OPS: Record<Op, { symbol: string; holds: (a: number, b: number) => boolean; converse: Op }> = {
  gte: { symbol: '≥', holds: (a, b) => a >= b, converse: 'lte' },
  gt: { symbol: '>', holds: (a, b) => a > b, converse: 'lt' },
  lte: { symbol: '≤', holds: (a, b) => a <= b, converse: 'gte' },
  lt: { symbol: '<', holds: (a, b) => a < b, converse: 'gt' },
};
const COMPARISON = /^(gte|gt|lte|lt):(.+)$/;
/** Rules about the setting's own value alone (message when it fails, or null). */
const OWN_VALUE_RULES: Record<string, (value: unknown) => string | null> = {
  schedule: (value) => {
    if (typeof value !== 'string') return null;
    const s = parseSchedule(value);
    return 'error' in s ? `is not a schedule: ${s.error}` : null;
  },
};

function parseComparison(rule: string): { op: Op; other: string } | null {
  const m = COMPARISON.exec(rule);
  return m && SETTING_KEY_PATTERN.test(m[2]) ? { op: m[1] as Op, other: m[2] } : null;
}

/** A number to compare: numbers as they are, duration strings as seconds; anything else is not comparable. */
function magnitude(value: unknown): number | null {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  return typeof value === 'string' ? parseDuration(value) : null;
}

const show = (value: unknown) => (typeof value === 'string' ? value : JSON.stringify(value));

/**
 * Rule names in a definition that mean nothing: not a well-formed comparison
 * (with `isDefinedKey`, also comparisons with settings that do not exist).
 */
export function unknownRuleNames(def: Pick<TDefinition, 'validation'>, isDefinedKey: (key: string) => boolean = () => true): string[] {
  return (def.validation?.rules ?? []).filter((rule) => {
    if (Object.hasOwn(OWN_VALUE_RULES, rule)) return false;
    const cmp = parseComparison(rule);
    return !cmp || !isDefinedKey(cmp.other);
  });
}

/**
 * Checks every rule that involves a changed key, on either side: a comparison when either of
 * its settings changed; an unknown rule is reported when its setting or one of its `dependsOn` keys changed.
 * `defs` must be all definitions, so rules declared on unchanged settings are found too.
 * A broken comparison is reported on the changed key (on the rule's own setting if both changed).
 */
export function checkCrossFieldRules(
  defs: readonly Pick<TDefinition, 'key' | 'validation' | 'dependsOn'>[],
  changedKeys: readonly string[],
  get: (key: string) => unknown,
): ValidationIssue[] {
  const changed = new Set(changedKeys);
  const defined = new Set(defs.map((d) => d.key));
  const out: ValidationIssue[] = [];
  for (const def of defs) {
    for (const rule of def.validation?.rules ?? []) {
      if (Object.hasOwn(OWN_VALUE_RULES, rule)) {
        const problem = changed.has(def.key) ? OWN_VALUE_RULES[rule](get(def.key)) : null;
        if (problem) out.push({ path: def.key, rule, message: problem });
        continue;
      }
      const cmp = parseComparison(rule);
      if (cmp && defined.has(cmp.other)) {
        const own = changed.has(def.key);
        if (!own && !changed.has(cmp.other)) continue;
        const a = magnitude(get(def.key));
        const b = magnitude(get(cmp.other));
        if (a === null || b === null || OPS[cmp.op].holds(a, b)) continue;
        out.push(
          own
            ? { path: def.key, rule, message: `must be ${OPS[cmp.op].symbol} ${cmp.other} (${show(get(cmp.other))})` }
            : { path: cmp.other, rule, message: `must be ${OPS[OPS[cmp.op].converse].symbol} ${def.key} (${show(get(def.key))})` },
        );
        continue;
      }
      if (!changed.has(def.key) && !def.dependsOn?.some((k) => changed.has(k))) continue;
      out.push({ path: def.key, rule, message: `cannot be checked: unknown rule "${rule}"` });
    }
  }
  return out;
}

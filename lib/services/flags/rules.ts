import 'server-only';
import { dependencyCycle, flagRuleProblems } from '@/lib/engine/flags';
import type { TFlag, TUpdateFlag } from '@/lib/schemas/flags';
import { fail } from '../kernel/errors';
import type { FlagRow, FlagTable } from './store';

/** Rule fields cross-checked or converted on the way in go last: dependsOnFlag, expiresAt. */
const RULE_KEYS = ['enabled', 'description', 'flagType', 'rolloutPercentage', 'enabledForRoles', 'enabledForUsers', 'variants', 'metadata', 'dependsOnFlag', 'expiresAt'] as const;
export type RuleFields = Pick<FlagRow, (typeof RULE_KEYS)[number]>;

export const ruleOf = (r: FlagRow) => Object.fromEntries(RULE_KEYS.map((k) => [k, r[k]])) as RuleFields;

/** The stored form of the rule fields a request sent (undefined = not sent). */
export function ruleChanges(input: TUpdateFlag): Partial<RuleFields> {
  const out: Record<string, unknown> = {};
  for (const k of RULE_KEYS) if (input[k] !== undefined) out[k] = input[k];
  if (typeof input.expiresAt === 'string') out.expiresAt = new Date(input.expiresAt);
  return out as Partial<RuleFields>;
}

export const RULE_DEFAULTS: RuleFields = {
  enabled: false,
  description: '',
  flagType: 'boolean',
  rolloutPercentage: null,
  enabledForRoles: [],
  enabledForUsers: [],
  dependsOnFlag: null,
  expiresAt: null,
  variants: null,
  metadata: null,
};

export function toFlag(r: FlagRow): TFlag {
  return {
    key: r.key,
    scope: r.scopeId,
    enabled: r.enabled,
    description: r.description,
    flagType: r.flagType,
    rolloutPercentage: r.rolloutPercentage,
    enabledForRoles: r.enabledForRoles,
    enabledForUsers: r.enabledForUsers,
    dependsOnFlag: r.dependsOnFlag,
    expiresAt: r.expiresAt?.toISOString() ?? null,
    variants: r.variants,
    metadata: r.metadata,
    version: r.version,
    createdAt: r.createdAt.toISOString(),
    updatedAt: r.updatedAt.toISOString(),
    updatedBy: r.updatedBy,
    lastEvaluatedAt: r.lastEvaluatedAt?.toISOString() ?? null,
  };
}

/** The rule as the audit log records it. */
export const auditedFlag = (r: FlagRow) => ({ ...ruleOf(r), expiresAt: r.expiresAt?.toISOString() ?? null });

/** Rules a row must satisfy against the other flags: the engine's checks, an existing dependency, no cycle. */
export function checkRule(key: string, rule: RuleFields, table: FlagTable) {
  const issues = flagRuleProblems({ key, dependsOnFlag: rule.dependsOnFlag, variants: rule.variants });
  if (issues.length) fail('INVALID_REQUEST', issues[0].message, issues[0].path, { issues });
  const dep = rule.dependsOnFlag;
  if (!dep) return;
  if (!table.has(dep)) fail('INVALID_REQUEST', `dependsOnFlag: there is no flag "${dep}"`, 'dependsOnFlag');
  const cycle = dependencyCycle(key, dep, (k) => [...(table.get(k)?.values() ?? [])].flatMap((r) => (r.dependsOnFlag ? [r.dependsOnFlag] : [])));
  if (cycle) fail('INVALID_REQUEST', `dependsOnFlag: "${dep}" would close a cycle: ${cycle.join(' → ')}`, 'dependsOnFlag', { cycle });
}

export function checkVersion(key: string, scope: string, current: number, ifMatch: number | undefined) {
  if (ifMatch !== undefined && ifMatch !== current) {
    fail('VERSION_CONFLICT', `Flag "${key}" at "${scope}" is at version ${current}, not ${ifMatch}`, 'version', { currentVersion: current });
  }
}

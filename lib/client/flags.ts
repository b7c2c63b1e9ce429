import { z } from 'zod';
import { flagRuleProblems } from '@/lib/engine/flag-rules';
import { ZCreateFlag, ZFlagType, ZUpdateFlag, type TCreateFlag, type TFlag, type TFlagMatrix, type TFlagReason, type TFlagType, type TUpdateFlag } from '@/lib/schemas/flags';

/**
 * The web app's flag pages: the create/edit form (text controls in, the API's own zod schemas out), what an
 * evaluation's reason means in words, and which flags look stale. Client-safe.
 */

export type MatrixFlag = TFlagMatrix['flags'][number];

export const FLAG_TYPE_LABELS: Record<TFlagType, string> = {
  boolean: 'On / off',
  percentage: 'Percentage rollout',
  user_targeted: 'Specific users',
  role_targeted: 'Specific roles',
  tenant_targeted: 'Per tenant',
};

// ------------------------------------------------------------------ the form

/** What the form's controls hold: text, except the enabled switch. */
export const ZFlagFormFields = z.object({
  key: z.string(),
  description: z.string(),
  flagType: ZFlagType,
  enabled: z.boolean(),
  rolloutPercentage: z.string(),
  /** Comma- or line-separated. */
  enabledForRoles: z.string(),
  enabledForUsers: z.string(),
  dependsOnFlag: z.string(),
  /** A datetime-local value, read as UTC (the app shows times in UTC). */
  expiresAt: z.string(),
  variants: z.array(z.object({ key: z.string(), value: z.string(), weight: z.string() })),
  /** A JSON object, or empty. */
  metadata: z.string(),
  reason: z.string(),
});
export type FlagFormValues = z.infer<typeof ZFlagFormFields>;

const list = (text: string) =>
  text
    .split(/[\n,]/)
    .map((s) => s.trim())
    .filter(Boolean);

/** A variant value as typed: JSON when it parses (42, true, {"a":1}, "quoted"), else the text itself. */
export function parseVariantValue(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** The text that parses back to `value`: plain text for strings that would not read as JSON. */
export const formatVariantValue = (value: unknown) => (typeof value === 'string' && parseVariantValue(value) === value ? value : JSON.stringify(value));

/** The form's starting values: a new flag, or the row being edited. */
export function flagFormValues(flag?: TFlag): FlagFormValues {
  return {
    key: flag?.key ?? 'feature.',
    description: flag?.description ?? '',
    flagType: flag?.flagType ?? 'boolean',
    enabled: flag?.enabled ?? false,
    rolloutPercentage: flag?.rolloutPercentage?.toString() ?? '',
    enabledForRoles: flag?.enabledForRoles.join(', ') ?? '',
    enabledForUsers: flag?.enabledForUsers.join('\n') ?? '',
    dependsOnFlag: flag?.dependsOnFlag ?? '',
    expiresAt: flag?.expiresAt?.slice(0, 16) ?? '',
    variants: (flag?.variants ?? []).map((v) => ({ key: v.key, value: formatVariantValue(v.value), weight: String(v.weight) })),
    metadata: flag?.metadata ? JSON.stringify(flag.metadata, null, 2) : '',
    reason: '',
  };
}

/**
 * The form schema: controls → the request body, checked by the API's own schema (ZCreateFlag, or
 * ZUpdateFlag for the row at `scope`) and the engine's rules, so errors land on the field they are about.
 */
export function flagFormSchema(edit?: { key: string; scope: string }) {
  const body = edit ? ZUpdateFlag : ZCreateFlag;
  return ZFlagFormFields.transform((v, ctx): TCreateFlag | TUpdateFlag => {
    const problem = (path: PropertyKey[], message: string) => ctx.addIssue({ code: 'custom', path, message });
    let metadata: unknown = null;
    if (v.metadata.trim()) {
      try {
        metadata = JSON.parse(v.metadata);
      } catch (e) {
        problem(['metadata'], `not valid JSON: ${(e as Error).message}`);
      }
    }
    v.variants.forEach((x, i) => !/^\s*\d+\s*$/.test(x.weight) && problem(['variants', i, 'weight'], 'must be a whole number 0–100'));
    if (ctx.issues.length) return z.NEVER;
    const parsed = body.safeParse({
      ...(edit ? { scope: edit.scope } : { key: v.key.trim() }),
      description: v.description.trim(),
      flagType: v.flagType,
      enabled: v.enabled,
      rolloutPercentage: v.rolloutPercentage.trim() === '' ? null : Number(v.rolloutPercentage),
      enabledForRoles: list(v.enabledForRoles),
      enabledForUsers: list(v.enabledForUsers),
      dependsOnFlag: v.dependsOnFlag || null,
      // datetime-local has no zone: the form says UTC
      expiresAt: v.expiresAt ? `${v.expiresAt.length === 16 ? `${v.expiresAt}:00` : v.expiresAt}Z` : null,
      variants: v.variants.length ? v.variants.map((x) => ({ key: x.key.trim(), value: parseVariantValue(x.value), weight: Number(x.weight) })) : null,
      metadata,
      reason: v.reason.trim() || undefined,
    });
    if (!parsed.success) {
      for (const issue of parsed.error.issues) problem(issue.path, issue.message);
      return z.NEVER;
    }
    const { dependsOnFlag = null, variants = null } = parsed.data;
    for (const issue of flagRuleProblems({ key: edit?.key ?? v.key.trim(), dependsOnFlag, variants })) problem(issue.path ? [issue.path] : [], issue.message);
    return ctx.issues.length ? z.NEVER : parsed.data;
  });
}

/** "must be 0–100" → "Must be 0–100." — schema messages read after a label; beside a field they stand alone. */
export function sentence(message: string): string {
  const text = message.charAt(0).toUpperCase() + message.slice(1);
  return /[.!?]$/.test(text) ? text : `${text}.`;
}

// ------------------------------------------------------------------ evaluation

export interface EvaluationContext {
  /** Where the evaluation happened, by name. */
  scopeName: string;
  userId?: string;
  role?: string;
}

/**
 * An evaluation's reason in words. `flag` is the row effective at the context's scope (when the caller
 * may read it), `decidedAt` the name of the scope it is stored at.
 */
export function explainReason(reason: TFlagReason, ctx: EvaluationContext, flag?: Pick<TFlag, 'dependsOnFlag' | 'expiresAt' | 'rolloutPercentage'>, decidedAt?: string): string {
  const where = decidedAt && decidedAt !== ctx.scopeName ? `at ${decidedAt}, which ${ctx.scopeName} inherits` : `at ${ctx.scopeName}`;
  const user = ctx.userId ? `User “${ctx.userId}”` : 'No user id was given, so the user';
  switch (reason) {
    case 'NOT_FOUND':
      return `There is no such flag at ${ctx.scopeName} or above it, so it is off.`;
    case 'DISABLED':
      return `The flag is switched off ${where}.`;
    case 'EXPIRED':
      return `The flag expired${flag?.expiresAt ? ` on ${flag.expiresAt.slice(0, 10)}` : ''}; an expired flag is off until its expiry is moved or cleared.`;
    case 'DEPENDENCY_DISABLED':
      return `It depends on ${flag?.dependsOnFlag ?? 'another flag'}, which is off for this context, so it is off too.`;
    case 'ENABLED':
      return `The flag is switched on ${where}, for everyone there.`;
    case 'ROLLOUT_INCLUDED':
      return `${user} falls inside the ${flag?.rolloutPercentage ?? '?'}% rollout (the same user always gets the same answer).`;
    case 'ROLLOUT_EXCLUDED':
      return ctx.userId
        ? `${user} falls outside the ${flag?.rolloutPercentage ?? '?'}% rollout (the same user always gets the same answer).`
        : 'A percentage rollout needs a user id to place the user; without one the flag is off.';
    case 'USER_TARGETED':
      return `${user} is on the flag’s list of users.`;
    case 'USER_NOT_TARGETED':
      return `${user} is not on the flag’s list of users.`;
    case 'ROLE_TARGETED':
      return `The role “${ctx.role}” is one the flag is on for.`;
    case 'ROLE_NOT_TARGETED':
      return ctx.role ? `The role “${ctx.role}” is not one the flag is on for.` : 'The flag is on for certain roles only, and no role was given.';
  }
}

// ------------------------------------------------------------------ expiry and staleness

const DAY = 86_400_000;

/** A flag's expiry as a badge: expired, or due within a week. */
export function expiryNote(expiresAt: string | null, now: number): { tone: 'danger' | 'warning'; text: string } | null {
  if (!expiresAt) return null;
  const left = Date.parse(expiresAt) - now;
  if (left <= 0) return { tone: 'danger', text: 'Expired' };
  if (left <= 7 * DAY) return { tone: 'warning', text: `Expires in ${Math.max(1, Math.round(left / DAY))} d` };
  return null;
}

/**
 * Cleanup candidates (seed 003 §5.2.2): flags past their expiry, and flags nobody evaluated for `days`
 * days (counting from creation for those never evaluated, so a new flag is not stale at once).
 */
export function staleFlags(flags: readonly MatrixFlag[], days: number, now: number) {
  const expired = flags.filter((f) => f.expiresAt && Date.parse(f.expiresAt) <= now);
  const idle = flags.filter((f) => !expired.includes(f) && Date.parse(f.lastEvaluatedAt ?? f.createdAt) < now - days * DAY);
  return { expired, idle };
}

/** "3 days ago", "today". */
export function daysAgo(at: string, now: number): string {
  const days = Math.floor((now - Date.parse(at)) / DAY);
  return days <= 0 ? 'today' : days === 1 ? 'yesterday' : `${days} days ago`;
}

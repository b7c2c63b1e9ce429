import type { TAuditEntry } from '@/lib/schemas/api';

export { REDACTED } from '@/lib/engine/secrecy';

/** What an entry is about: the setting key, else the user or token it names. */
export function auditSubject(e: Pick<TAuditEntry, 'key' | 'details' | 'newValue'>): string {
  const details = (e.details ?? {}) as Record<string, unknown>;
  const created = (e.newValue ?? {}) as Record<string, unknown>;
  const named = [details.email, created.email, details.name, details.tokenId].find((v) => typeof v === 'string');
  return e.key ?? (named as string | undefined) ?? '';
}

/** A value on one line, cut to `max` characters: `{"a":1,…`. */
export function compactJson(value: unknown, max = 40): string {
  const s = value === undefined ? '' : JSON.stringify(value) ?? '';
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

/** "platform_admin" → "platform admin". */
export const roleLabel = (role: string) => role.replace(/_/g, ' ');

/** Removals stand out. */
export const actionTone = (action: string) => (action.endsWith('.delete') || action.endsWith('.revoke') || action.endsWith('.lockout') ? 'warning' : 'neutral');

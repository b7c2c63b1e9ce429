import { can, type Action, type Principal } from './policy';

/**
 * The web app's pages and who may see them, from the one policy. A page a principal may not see is not
 * linked, and answers 404 (requirePage in lib/auth/current.ts). Client-safe: no server imports.
 */
export interface NavItem {
  href: string;
  label: string;
}

// 'admins': platform and tenant admins (each within their reach, which the API enforces): the
// configuration lifecycle pages (import / export, compare and promote, versions, drift) are theirs alone.
// 'platformAdmins': pages whose every API call is a platform admin's (backups and restore).
type Rule = 'everyone' | 'admins' | 'platformAdmins' | Action;

const PAGES: (NavItem & { rule: Rule })[] = [
  { href: '/', label: 'Dashboard', rule: 'everyone' },
  { href: '/settings', label: 'Settings', rule: 'settings.read' },
  { href: '/preferences', label: 'Preferences', rule: 'everyone' },
  { href: '/flags', label: 'Flags', rule: 'flags.read' },
  { href: '/models', label: 'Models', rule: 'models.write' },
  { href: '/audit', label: 'Audit', rule: 'audit.read' },
  { href: '/import-export', label: 'Import / export', rule: 'admins' },
  { href: '/compare', label: 'Compare', rule: 'admins' },
  { href: '/versions', label: 'Versions', rule: 'admins' },
  { href: '/backups', label: 'Backups', rule: 'platformAdmins' },
  { href: '/drift', label: 'Drift', rule: 'admins' },
  { href: '/users', label: 'Users', rule: 'users.read' },
  { href: '/tokens', label: 'Tokens', rule: 'everyone' },
  { href: '/docs', label: 'API docs', rule: 'everyone' },
];

/** True when some role of the principal allows `action` at the scope it is bound to (or below it). */
const canSomewhere = (p: Principal, action: Action) => p.roles.some((r) => can(p, action, { scopePath: [r.scopeId] }));

function allowed(p: Principal, rule: Rule): boolean {
  if (rule === 'platformAdmins') return p.roles.some((r) => r.role === 'platform_admin');
  if (rule === 'admins') return p.roles.some((r) => r.role === 'platform_admin' || r.role === 'tenant_admin');
  return rule === 'everyone' || canSomewhere(p, rule);
}

/** The nav links this principal may use, in display order. */
export function navFor(p: Principal): NavItem[] {
  return PAGES.filter((page) => allowed(p, page.rule)).map(({ href, label }) => ({ href, label }));
}

/** Whether the page at `href` (a nav entry, or a path below one) is for this principal. */
export function mayVisit(p: Principal, href: string): boolean {
  const page = [...PAGES].reverse().find((x) => href === x.href || (x.href !== '/' && href.startsWith(`${x.href}/`)));
  return page ? allowed(p, page.rule) : true;
}

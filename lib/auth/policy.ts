/**
 * THE authorization policy: one table of rules that every service call goes through.
 * Seed 001's matrix (user / owner / admin) and seed 003 §10.1 (platform admin, tenant admin in its tenant,
 * event manager in its events, users only their own preferences).
 */

export const ROLES = ['platform_admin', 'tenant_admin', 'event_manager', 'owner', 'member'] as const;
export type Role = (typeof ROLES)[number];

/** The level a role must be bound at; roles not named here fit any scope. */
export const ROLE_LEVEL: Partial<Record<Role, string>> = { platform_admin: 'global', tenant_admin: 'tenant', event_manager: 'event' };

export interface RoleBinding {
  role: Role;
  scopeId: string;
}

export interface Principal {
  userId: string;
  email: string;
  name: string;
  roles: RoleBinding[];
  /** How the caller authenticated: an API token, the browser session, or the operator's CLI (`system`). */
  via: 'token' | 'session' | 'system';
  tokenId?: string;
  /** For a browser session: which one (a credential derived from it, e.g. an OFREP stream ticket, dies with it). */
  session?: SessionRef;
}

/** One browser session: its id (signing out revokes it), the user's session epoch then, and its sign-in time. */
export interface SessionRef {
  id: string;
  epoch: number;
  signedInAt: number;
}

export type Action =
  | 'settings.read' // read values stored at / resolved for a scope
  | 'settings.write' // set, revert, lock, roll back values at a scope
  | 'settings.reveal' // see a secret in plain text
  | 'settings.system' // read the global settings as one document (GET /settings/system: platform admins, API.md)
  | 'definitions.write' // change the registry
  | 'catalogs.load' // load an example catalog (levels, definitions, flags)
  | 'hierarchy.write' // register hierarchy levels
  | 'scopes.read'
  | 'scopes.write' // create / delete scopes below the target
  | 'users.read'
  | 'users.write' // create users, bind roles at the target scope
  | 'tokens.issue_for_others'
  | 'audit.read'
  | 'audit.verify'
  | 'flags.read' // list flag rows and the matrix (seed 003 §10.4: platform and tenant admins)
  | 'flags.write' // create, change, delete flags (seed 003 §10.4: platform admins only)
  | 'flags.evaluate' // evaluate flags for a context at a scope (REST, OFREP)
  | 'models.read' // AI model configurations and quotas at a scope
  | 'models.write' // change them (quotas and provider restrictions: only from the scope above, see lib/services/models)
  | 'models.use' // check a provider and record metered usage at a scope (services acting through a token)
  | 'models.useKey' // receive a provider's API key in plain text from check (where the key is stored)
  // issue 10 backups: platform admins only (no rule but theirs names them)
  | 'backups.read' // list and download backups
  | 'backups.write' // create, upload, delete backups
  | 'backups.restore' // restore one over the current configuration
  // configuration lifecycle (issue 10): settings migrations and drift
  | 'migrations.read' // list settings migrations (GET /migrations)
  | 'migrations.apply' // run them up or down (the operator CLI)
  | 'drift.read' // compare stored values with what the audit log and migrations say (GET /drift)
  | 'drift.remediate' // restore auto-remediable drifted values (POST /drift/remediate)
  | 'maintenance.bypass'; // keep changing things while maintenance mode is on (issue 11: platform admins only)

/** What an action is aimed at. */
export interface Target {
  /** The scope id and its ancestors up to 'global' (most specific first). */
  scopePath?: readonly string[];
  /** A user-level scope ('user:<id>'): the owner of those values. */
  userId?: string;
  /** The category of the setting, when a write touches a security category. */
  securityCategory?: boolean;
}

type Where = 'anywhere' | 'at-or-below' | 'global-only';

interface Rule {
  role: Role;
  actions: readonly Action[] | '*';
  where: Where;
  /** Extra condition on the target. */
  unless?: (target: Target, action: Action) => boolean;
}

// whoever reads a scope's settings may evaluate its flags and meter model usage there (services and SDKs act
// through such tokens: a service account with the member role at a tenant records that tenant's usage)
const R: Action[] = ['settings.read', 'scopes.read', 'flags.evaluate', 'models.use'];

export const RULES: readonly Rule[] = [
  // platform admins may read a user's values (to resolve for them) but only users write their own
  { role: 'platform_admin', actions: '*', where: 'anywhere', unless: (t, a) => t.userId !== undefined && a === 'settings.write' },
  // tenant admins: everything inside their tenant, and a read-only view of the global defaults and flags
  // models.useKey: a tenant admin gets the keys stored in their tenant, never a key inherited from global
  {
    role: 'tenant_admin',
    actions: [...R, 'settings.write', 'scopes.write', 'users.read', 'users.write', 'audit.read', 'flags.read', 'models.read', 'models.write', 'models.useKey'],
    where: 'at-or-below',
  },
  { role: 'tenant_admin', actions: ['settings.read', 'flags.read', 'flags.evaluate', 'models.read'], where: 'global-only' },
  { role: 'event_manager', actions: [...R, 'settings.write', 'audit.read'], where: 'at-or-below' },
  // seed 001: owners write project settings, except security ones, which they may only view
  {
    role: 'owner',
    actions: [...R, 'settings.write', 'audit.read'],
    where: 'at-or-below',
    unless: (t, a) => a === 'settings.write' && t.securityCategory === true,
  },
  { role: 'member', actions: R, where: 'at-or-below' },
  // drift inside their tenant is a tenant admin's to see; restoring values unattended stays with platform admins
  { role: 'tenant_admin', actions: ['drift.read'], where: 'at-or-below' },
];

/**
 * What the system principal may do: the operator's `npm run catalog:load` (whoever runs it already holds
 * the database and its key) and the server's own scheduled jobs (the daily drift check reads).
 */
const SYSTEM_ACTIONS: readonly Action[] = ['catalogs.load', 'drift.read'];

/** The principal of the operator's command-line tools and of in-process jobs. */
export const SYSTEM_PRINCIPAL: Principal = { userId: 'system', email: '', name: 'system', roles: [], via: 'system' };

/**
 * The operator's `npm run settings` / `settings:migrate`: whoever runs them holds the database and its
 * encryption key, so they act with a platform admin's rights, under their own name: `cli` as the actor id
 * and `cli (<os user>@<host>)` as its name in the audit log (the same name a platform admin's rights
 * would never be granted to through the API: `via: 'system'` has no password, token or session).
 */
export function operatorPrincipal(who: string): Principal {
  return { userId: 'cli', email: who, name: `cli (${who})`, roles: [{ role: 'platform_admin', scopeId: 'global' }], via: 'system' };
}

function matches(binding: RoleBinding, rule: Rule, action: Action, target: Target): boolean {
  if (binding.role !== rule.role) return false;
  if (rule.actions !== '*' && !rule.actions.includes(action)) return false;
  if (rule.unless?.(target, action)) return false;
  if (rule.where === 'anywhere') return true;
  // values of a user belong to that user alone (seed 003 §10.1 "own preferences only")
  if (target.userId !== undefined) return false;
  const path = target.scopePath;
  if (!path) return false;
  if (rule.where === 'global-only') return path[0] === 'global';
  return path.includes(binding.scopeId);
}

export function can(principal: Principal, action: Action, target: Target = {}): boolean {
  if (principal.via === 'system' && SYSTEM_ACTIONS.includes(action)) return true;
  if (target.userId !== undefined && target.userId === principal.userId) {
    // everyone reads and writes their own preferences
    if (action === 'settings.read' || action === 'settings.write') return true;
  }
  for (const binding of principal.roles) {
    for (const rule of RULES) if (matches(binding, rule, action, target)) return true;
  }
  return false;
}

export const isPlatformAdmin = (p: Principal) => p.roles.some((r) => r.role === 'platform_admin');

/** The most powerful role a principal holds, for audit entries. */
export function primaryRole(p: Principal): Role | 'user' {
  for (const role of ROLES) if (p.roles.some((r) => r.role === role)) return role;
  return 'user';
}

/** Scopes a principal has any role at (for narrowing lists); null means "everything". */
export function reachableRoots(p: Principal): string[] | null {
  if (isPlatformAdmin(p)) return null;
  return [...new Set(p.roles.map((r) => r.scopeId))];
}

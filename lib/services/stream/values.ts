import 'server-only';
import { can, type Principal } from '@/lib/auth/policy';
import { isSecret } from '@/lib/engine/secrecy';
import type { ScopeRef } from '@/lib/engine/types';
import type { App } from '../kernel/app';
import { evaluateOne } from '../flags/evaluate';
import { maintenanceState } from '../maintenance/state';
import { getRegistry } from '../registry/read';
import { pathIds, scopePath } from '../scopes/path';
import { GLOBAL_PATH, resolveInternal } from '../settings/resolve';
import type { HubEvent } from './hub';

/** What a subscriber asked for: its filters and, with `scope`/`userId`, the context its values resolve in. */
export interface StreamFilter {
  keys?: ReadonlySet<string>;
  prefix?: string;
  /** The subscriber's scope path (checked when the stream opened); absent: changes anywhere it may read. */
  path?: ScopeRef[];
  userId?: string;
  /** Flag changes only, without values (OFREP's refetch notifications). */
  flagsOnly?: boolean;
}

const USER_SCOPE = /^user:(.+)$/;

/** May this principal see a change at `scopeId` (and is it on the subscriber's path, when it has one)? */
async function visible(app: App, principal: Principal, filter: StreamFilter, scopeId: string, action: 'settings.read' | 'flags.evaluate'): Promise<ScopeRef[] | null> {
  const user = USER_SCOPE.exec(scopeId)?.[1];
  if (user !== undefined) {
    // a user's own values: only that user (and whom the policy lets read them), and only in their context
    if (action !== 'settings.read' || !can(principal, 'settings.read', { userId: user })) return null;
    if (filter.path && filter.userId !== user) return null;
    return filter.path ?? GLOBAL_PATH;
  }
  if (filter.path) return pathIds(filter.path).includes(scopeId) ? filter.path : null;
  const path = await scopePath(app, scopeId).catch(() => null); // a scope deleted meanwhile: nothing to tell
  return path && can(principal, action, { scopePath: pathIds(path) }) ? path : null;
}

function memo(event: HubEvent, key: string, make: () => Promise<unknown>): Promise<unknown> {
  let p = event.memo.get(key);
  if (!p) event.memo.set(key, (p = make().catch(() => undefined)));
  return p;
}

/**
 * The `data` of one event for one subscriber, or null when it must not see it (filtered, out of reach).
 * Values are resolved once per event and context, after this subscriber's own right was checked.
 */
export async function eventData(app: App, principal: Principal, filter: StreamFilter, event: HubEvent): Promise<Record<string, unknown> | null> {
  // `by` (who changed it) goes only with events this subscriber may see, like the rest of the data
  const base = { key: event.key, scopeId: event.scopeId, version: event.version, at: event.at, ...(event.by !== undefined && { by: event.by }) };
  if (event.type === 'reset') return { reason: event.reason, at: event.at };
  if (filter.flagsOnly && event.type !== 'flag.changed') return null;
  if (event.type === 'maintenance') return { key: event.key, scopeId: event.scopeId, version: event.version, at: event.at, ...((await memo(event, 'maintenance', () => maintenanceState(app))) as object) };
  if (filter.keys && !filter.keys.has(event.key)) return null;
  if (filter.prefix && !event.key.startsWith(filter.prefix)) return null;
  if (event.type === 'setting.changed') {
    const path = await visible(app, principal, filter, event.scopeId, 'settings.read');
    if (!path) return null;
    const def = (await getRegistry(app)).byKey.get(event.key);
    if (!def || isSecret(def)) return base;
    const userId = filter.userId ?? USER_SCOPE.exec(event.scopeId)?.[1];
    const value = await memo(event, `${path[0].scopeId}\u0000${userId ?? ''}`, async () => (await resolveInternal(app, def, { path, userId })).value);
    return { ...base, value };
  }
  const path = await visible(app, principal, filter, event.scopeId, 'flags.evaluate');
  if (!path) return null;
  if (filter.flagsOnly) return base;
  const userId = filter.userId;
  const value = await memo(event, `${path[0].scopeId}\u0000${userId ?? ''}`, async () => {
    const { enabled, reason, variant, value } = await evaluateOne(app, principal, event.key, { scope: path[0].scopeId, userId });
    return { enabled, reason, ...(variant !== undefined && { variant, value }) };
  });
  return { ...base, value };
}

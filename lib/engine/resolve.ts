/**
 * Resolution: which stored value applies to a key in a context, where it came from, and the
 * chain of levels checked to get there (DESIGN.md "Resolution", seed 004 override behaviours).
 * Runs on the hot path of a cache miss, so it allocates little beyond the chain it returns.
 */
import type { TDefinition } from '@/lib/schemas/definition';
import type { ChainLink, Resolution, ScopeRef, StoredValue } from './types';

type ResolvableDefinition = Pick<TDefinition, 'allowedLevels' | 'overrideBehavior' | 'defaultValue'>;
type Lookup = (scopeId: string) => StoredValue | undefined;

export const USER_SCOPE_PREFIX = 'user:';

export function canSetAtLevel(def: Pick<TDefinition, 'allowedLevels'>, level: string): boolean {
  return def.allowedLevels.includes(level);
}

/**
 * The topmost locked scope above a write target at path[fromIndex] (pass -1 for a user-level
 * write, which every locked scope on the path blocks). The target's own lock does not block it.
 */
export function blockingLock(path: readonly ScopeRef[], stored: Lookup, fromIndex: number): ScopeRef | undefined {
  for (let i = path.length - 1; i > fromIndex; i--) if (stored(path[i].scopeId)?.locked) return path[i];
  return undefined;
}

/** The level a skip marker row jumps to, else null. A locked row always holds its value. */
const skipTarget = (e: StoredValue | undefined): string | null => (e && !e.locked && e.skipTo != null ? e.skipTo : null);
/** A stored row that holds a value rather than a skip marker. */
const holdsValue = (e: StoredValue | undefined): e is StoredValue => e !== undefined && skipTarget(e) === null;

function link(ref: ScopeRef, e: StoredValue | undefined, skipped: boolean, showSkip: boolean): ChainLink {
  const l: ChainLink = { level: ref.level, scopeId: ref.scopeId, value: holdsValue(e) ? e.value : null };
  if (e?.locked) l.locked = true;
  if (skipped) l.skipped = true;
  const skipTo = showSkip ? skipTarget(e) : null;
  if (skipTo !== null) l.skipTo = skipTo;
  return l;
}

function found(chain: ChainLink[], level: string, scopeId: string, e: StoredValue): Resolution {
  const r: Resolution = { value: e.value, resolvedFrom: level, resolvedScopeId: scopeId, inheritanceChain: chain, version: e.version };
  if (e.locked) r.lockedBy = scopeId;
  return r;
}

/**
 * Resolves a setting along `path` (the requested scope first, ending at global), with the
 * user's value first when the setting allows the user level and a user is given.
 * - inherit: the first scope holding a value wins.
 * - explicitOnly: only the requested scope's own value (or the user's) counts; ancestors are skipped.
 * - allowSkipLevel: a row with `skipTo` jumps over the levels between it and the nearest ancestor
 *   of that level (a `skipTo` naming no ancestor level is ignored, as under the other behaviours).
 * Above all of these, the topmost locked value on the path wins over everything below it, user
 * included; values it shadows are listed as skipped. `lockedBy` is set whenever the winner is locked.
 */
export function resolveSetting(
  def: ResolvableDefinition,
  path: readonly ScopeRef[],
  stored: Lookup,
  user?: { userId: string; value?: StoredValue },
): Resolution {
  const chain: ChainLink[] = [];
  const honourSkip = def.overrideBehavior === 'allowSkipLevel';
  const withUser = user !== undefined && def.allowedLevels.includes('user');
  const userLink = withUser ? { level: 'user', scopeId: USER_SCOPE_PREFIX + user.userId } : undefined;
  const userValue = withUser ? user.value : undefined;

  let lock = path.length - 1;
  while (lock >= 0 && !stored(path[lock].scopeId)?.locked) lock--;
  if (lock >= 0) {
    if (userLink) chain.push(link(userLink, userValue, userValue !== undefined, false));
    for (let i = 0; i < lock; i++) {
      const e = stored(path[i].scopeId);
      chain.push(link(path[i], e, e !== undefined && (holdsValue(e) || honourSkip), honourSkip));
    }
    const e = stored(path[lock].scopeId) as StoredValue;
    chain.push(link(path[lock], e, false, false));
    return found(chain, path[lock].level, path[lock].scopeId, e);
  }

  if (userLink) {
    chain.push(link(userLink, userValue, false, false));
    if (holdsValue(userValue)) return found(chain, 'user', userLink.scopeId, userValue);
  }

  if (def.overrideBehavior === 'explicitOnly') {
    for (let i = 0; i < path.length; i++) {
      const e = stored(path[i].scopeId);
      chain.push(link(path[i], e, i > 0, false));
      if (i === 0 && holdsValue(e)) return found(chain, path[0].level, path[0].scopeId, e);
    }
  } else {
    for (let i = 0; i < path.length; i++) {
      const e = stored(path[i].scopeId);
      if (holdsValue(e)) {
        chain.push(link(path[i], e, false, false));
        return found(chain, path[i].level, path[i].scopeId, e);
      }
      const skipTo = honourSkip ? skipTarget(e) : null;
      const target = skipTo === null ? -1 : ancestorAt(path, i, skipTo);
      chain.push(link(path[i], e, false, target > 0));
      if (target > 0) {
        for (let j = i + 1; j < target; j++) chain.push(link(path[j], stored(path[j].scopeId), true, false));
        i = target - 1;
      }
    }
  }
  chain.push({ level: 'default', scopeId: null, value: def.defaultValue });
  return { value: def.defaultValue, resolvedFrom: 'default', resolvedScopeId: null, inheritanceChain: chain, version: 0 };
}

function ancestorAt(path: readonly ScopeRef[], from: number, level: string): number {
  for (let j = from + 1; j < path.length; j++) if (path[j].level === level) return j;
  return -1;
}

import 'server-only';
import type { Principal } from '@/lib/auth/policy';
import type { Resolution } from '@/lib/engine/types';
import type { TCompareAnswer, TCompareItem } from '@/lib/schemas/compare';
import type { TDefinition } from '@/lib/schemas/definition';
import type { App } from '../kernel/app';
import { canonicalJson } from '../audit/chain';
import { resolveContext } from '../scopes/context';
import { getRegistry } from '../registry/read';
import { fail } from '../kernel/errors';
import { listFlags } from '../flags/read';
import { resolveMany } from '../settings/resolve';
import { shown } from '../kernel/secrecy';

type Status = TCompareItem['status'];

/** Same value → same; else configured (not the default) on one side only → onlyLeft / onlyRight; else different. */
function compareStatus(same: boolean, leftConfigured: boolean, rightConfigured: boolean): Status {
  if (same) return 'same';
  if (leftConfigured && !rightConfigured) return 'onlyLeft';
  if (rightConfigured && !leftConfigured) return 'onlyRight';
  return 'different';
}

/** `GET /settings/compare`: every key resolved at two scopes, side by side. */
export async function compareScopes(app: App, principal: Principal, q: { left: string; right: string; category?: string }): Promise<TCompareAnswer> {
  const [l, r] = await Promise.all([resolveContext(app, principal, { scope: q.left }), resolveContext(app, principal, { scope: q.right })]);
  const registry = await getRegistry(app);
  if (q.category && !registry.categoryByKey.has(q.category)) fail('NOT_FOUND', `No category "${q.category}"`, 'category');
  // preferences resolve per user: scopes are compared without one
  const defs = registry.definitions.filter((d) => !q.category || d.category === q.category);
  const [left, right] = await Promise.all([resolveMany(app, defs, { path: l.path }), resolveMany(app, defs, { path: r.path })]);
  const settings = defs.map((def) => item(def, left.get(def.key)!, right.get(def.key)!));
  const flags = q.category ? [] : await compareFlags(app, principal, q.left, q.right);
  const summary = { same: 0, different: 0, onlyLeft: 0, onlyRight: 0 };
  for (const s of [...settings, ...flags]) summary[s.status]++;
  return { left: { id: q.left, level: l.path[0].level }, right: { id: q.right, level: r.path[0].level }, settings, flags, summary };
}

function item(def: TDefinition, a: Resolution, b: Resolution): TCompareItem {
  const side = (x: Resolution) => ({ value: shown(def, x.value), resolvedFrom: x.resolvedFrom, resolvedScopeId: x.resolvedScopeId, locked: !!x.lockedBy });
  const same = canonicalJson(a.value) === canonicalJson(b.value);
  return { key: def.key, label: def.label, category: def.category, left: side(a), right: side(b), status: compareStatus(same, a.resolvedFrom !== 'default', b.resolvedFrom !== 'default') };
}

async function compareFlags(app: App, principal: Principal, left: string, right: string) {
  const page = { limit: 500, offset: 0 };
  const [a, b] = await Promise.all([listFlags(app, principal, { scope: left, ...page }).catch(() => null), listFlags(app, principal, { scope: right, ...page }).catch(() => null)]);
  if (!a || !b) return []; // flags are for admins: others compare settings only
  const byKey = (list: typeof a.flags) => new Map(list.map((f) => [f.key, f]));
  const [ma, mb] = [byKey(a.flags), byKey(b.flags)];
  return [...new Set([...ma.keys(), ...mb.keys()])].sort().map((key) => {
    const x = ma.get(key);
    const y = mb.get(key);
    const rule = (f: typeof x) => f && canonicalJson({ ...f, scope: null, version: null, createdAt: null, updatedAt: null, updatedBy: null, lastEvaluatedAt: null, inherited: null });
    return {
      key,
      left: x ? { enabled: x.enabled, scope: x.scope } : null,
      right: y ? { enabled: y.enabled, scope: y.scope } : null,
      status: compareStatus(rule(x) === rule(y), !!x, !!y),
    };
  });
}

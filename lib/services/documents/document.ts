import 'server-only';
import { flattenDocument, unflattenValues } from '@/lib/engine/document';
import type { ScopeRef } from '@/lib/engine/types';
import type { TDefinition } from '@/lib/schemas/definition';
import type { App } from '../kernel/app';
import { fail, ServiceError } from '../kernel/errors';
import { shown } from '../kernel/secrecy';
import { getRegistry } from '../registry/read';
import { scopePath } from '../scopes/path';
import { resolveMany } from '../settings/resolve';
import type { WriteOp } from '../settings/types';

/**
 * Seed 001's nested documents: one scope's settings as `{ display: { theme } }`, with an `inheritance` map
 * that names where each value came from ("system" for global and for defaults).
 */

export type DocumentLevel = 'global' | 'project' | 'user';

const sourceName = (resolvedFrom: string) => (resolvedFrom === 'global' || resolvedFrom === 'default' ? 'system' : resolvedFrom);

export async function documentOf(app: App, defs: TDefinition[], path: ScopeRef[], userId?: string) {
  const resolved = await resolveMany(app, defs, { path, userId });
  const flat: Record<string, unknown> = {};
  const inheritance: Record<string, string> = {};
  for (const def of defs) {
    const r = resolved.get(def.key);
    if (!r) continue;
    flat[def.key] = shown(def, r.value);
    inheritance[def.key] = sourceName(r.resolvedFrom);
  }
  return { settings: unflattenValues(flat), inheritance };
}

export const defsAt = async (app: App, level: DocumentLevel) => (await getRegistry(app)).definitions.filter((d) => d.allowedLevels.includes(level));

export async function projectPath(app: App, projectId: string): Promise<ScopeRef[]> {
  try {
    const path = await scopePath(app, projectId);
    if (path[0].level === 'project') return path;
  } catch (e) {
    if (!(e instanceof ServiceError) || (e.code !== 'SCOPE_NOT_FOUND' && e.code !== 'INVALID_REQUEST')) throw e;
  }
  return fail('PROJECT_NOT_FOUND', `Project "${projectId}" not found`);
}

/** Flattens a nested partial document into writes at one scope; unknown keys and `__proto__` are refused. */
export function writesFrom(doc: unknown, defs: TDefinition[], scope: string): WriteOp[] {
  const known = new Set(defs.map((d) => d.key));
  const flat = flattenDocument(doc, (k) => known.has(k));
  if (!flat.ok) fail(flat.error.code === 'UNKNOWN_KEY' ? 'SETTING_NOT_FOUND' : 'INVALID_REQUEST', flat.error.message, flat.error.path);
  if (Object.keys(flat.values).length === 0) fail('INVALID_REQUEST', 'The document changes nothing');
  return Object.entries(flat.values).map(([key, value]) => ({ kind: 'set' as const, key, scope, value }));
}

export function stamp(results: { audit: { at: string; actorId: string | null } }[]) {
  const last = results[results.length - 1]?.audit;
  return { updated_at: last?.at ?? new Date().toISOString(), updated_by: last?.actorId ?? null };
}

import 'server-only';
import type { Principal } from '@/lib/auth/policy';
import { flattenDocument, unflattenValues } from '@/lib/engine/document';
import type { ScopeRef } from '@/lib/engine/types';
import type { TDefinition } from '@/lib/schemas/definition';
import type { App } from './app';
import type { ChangeContext } from './audit';
import { resolveContext, type ContextInput } from './context';
import { getRegistry } from './definitions';
import { fail, ServiceError } from './errors';
import { scopePath } from './scopes';
import { applyWrites, resolveMany, type WriteOp } from './settings';
import { loadStoredMany, shown } from './values';

/**
 * Seed 001's nested documents: one scope's settings as `{ display: { theme } }`, with an `inheritance` map
 * that names where each value came from ("system" for global and for defaults).
 */

type DocumentLevel = 'global' | 'project' | 'user';

const sourceName = (resolvedFrom: string) => (resolvedFrom === 'global' || resolvedFrom === 'default' ? 'system' : resolvedFrom);

async function documentOf(app: App, defs: TDefinition[], path: ScopeRef[], userId?: string) {
  const resolved = await resolveMany(app, defs, { path, userId });
  const flat: Record<string, unknown> = {};
  const inheritance: Record<string, string> = {};
  for (const def of defs) {
    const r = resolved.get(def.key)!;
    flat[def.key] = shown(def, r.value);
    inheritance[def.key] = sourceName(r.resolvedFrom);
  }
  return { settings: unflattenValues(flat), inheritance };
}

const defsAt = async (app: App, level: DocumentLevel) => (await getRegistry(app)).definitions.filter((d) => d.allowedLevels.includes(level));

async function projectPath(app: App, projectId: string): Promise<ScopeRef[]> {
  try {
    const path = await scopePath(app, projectId);
    if (path[0].level === 'project') return path;
  } catch (e) {
    if (!(e instanceof ServiceError) || (e.code !== 'SCOPE_NOT_FOUND' && e.code !== 'INVALID_REQUEST')) throw e;
  }
  return fail('PROJECT_NOT_FOUND', `Project "${projectId}" not found`);
}

/** Flattens a nested partial document into writes at one scope; unknown keys and `__proto__` are refused. */
function writesFrom(doc: unknown, defs: TDefinition[], scope: string): WriteOp[] {
  const known = new Set(defs.map((d) => d.key));
  const flat = flattenDocument(doc, (k) => known.has(k));
  if (!flat.ok) {
    const code = flat.error.code === 'UNKNOWN_KEY' ? 'SETTING_NOT_FOUND' : 'INVALID_REQUEST';
    fail(code, flat.error.message, flat.error.path);
  }
  const values = (flat as { values: Record<string, unknown> }).values;
  if (Object.keys(values).length === 0) fail('INVALID_REQUEST', 'The document changes nothing');
  return Object.entries(values).map(([key, value]) => ({ kind: 'set' as const, key, scope, value }));
}

function stamp(results: { audit: { at: string; actorId: string | null } }[]) {
  const last = results[results.length - 1]?.audit;
  return { updated_at: last?.at ?? new Date().toISOString(), updated_by: last?.actorId ?? null };
}

export async function getSystemDocument(app: App, principal: Principal) {
  await resolveContext(app, principal, { scope: 'global' });
  const path = await scopePath(app, 'global');
  return documentOf(app, await defsAt(app, 'global'), path);
}

export async function putSystemDocument(app: App, principal: Principal, doc: unknown, reason: string | undefined, ctx: ChangeContext) {
  const defs = await defsAt(app, 'global');
  const outcome = await applyWrites(app, principal, writesFrom(doc, defs, 'global'), { reason }, ctx);
  return { ...(await documentOf(app, defs, await scopePath(app, 'global'))), ...stamp(outcome.results) };
}

export async function getProjectDocument(app: App, principal: Principal, projectId: string) {
  const path = await projectPath(app, projectId);
  await resolveContext(app, principal, { scope: projectId });
  return { project_id: projectId, ...(await documentOf(app, await defsAt(app, 'project'), path)) };
}

export async function putProjectDocument(app: App, principal: Principal, projectId: string, doc: unknown, reason: string | undefined, ctx: ChangeContext) {
  const path = await projectPath(app, projectId);
  const defs = await defsAt(app, 'project');
  const outcome = await applyWrites(app, principal, writesFrom(doc, defs, projectId), { reason }, ctx);
  return { project_id: projectId, ...(await documentOf(app, defs, path)), ...stamp(outcome.results) };
}

/** The caller's own values merged down the chain of the given context (`projectId=`, `scope=` …). */
export async function getUserDocument(app: App, principal: Principal, context: ContextInput) {
  const { path } = await resolveContext(app, principal, { ...context, userId: undefined }, { ownPreferences: true });
  return { user_id: principal.userId, ...(await documentOf(app, await defsAt(app, 'user'), path, principal.userId)) };
}

export async function putUserDocument(app: App, principal: Principal, context: ContextInput, doc: unknown, ctx: ChangeContext) {
  const { path } = await resolveContext(app, principal, { ...context, userId: undefined }, { ownPreferences: true });
  const defs = await defsAt(app, 'user');
  const outcome = await applyWrites(app, principal, writesFrom(doc, defs, `user:${principal.userId}`), {}, ctx);
  return { user_id: principal.userId, ...(await documentOf(app, defs, path, principal.userId)), ...stamp(outcome.results) };
}

/** Seed 001 "Reset User Settings": every own value removed, in one transaction. */
export async function resetUserDocument(app: App, principal: Principal, context: ContextInput, ctx: ChangeContext) {
  const { path } = await resolveContext(app, principal, { ...context, userId: undefined }, { ownPreferences: true });
  const defs = await defsAt(app, 'user');
  const scope = `user:${principal.userId}`;
  const stored = await loadStoredMany(app, app.db, [scope]);
  const own = defs.filter((d) => stored.has(d.key));
  await applyWrites(app, principal, own.map((d) => ({ kind: 'revert' as const, key: d.key, scope })), {}, ctx);
  return { message: 'User settings reset to defaults', user_id: principal.userId, reset: own.map((d) => d.key), ...(await documentOf(app, defs, path, principal.userId)) };
}

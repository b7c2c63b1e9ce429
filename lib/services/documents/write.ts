import 'server-only';
import type { Principal } from '@/lib/auth/policy';
import type { ChangeContext } from '../audit/types';
import type { App } from '../kernel/app';
import { resolveContext, type ContextInput } from '../scopes/context';
import { scopePath } from '../scopes/path';
import { storedKeysAt } from '../settings/resolve';
import { applyWrites } from '../settings/write';
import { defsAt, documentOf, projectPath, stamp, writesFrom } from './document';

export async function putSystemDocument(app: App, principal: Principal, doc: unknown, reason: string | undefined, ctx: ChangeContext) {
  const defs = await defsAt(app, 'global');
  const outcome = await applyWrites(app, principal, writesFrom(doc, defs, 'global'), { reason }, ctx);
  return { ...(await documentOf(app, defs, await scopePath(app, 'global'))), ...stamp(outcome.results) };
}

export async function putProjectDocument(app: App, principal: Principal, projectId: string, doc: unknown, reason: string | undefined, ctx: ChangeContext) {
  const path = await projectPath(app, projectId);
  const defs = await defsAt(app, 'project');
  const outcome = await applyWrites(app, principal, writesFrom(doc, defs, projectId), { reason }, ctx);
  return { project_id: projectId, ...(await documentOf(app, defs, path)), ...stamp(outcome.results) };
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
  const stored = await storedKeysAt(app, scope);
  const own = defs.filter((d) => stored.has(d.key));
  await applyWrites(app, principal, own.map((d) => ({ kind: 'revert' as const, key: d.key, scope })), {}, ctx);
  return { message: 'User settings reset to defaults', user_id: principal.userId, reset: own.map((d) => d.key), ...(await documentOf(app, defs, path, principal.userId)) };
}

import 'server-only';
import type { Principal } from '@/lib/auth/policy';
import type { App } from '../kernel/app';
import { resolveContext, type ContextInput } from '../scopes/context';
import { scopePath } from '../scopes/path';
import { defsAt, documentOf, projectPath } from './document';

export async function getSystemDocument(app: App, principal: Principal) {
  await resolveContext(app, principal, { scope: 'global' });
  const path = await scopePath(app, 'global');
  return documentOf(app, await defsAt(app, 'global'), path);
}

export async function getProjectDocument(app: App, principal: Principal, projectId: string) {
  const path = await projectPath(app, projectId);
  await resolveContext(app, principal, { scope: projectId });
  return { project_id: projectId, ...(await documentOf(app, await defsAt(app, 'project'), path)) };
}

/** The caller's own values merged down the chain of the given context (`projectId=`, `scope=` …). */
export async function getUserDocument(app: App, principal: Principal, context: ContextInput) {
  const { path } = await resolveContext(app, principal, { ...context, userId: undefined }, { ownPreferences: true });
  return { user_id: principal.userId, ...(await documentOf(app, await defsAt(app, 'user'), path, principal.userId)) };
}

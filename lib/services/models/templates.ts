import 'server-only';
import { can, type Principal } from '@/lib/auth/policy';
import { parameterIssue, type TModelTemplate, type TModelTemplateBody, type TModelTemplateUpdate } from '@/lib/schemas/models';
import type { App } from '../kernel/app';
import { appendAudit } from '../audit/append';
import type { ChangeContext } from '../audit/types';
import { inTransaction } from '../kernel/transaction';
import { fail } from '../kernel/errors';
import { modelState, providerOr404 } from './state';
import { deleteTemplate, insertTemplate, presetUsers, templateRow, updateTemplate, type TemplateRow } from './store';

/**
 * Parameter presets ("precise", "creative"): one provider's named parameter set, shared by every scope.
 * Platform admins keep them; whoever reads model configurations somewhere sees them.
 */

const toTemplate = (r: TemplateRow): TModelTemplate => ({
  id: r.id,
  name: r.name,
  provider: r.provider,
  description: r.description,
  parameters: r.parameters,
  version: r.version,
  createdAt: r.createdAt.toISOString(),
  updatedAt: r.updatedAt.toISOString(),
  updatedBy: r.updatedBy,
});

const auditKey = (id: string) => `models.templates.${id}`;
const snapshot = (r: TemplateRow | undefined) => (r ? { name: r.name, provider: r.provider, description: r.description, parameters: r.parameters } : null);

function mayRead(principal: Principal) {
  if (!principal.roles.some((r) => can(principal, 'models.read', { scopePath: [r.scopeId] }))) fail('INSUFFICIENT_PERMISSIONS', 'You may not read AI model configurations');
}
function mayWrite(principal: Principal) {
  if (!can(principal, 'models.write', { scopePath: ['global'] })) fail('INSUFFICIENT_PERMISSIONS', 'Only platform admins keep parameter presets');
}

/** "Precise Answers" → "precise-answers". */
export const slugOf = (name: string) =>
  name
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 63) || 'preset';

export async function listTemplates(app: App, principal: Principal, q: { provider?: string }) {
  mayRead(principal);
  const all = [...(await modelState(app)).templates.values()].filter((t) => !q.provider || t.provider === q.provider);
  return { templates: all.map(toTemplate), total: all.length };
}

export async function createTemplate(app: App, principal: Principal, body: TModelTemplateBody, ctx: ChangeContext): Promise<TModelTemplate> {
  mayWrite(principal);
  const provider = providerOr404(body.provider);
  const issue = parameterIssue(provider, body.parameters);
  if (issue) fail('INVALID_REQUEST', issue.message, issue.field);
  const id = body.id ?? slugOf(body.name);
  const row = await inTransaction(app, async (tx, changed) => {
    const saved = await insertTemplate(tx, { id, name: body.name, provider: provider.id, description: body.description, parameters: body.parameters, updatedBy: principal.userId });
    if (!saved) return fail('CONFLICT', `A preset "${id}" exists already`, 'id');
    await appendAudit(tx, ctx, [{ action: 'model.template.create', key: auditKey(id), scopeId: 'global', level: 'global', newValue: snapshot(saved), version: 1 }]);
    changed({ type: 'models' });
    return saved;
  });
  return toTemplate(row);
}

export async function changeTemplate(app: App, principal: Principal, id: string, body: TModelTemplateUpdate, ctx: ChangeContext): Promise<TModelTemplate> {
  mayWrite(principal);
  const row = await inTransaction(app, async (tx, changed) => {
    const old = await templateRow(tx, id, true);
    if (!old) return fail('NOT_FOUND', `No parameter preset "${id}"`, 'id');
    const parameters = body.parameters ?? old.parameters;
    const issue = parameterIssue(providerOr404(old.provider), parameters);
    if (issue) fail('INVALID_REQUEST', issue.message, issue.field);
    const saved = await updateTemplate(tx, id, {
      name: body.name ?? old.name,
      description: body.description ?? old.description,
      parameters,
      version: old.version + 1,
      updatedAt: new Date(),
      updatedBy: principal.userId,
    });
    await appendAudit(tx, ctx, [{ action: 'model.template.update', key: auditKey(id), scopeId: 'global', level: 'global', oldValue: snapshot(old), newValue: snapshot(saved), version: saved.version }]);
    changed({ type: 'models' });
    return saved;
  });
  return toTemplate(row);
}

/** Refused while a configuration uses the preset: removing it would silently change their parameters. */
export async function removeTemplate(app: App, principal: Principal, id: string, ctx: ChangeContext) {
  mayWrite(principal);
  await inTransaction(app, async (tx, changed) => {
    const old = await templateRow(tx, id, true);
    if (!old) return fail('NOT_FOUND', `No parameter preset "${id}"`, 'id');
    const users = await presetUsers(tx, id);
    if (users.length) fail('CONFLICT', `Preset "${id}" is used at ${users.map((u) => u.scopeId).join(', ')}: choose another preset there first`, 'id', { usedAt: users });
    await deleteTemplate(tx, id);
    await appendAudit(tx, ctx, [{ action: 'model.template.delete', key: auditKey(id), scopeId: 'global', level: 'global', oldValue: snapshot(old) }]);
    changed({ type: 'models' });
  });
  return { deleted: true as const, id };
}

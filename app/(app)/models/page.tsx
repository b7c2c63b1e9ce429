import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { requirePage } from '@/lib/auth/current';
import { can, isPlatformAdmin } from '@/lib/auth/policy';
import { getApp } from '@/lib/services/kernel/app';
import { ServiceError } from '@/lib/services/kernel/errors';
import { listQuotas } from '@/lib/services/models/quotas';
import { listModels } from '@/lib/services/models/read';
import { listTemplates } from '@/lib/services/models/templates';
import { listScopes } from '@/lib/services/scopes/read';
import { ModelsView } from '@/components/models/models-view';

export const metadata: Metadata = { title: 'AI models' };

/** Issue 12: providers, models and parameters per scope with where each comes from, presets, quotas and usage. */
export default async function ModelsPage({ searchParams }: { searchParams: Promise<{ scope?: string }> }) {
  const principal = await requirePage('/models');
  const app = await getApp();
  const visible = await listScopes(app, principal, { limit: 500, offset: 0 });
  const scopes = [
    ...(visible.scopes.some((s) => s.id === 'global') ? [] : [{ id: 'global', name: 'Global', level: 'global', parentId: null }]),
    ...visible.scopes.map((s) => ({ id: s.id, name: s.name, level: s.level, parentId: s.parentId })),
  ];
  const { scope: asked } = await searchParams;
  const first = isPlatformAdmin(principal) ? 'global' : (principal.roles.find((r) => can(principal, 'models.write', { scopePath: [r.scopeId] }))?.scopeId ?? 'global');
  const scope = asked ?? first;
  // a scope the caller may not see (or that does not exist) is a page that does not exist
  const [models, quotas, templates] = await Promise.all([listModels(app, principal, { scope }), listQuotas(app, principal, { scope }), listTemplates(app, principal, {})]).catch((e) => {
    if (e instanceof ServiceError && (e.status === 403 || e.status === 404 || e.status === 400)) notFound();
    throw e;
  });
  return <ModelsView scopes={scopes} initial={{ scope, models, quotas, templates: templates.templates }} mayKeepPresets={can(principal, 'models.write', { scopePath: ['global'] })} />;
}

import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { requirePage } from '@/lib/auth/current';
import { can, isPlatformAdmin, type Principal } from '@/lib/auth/policy';
import { getApp } from '@/lib/services/kernel/app';
import { ServiceError } from '@/lib/services/kernel/errors';
import { getLevels, scopePath } from '@/lib/services/scopes/path';
import { listScopes } from '@/lib/services/scopes/read';
import { settingsSchema } from '@/lib/services/settings/schema';
import { levelLabel } from '@/components/settings/format';
import { ScopeNavigator } from '@/components/settings/scope-navigator';
import { SettingsView } from '@/components/settings/settings-view';
import { Badge } from '@/components/ui/badge';
import { PageHeader } from '@/components/ui/page-header';

export const metadata: Metadata = { title: 'Settings' };

/** Platform admins start at global; everyone else at the first scope they hold a role at. */
const defaultScope = (p: Principal) => (isPlatformAdmin(p) ? 'global' : (p.roles[0]?.scopeId ?? 'global'));

/** A scope the caller may not read answers like one that does not exist, so other tenants' scopes cannot be probed. */
function hideRefusal(err: unknown): never {
  if (err instanceof ServiceError && ['SCOPE_NOT_FOUND', 'INSUFFICIENT_PERMISSIONS', 'INVALID_REQUEST'].includes(err.code)) notFound();
  throw err;
}

/** Settings by category at one scope (seed 003 §6.1–6.3), with a navigator over the scopes the caller may read. */
export default async function SettingsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const principal = await requirePage('/settings');
  const app = await getApp();
  const { scope, category } = await searchParams;
  const scopeId = typeof scope === 'string' && scope ? scope : defaultScope(principal);
  const [schema, { scopes }, levels] = await Promise.all([
    settingsSchema(app, principal, { scope: scopeId }).catch(hideRefusal),
    listScopes(app, principal, { limit: 10_000, offset: 0 }),
    getLevels(app),
  ]);
  const nodes = scopes.map(({ id, level, parentId, name }) => ({ id, level, parentId, name }));
  const names = new Map(scopes.map((s) => [s.id, s.name]));
  const nameOf = (id: string) => names.get(id) ?? (id === 'global' ? 'Global' : id);
  const path = (await scopePath(app, scopeId)).toReversed();
  const here = path[path.length - 1];

  return (
    <>
      <PageHeader title="Settings" description="Every setting at one scope: its value, where that value comes from, and the overrides you may make." />
      <div className="xl:grid xl:grid-cols-[15rem_minmax(0,1fr)] xl:gap-6">
        <div className="mb-4 xl:sticky xl:top-20 xl:mb-0 xl:h-[calc(100dvh-7rem)] xl:self-start">
          <ScopeNavigator scopes={nodes} levels={levels} currentId={scopeId} />
        </div>
        <div className="min-w-0 space-y-4">
          <div>
            {path.length > 1 && (
              <nav aria-label="Scope path">
                <ol className="flex flex-wrap items-center gap-1 text-sm text-zinc-600 dark:text-zinc-400">
                  {path.map((p, i) => (
                    <li key={p.scopeId} className="flex items-center gap-1">
                      {i > 0 && <span aria-hidden>›</span>}
                      {p === here ? (
                        <span aria-current="page">{nameOf(p.scopeId)}</span>
                      ) : (
                        <Link href={`/settings?${new URLSearchParams({ scope: p.scopeId, ...(typeof category === 'string' && { category }) })}`} className="rounded hover:underline focus-visible:outline-2 focus-visible:outline-indigo-600">
                          {nameOf(p.scopeId)}
                        </Link>
                      )}
                    </li>
                  ))}
                </ol>
              </nav>
            )}
            <h2 className="mt-1 flex flex-wrap items-center gap-2 text-lg font-semibold">
              {nameOf(here.scopeId)}
              {levelLabel(levels, here.level) !== nameOf(here.scopeId) && <Badge>{levelLabel(levels, here.level)}</Badge>}
            </h2>
          </div>
          <SettingsView schema={schema} scopes={nodes} canReveal={can(principal, 'settings.reveal')} />
        </div>
      </div>
    </>
  );
}

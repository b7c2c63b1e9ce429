import type { Metadata } from 'next';
import Link from 'next/link';
import { requirePage } from '@/lib/auth/current';
import { mayVisit } from '@/lib/auth/nav';
import { requestOrigin } from '@/lib/request-origin';
import { getApp } from '@/lib/services/kernel/app';
import { listAudit } from '@/lib/services/audit/read';
import { stats } from '@/lib/services/settings/stats';
import { lastDriftReport } from '@/lib/services/drift/schedule';
import { ServiceError } from '@/lib/services/kernel/errors';
import { DriftCard } from '@/components/drift/drift-card';
import { actionTone, auditSubject } from '@/components/audit/format';
import { Badge } from '@/components/ui/badge';
import { buttonClass } from '@/components/ui/button';
import { Card, CardBody, CardHeader } from '@/components/ui/card';
import { DateTime } from '@/components/ui/date-time';
import { EmptyState } from '@/components/ui/empty-state';
import { PageHeader } from '@/components/ui/page-header';

export const metadata: Metadata = { title: 'Dashboard' };

export default async function DashboardPage() {
  const principal = await requirePage('/');
  const app = await getApp();
  const showAudit = mayVisit(principal, '/audit');
  const [counts, audit] = await Promise.all([
    stats(app, principal),
    // sign-ins are audited too, but they are not changes: look a little further back and leave them out
    showAudit ? listAudit(app, principal, { limit: 50, offset: 0 }) : null,
  ]);
  // the last drift check, for whoever may check the whole installation (platform admins)
  const drift = await lastDriftReport(app, principal).catch((e) => {
    if (e instanceof ServiceError && e.code === 'INSUFFICIENT_PERMISSIONS') return null;
    throw e;
  });
  const recent = audit?.entries.filter((e) => !e.action.startsWith('auth.')).slice(0, 10);
  const origin = await requestOrigin();

  const tiles = [
    { label: 'Settings defined', value: counts.total, href: '/settings' },
    { label: 'Overrides', value: counts.overrides, href: '/settings' },
    { label: 'Changes in 24 h', value: counts.recentChanges24h, href: '/audit' },
    { label: 'Need a restart', value: counts.requiresRestart, href: '/settings' },
    { label: 'Feature flags', value: counts.flags, href: '/flags' },
  ];

  return (
    <>
      <PageHeader title="Dashboard" description={`Signed in as ${principal.name}. Settings, feature flags and preferences at a glance.`} />

      <section aria-label="Counts" className="grid grid-cols-2 gap-3 sm:grid-cols-3 lg:grid-cols-5">
        {tiles.map((t) => {
          const body = (
            <>
              <span className="block text-2xl font-semibold tabular-nums">{t.value.toLocaleString('en')}</span>
              <span className="mt-1 block text-xs text-zinc-600 dark:text-zinc-400">{t.label}</span>
            </>
          );
          const tile = 'block rounded-lg border border-zinc-200 bg-white p-4 shadow-xs dark:border-zinc-800 dark:bg-zinc-900';
          return mayVisit(principal, t.href) ? (
            <Link key={t.label} href={t.href} className={`${tile} hover:border-indigo-300 focus-visible:outline-2 focus-visible:outline-indigo-600 dark:hover:border-indigo-800`}>
              {body}
            </Link>
          ) : (
            <div key={t.label} className={tile}>
              {body}
            </div>
          );
        })}
      </section>

      {recent && (
        <Card aria-labelledby="recent-title" className="mt-6">
          <CardHeader
            id="recent-title"
            title="Recent changes"
            description="The latest entries of the audit log you may read."
            actions={
              <Link href="/audit" className={buttonClass({ size: 'sm' })}>
                Audit log
              </Link>
            }
          />
          {recent.length === 0 ? (
            <EmptyState title="No changes yet" description="Changes to settings, users, tokens and the registry show up here as they happen." />
          ) : (
            <ul aria-label="Recent changes" className="divide-y divide-zinc-100 dark:divide-zinc-800">
              {recent.map((e) => (
                <li key={e.id} className="flex flex-wrap items-center gap-x-3 gap-y-1 px-4 py-2.5 text-sm">
                  <Badge tone={actionTone(e.action)}>{e.action}</Badge>
                  <span className="min-w-0 font-mono text-xs break-all">{auditSubject(e)}</span>
                  <span className="w-full text-xs text-zinc-600 sm:ml-auto sm:w-auto dark:text-zinc-400">
                    <DateTime value={e.at} /> · {e.scopeId ?? 'no scope'} · {e.actorName ?? 'system'} ({e.source})
                  </span>
                </li>
              ))}
            </ul>
          )}
        </Card>
      )}

      {drift && <DriftCard report={drift.report} />}

      <Card aria-labelledby="api-title" className="mt-6">
        <CardHeader id="api-title" title="Use the API" description="Services read resolved values over REST with an API token." />
        <CardBody className="space-y-3 text-sm">
          <p>
            Base URL <code className="rounded bg-zinc-100 px-1.5 py-0.5 font-mono text-xs break-all dark:bg-zinc-800">{origin}/api/v1</code>
          </p>
          <pre className="overflow-x-auto rounded-md bg-zinc-900 p-3 text-xs leading-relaxed text-zinc-100 dark:bg-zinc-950 dark:ring-1 dark:ring-zinc-800">
            {`curl -H "Authorization: Bearer $SWITCHBOARD_TOKEN" "${origin}/api/v1/settings/<key>/resolve?scope=global"`}
          </pre>
          <div className="flex flex-wrap gap-2">
            <Link href="/tokens" className={buttonClass({ size: 'sm' })}>
              API tokens
            </Link>
            <Link href="/docs" className={buttonClass({ size: 'sm' })}>
              API docs
            </Link>
            <a href="/api/v1/openapi.json" className={buttonClass({ size: 'sm', variant: 'ghost' })}>
              openapi.json
            </a>
          </div>
        </CardBody>
      </Card>
    </>
  );
}

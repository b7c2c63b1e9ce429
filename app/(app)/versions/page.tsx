import type { Metadata } from 'next';
import { requirePage } from '@/lib/auth/current';
import { queryString } from '@/lib/query-string';
import { getApp } from '@/lib/services/kernel/app';
import { ServiceError } from '@/lib/services/kernel/errors';
import { preferredPageSize } from '@/lib/services/preferences/read';
import { getVersion, listVersions } from '@/lib/services/versions/read';
import { VersionDetail } from '@/components/lifecycle/version-detail';
import { VersionList } from '@/components/lifecycle/version-list';
import { Alert } from '@/components/ui/alert';
import { Card } from '@/components/ui/card';
import { PageHeader } from '@/components/ui/page-header';
import { Pager } from '@/components/ui/pager';

export const metadata: Metadata = { title: 'Versions' };

type SearchParams = Promise<{ page?: string; id?: string }>;

/** Issue 10: the configuration's change sets, newest first; one change set's diff, and its revert. */
export default async function VersionsPage({ searchParams }: { searchParams: SearchParams }) {
  const principal = await requirePage('/versions');
  const app = await getApp();
  const sp = await searchParams;
  const page = Math.max(1, Math.floor(Number(sp.page)) || 1);
  const pageSize = await preferredPageSize(app, principal);
  const [list, detail] = await Promise.all([
    listVersions(app, principal, { limit: pageSize, offset: (page - 1) * pageSize }),
    // an id that does not exist (or is out of reach) says so beside the list instead of failing the page
    sp.id
      ? getVersion(app, principal, sp.id).catch((err: unknown) => {
          if (err instanceof ServiceError && err.status < 500) return { missing: err.message };
          throw err;
        })
      : null,
  ]);
  const href = (p: { page?: number; id?: string }) => `/versions${queryString({ page: p.page && p.page > 1 ? p.page : undefined, id: p.id })}`;
  return (
    <>
      <PageHeader title="Versions" description="Every change to the configuration, one change set per save, bulk write, import or promote. Open one to see its diff, or revert it." />
      <div className="grid items-start gap-4 lg:grid-cols-[minmax(0,2fr)_minmax(0,3fr)]">
        <Card className="min-w-0" aria-label="All change sets">
          <VersionList versions={list.versions} selected={sp.id} href={(id) => href({ page, id })} />
          {list.total > 0 && <Pager page={page} pageSize={pageSize} total={list.total} noun={['change set', 'change sets']} href={(p) => href({ page: p, id: sp.id })} />}
        </Card>
        {/* on phones an open change set comes first, above the list */}
        <div className={detail ? 'order-first min-w-0 lg:order-none' : 'min-w-0'}>
          {detail && 'missing' in detail && <Alert tone="danger">{detail.missing}</Alert>}
          {detail && !('missing' in detail) && <VersionDetail key={detail.id} version={detail} />}
          {!detail && list.total > 0 && <p className="rounded-lg border border-dashed border-zinc-300 p-6 text-center text-sm text-zinc-600 dark:border-zinc-700 dark:text-zinc-400">Open a change set to see what it changed.</p>}
        </div>
      </div>
    </>
  );
}

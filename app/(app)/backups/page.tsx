import type { Metadata } from 'next';
import { requirePage } from '@/lib/auth/current';
import { queryString } from '@/lib/query-string';
import { BACKUP_TYPES, type TBackupType } from '@/lib/schemas/backups';
import { listBackups } from '@/lib/services/backups/read';
import { getApp } from '@/lib/services/kernel/app';
import { preferredPageSize } from '@/lib/services/preferences/read';
import { BackupCreate } from '@/components/lifecycle/backup-create';
import { BackupList } from '@/components/lifecycle/backup-list';
import { CardHeader } from '@/components/ui/card';
import { PageHeader } from '@/components/ui/page-header';
import { Pager } from '@/components/ui/pager';

export const metadata: Metadata = { title: 'Backups' };

type SearchParams = Promise<{ page?: string; type?: string }>;

/** Issue 10: backups (list, take, download, delete) and restore with its preview. Platform admins only. */
export default async function BackupsPage({ searchParams }: { searchParams: SearchParams }) {
  const principal = await requirePage('/backups');
  const app = await getApp();
  const sp = await searchParams;
  const page = Math.max(1, Math.floor(Number(sp.page)) || 1);
  // an unknown ?type= is ignored rather than failing the page
  const type = (BACKUP_TYPES as readonly string[]).includes(sp.type ?? '') ? (sp.type as TBackupType) : undefined;
  const pageSize = await preferredPageSize(app, principal);
  const list = await listBackups(app, principal, { limit: pageSize, offset: (page - 1) * pageSize, type });
  const href = (p: { page?: number; type?: string }) => `/backups${queryString({ page: p.page && p.page > 1 ? p.page : undefined, type: p.type })}`;
  return (
    <>
      <PageHeader title="Backups" description="Snapshots of the configuration, stored compressed in the database with a checksum. Restoring one shows what it would change first, and takes a backup of the current state before it applies." />
      <div className="grid items-start gap-4 lg:grid-cols-[minmax(0,1fr)_minmax(0,2fr)]">
        <BackupCreate />
        <BackupList
          backups={list.backups}
          header={
            <>
              <CardHeader id="backups-title" title="All backups" description="Newest first: manual, scheduled, pre-restore and uploaded." />
              <nav aria-label="Filter by type" className="flex flex-wrap gap-1.5 px-4 pt-3 text-xs">
                {[undefined, ...BACKUP_TYPES].map((t) => (
                  <a
                    key={t ?? 'all'}
                    href={href({ type: t })}
                    aria-current={t === type ? 'page' : undefined}
                    className={t === type ? 'rounded-full bg-indigo-600 px-3 py-1 font-medium text-white' : 'rounded-full px-3 py-1 font-medium text-zinc-700 ring-1 ring-zinc-300 ring-inset hover:bg-zinc-50 dark:text-zinc-300 dark:ring-zinc-700'}
                  >
                    {t ?? 'all types'}
                  </a>
                ))}
              </nav>
            </>
          }
          footer={list.total > 0 && <Pager page={page} pageSize={pageSize} total={list.total} noun={['backup', 'backups']} href={(p) => href({ page: p, type })} />}
        />
      </div>
    </>
  );
}

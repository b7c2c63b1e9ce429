import type { Metadata } from 'next';
import { requirePage } from '@/lib/auth/current';
import { isPlatformAdmin } from '@/lib/auth/policy';
import { getApp } from '@/lib/services/kernel/app';
import { ExportCard } from '@/components/lifecycle/export-card';
import { ImportCard } from '@/components/lifecycle/import-card';
import { PageHeader } from '@/components/ui/page-header';
import { homeScope, pickerOptions } from '../scope-options';

export const metadata: Metadata = { title: 'Import / export' };

/** Issue 10: download a scope's configuration; upload a file, see its diff, confirm it. */
export default async function ImportExportPage() {
  const principal = await requirePage('/import-export');
  const { scopes, categories } = await pickerOptions(await getApp(), principal);
  return (
    <>
      <PageHeader title="Import / export" description="Move configuration between scopes and instances as files. An import shows its diff first and applies only what you confirmed." />
      <div className="grid items-start gap-4 lg:grid-cols-2">
        <ExportCard scopes={scopes} categories={categories} home={homeScope(principal)} maySecrets={isPlatformAdmin(principal)} />
        <ImportCard scopes={scopes} />
      </div>
    </>
  );
}

import type { Metadata } from 'next';
import { requirePage } from '@/lib/auth/current';
import { getApp } from '@/lib/services/kernel/app';
import { CompareView } from '@/components/lifecycle/compare-view';
import { PageHeader } from '@/components/ui/page-header';
import { homeScope, pickerOptions } from '../scope-options';

export const metadata: Metadata = { title: 'Compare and promote' };

/** Issue 10: two scopes side by side, and chosen values promoted from one to the other after a preview. */
export default async function ComparePage({ searchParams }: { searchParams: Promise<{ left?: string; right?: string }> }) {
  const principal = await requirePage('/compare');
  const { scopes, categories } = await pickerOptions(await getApp(), principal);
  const sp = await searchParams;
  const known = (id: string | undefined) => (id && scopes.some((s) => s.id === id) ? id : undefined);
  const left = known(sp.left) ?? homeScope(principal);
  // the right side starts at another scope, so the page opens on a comparison
  const right = known(sp.right) ?? scopes.find((s) => s.id !== left)?.id ?? left;
  return (
    <>
      <PageHeader title="Compare and promote" description="What every key resolves to at two scopes, and where each value comes from. Choose rows to copy from the left scope to the right one." />
      <CompareView scopes={scopes} categories={categories} initial={{ left, right }} />
    </>
  );
}

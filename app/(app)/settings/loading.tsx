import { Skeleton } from '@/components/ui/skeleton';

/** The settings page's shape while its scope loads: navigator, category tabs, a group of settings. */
export default function Loading() {
  return (
    <div aria-busy="true" aria-live="polite" className="space-y-6">
      <span className="sr-only">Loading settings…</span>
      <Skeleton className="h-8 w-40" />
      <div className="xl:grid xl:grid-cols-[15rem_minmax(0,1fr)] xl:gap-6">
        <Skeleton className="mb-4 h-10 xl:h-72" />
        <div className="space-y-4">
          <Skeleton className="h-6 w-56" />
          <div className="flex flex-wrap gap-1.5">
            {Array.from({ length: 8 }, (_, i) => (
              <Skeleton key={i} className="h-7 w-28 rounded-full" />
            ))}
          </div>
          <Skeleton className="h-96" />
        </div>
      </div>
    </div>
  );
}

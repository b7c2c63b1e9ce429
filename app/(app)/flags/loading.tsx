import { Skeleton } from '@/components/ui/skeleton';

/** The flags page's shape while it loads: header, tabs, the matrix. */
export default function Loading() {
  return (
    <div aria-busy="true" aria-live="polite" className="space-y-6">
      <span className="sr-only">Loading feature flags…</span>
      <Skeleton className="h-8 w-48" />
      <div className="flex gap-2">
        {Array.from({ length: 3 }, (_, i) => (
          <Skeleton key={i} className="h-8 w-28" />
        ))}
      </div>
      <Skeleton className="h-[28rem]" />
    </div>
  );
}

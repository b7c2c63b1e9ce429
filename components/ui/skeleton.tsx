import { cn } from './cn';

/** A grey placeholder block while content loads; wrap a group of them in an element with aria-busy. */
export function Skeleton({ className }: { className?: string }) {
  return <div aria-hidden className={cn('animate-pulse rounded-md bg-zinc-200 dark:bg-zinc-800', className)} />;
}

import type { ReactNode } from 'react';
import { cn } from '@/components/ui/cn';

/** The frame of the pages used without a session (sign-in, first-run setup): a centred card. */
export function AuthFrame({ title, description, wide, children }: { title: string; description?: ReactNode; wide?: boolean; children: ReactNode }) {
  return (
    <main className="flex min-h-dvh items-start justify-center bg-zinc-50 px-4 py-10 sm:items-center dark:bg-zinc-950">
      <div className={cn('w-full', wide ? 'max-w-xl' : 'max-w-sm')}>
        <p className="mb-6 text-center text-lg font-semibold tracking-tight">Switchboard</p>
        <div className="rounded-lg border border-zinc-200 bg-white p-6 shadow-sm dark:border-zinc-800 dark:bg-zinc-900">
          <h1 className="text-xl font-semibold tracking-tight">{title}</h1>
          {description && <p className="mt-1 text-sm text-zinc-600 dark:text-zinc-400">{description}</p>}
          <div className="mt-6">{children}</div>
        </div>
      </div>
    </main>
  );
}

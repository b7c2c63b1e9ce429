'use client';

import * as D from '@radix-ui/react-dialog';
import type { ReactNode } from 'react';

/**
 * A panel sliding over the page's right side (full width on phones): a modal dialog like Dialog, for details
 * that sit beside a list. `<Sheet open={…} onOpenChange={…}><SheetContent title="…">…</SheetContent></Sheet>`
 */
export const Sheet = D.Root;

export function SheetContent({ title, description, children }: { title: ReactNode; description?: ReactNode; children?: ReactNode }) {
  return (
    <D.Portal>
      <D.Overlay className="fixed inset-0 z-40 bg-zinc-950/40" />
      <D.Content
        className="fixed inset-y-0 right-0 z-40 flex w-full max-w-2xl flex-col border-l border-zinc-200 bg-white shadow-xl outline-none dark:border-zinc-800 dark:bg-zinc-900"
        {...(description ? {} : { 'aria-describedby': undefined })}
      >
        <div className="flex items-start gap-3 border-b border-zinc-200 px-5 py-4 dark:border-zinc-800">
          <div className="min-w-0 flex-1">
            <D.Title className="text-lg font-semibold break-words">{title}</D.Title>
            {description && <D.Description className="mt-1 text-sm text-zinc-600 dark:text-zinc-400">{description}</D.Description>}
          </div>
          <D.Close className="rounded-md p-1 text-zinc-500 hover:bg-zinc-100 focus-visible:outline-2 focus-visible:outline-indigo-600 dark:hover:bg-zinc-800" aria-label="Close">
            <svg aria-hidden viewBox="0 0 20 20" className="size-5" fill="currentColor">
              <path d="M6.28 5.22a.75.75 0 0 0-1.06 1.06L8.94 10l-3.72 3.72a.75.75 0 1 0 1.06 1.06L10 11.06l3.72 3.72a.75.75 0 1 0 1.06-1.06L11.06 10l3.72-3.72a.75.75 0 0 0-1.06-1.06L10 8.94 6.28 5.22Z" />
            </svg>
          </D.Close>
        </div>
        <div className="min-h-0 flex-1 overflow-y-auto px-5 py-4">{children}</div>
      </D.Content>
    </D.Portal>
  );
}

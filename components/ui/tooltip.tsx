'use client';

import * as T from '@radix-ui/react-tooltip';
import type { ReactNode } from 'react';

/**
 * A short hint on hover and keyboard focus. It supplements a visible or aria label, never replaces it.
 * `<Tooltip content="Inherited from the tenant"><Badge>…</Badge></Tooltip>` (the child must take a ref and focus).
 */
export function Tooltip({ content, children }: { content: ReactNode; children: ReactNode }) {
  return (
    <T.Provider delayDuration={300}>
      <T.Root>
        <T.Trigger asChild>{children}</T.Trigger>
        <T.Portal>
          <T.Content sideOffset={4} className="z-50 max-w-xs rounded-md bg-zinc-900 px-2 py-1 text-xs text-white shadow dark:bg-zinc-100 dark:text-zinc-900">
            {content}
          </T.Content>
        </T.Portal>
      </T.Root>
    </T.Provider>
  );
}

'use client';

import * as T from '@radix-ui/react-tabs';
import type { ComponentProps } from 'react';
import { cn } from './cn';

/** Tabs (Radix: arrow keys move between tabs). `<Tabs defaultValue="a"><TabsList aria-label="…"><TabsTrigger value="a">A</TabsTrigger></TabsList><TabsContent value="a">…</TabsContent></Tabs>` */
export const Tabs = T.Root;

export const TabsList = ({ className, ...props }: ComponentProps<typeof T.List>) => (
  <T.List className={cn('flex gap-1 overflow-x-auto border-b border-zinc-200 dark:border-zinc-800', className)} {...props} />
);

export const TabsTrigger = ({ className, ...props }: ComponentProps<typeof T.Trigger>) => (
  <T.Trigger
    className={cn(
      '-mb-px shrink-0 border-b-2 border-transparent px-3 py-2 text-sm font-medium whitespace-nowrap text-zinc-600 hover:text-zinc-900 focus-visible:outline-2 focus-visible:outline-indigo-600 data-[state=active]:border-indigo-600 data-[state=active]:text-zinc-900 dark:text-zinc-400 dark:hover:text-zinc-100 dark:data-[state=active]:border-indigo-400 dark:data-[state=active]:text-zinc-100',
      className,
    )}
    {...props}
  />
);

export const TabsContent = ({ className, ...props }: ComponentProps<typeof T.Content>) => <T.Content className={cn('pt-4 outline-none', className)} {...props} />;

'use client';

import * as M from '@radix-ui/react-dropdown-menu';
import type { ComponentProps } from 'react';
import { cn } from './cn';

/** A menu opened by a button (Radix: arrow keys, typeahead, Escape). */
export const DropdownMenu = M.Root;
export const DropdownMenuTrigger = M.Trigger;
export const DropdownMenuRadioGroup = M.RadioGroup;

const item =
  'relative flex cursor-default items-center gap-2 rounded px-2 py-1.5 text-sm outline-none select-none data-[disabled]:opacity-50 data-[highlighted]:bg-zinc-100 dark:data-[highlighted]:bg-zinc-800';

export function DropdownMenuContent({ className, align = 'end', sideOffset = 6, ...props }: ComponentProps<typeof M.Content>) {
  return (
    <M.Portal>
      <M.Content
        align={align}
        sideOffset={sideOffset}
        className={cn('z-50 min-w-48 rounded-md border border-zinc-200 bg-white p-1 text-zinc-900 shadow-lg dark:border-zinc-800 dark:bg-zinc-900 dark:text-zinc-100', className)}
        {...props}
      />
    </M.Portal>
  );
}

export const DropdownMenuItem = ({ className, ...props }: ComponentProps<typeof M.Item>) => <M.Item className={cn(item, className)} {...props} />;

export function DropdownMenuRadioItem({ className, children, ...props }: ComponentProps<typeof M.RadioItem>) {
  return (
    <M.RadioItem className={cn(item, 'pl-7', className)} {...props}>
      <M.ItemIndicator className="absolute left-2 inline-flex size-3 items-center justify-center">
        <span className="size-1.5 rounded-full bg-current" />
      </M.ItemIndicator>
      {children}
    </M.RadioItem>
  );
}

export const DropdownMenuLabel = ({ className, ...props }: ComponentProps<typeof M.Label>) => (
  <M.Label className={cn('px-2 py-1.5 text-xs text-zinc-600 dark:text-zinc-400', className)} {...props} />
);
export const DropdownMenuSeparator = () => <M.Separator className="-mx-1 my-1 h-px bg-zinc-200 dark:bg-zinc-800" />;

import type { ComponentProps } from 'react';
import { cn } from './cn';

/**
 * An on/off switch: a button with role="switch", so Space and Enter toggle it and a `<label htmlFor>` names it.
 * `<Switch id="x" checked={on} onCheckedChange={setOn} />`
 */
export function Switch({ checked, onCheckedChange, className, ...props }: Omit<ComponentProps<'button'>, 'onChange'> & { checked: boolean; onCheckedChange(checked: boolean): void }) {
  return (
    <button
      type="button"
      role="switch"
      aria-checked={checked}
      onClick={() => onCheckedChange(!checked)}
      className={cn(
        'relative inline-flex h-6 w-11 shrink-0 items-center rounded-full transition-colors focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600 disabled:opacity-60',
        checked ? 'bg-indigo-600 dark:bg-indigo-500' : 'bg-zinc-300 dark:bg-zinc-700',
        className,
      )}
      {...props}
    >
      <span aria-hidden className={cn('inline-block size-5 rounded-full bg-white shadow transition-transform', checked ? 'translate-x-5.5' : 'translate-x-0.5')} />
    </button>
  );
}

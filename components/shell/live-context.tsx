'use client';

import { createContext, useContext, useEffect, useState, type ReactNode } from 'react';
import { cn } from '@/components/ui/cn';

export interface MaintenanceBanner {
  enabled: boolean;
  message: string;
}

/** A change someone made to what pages show (a `setting.changed` / `flag.changed` event's data). */
export interface LiveChange {
  type: 'setting.changed' | 'flag.changed';
  key: string;
  scopeId: string;
  version: number;
  at: string;
  /** The display name of whoever made it (absent when the server does not know). */
  by?: string;
  /** When this page heard of it (the browser's clock, not the server's). */
  seenAt: number;
}

/** How long a change counts as "just now": its row stays highlighted and names who made it. */
export const RECENT_MS = 10_000;

export interface LiveState {
  maintenance: MaintenanceBanner;
  /** This user works through maintenance (platform admins: `maintenance.bypass`). */
  bypass: boolean;
  connected: boolean;
  /** The stream has been open at least once on this page (before that, changes reach it only by reload). */
  opened: boolean;
  /** Others' changes of the last RECENT_MS, newest last. */
  recent: LiveChange[];
}

export const LiveContext = createContext<LiveState>({ maintenance: { enabled: false, message: '' }, bypass: true, connected: true, opened: false, recent: [] });

/**
 * Whether this user may change anything now: every form that writes consults this one hook, so maintenance
 * mode turns the whole app read-only (and back) the moment the stream says so, without a reload. The API
 * refuses the writes anyway (503 UNAVAILABLE); this only says so before anyone tries.
 */
export function useReadOnly(): { readOnly: boolean; reason: string | null } {
  const { maintenance, bypass } = useContext(LiveContext);
  const readOnly = maintenance.enabled && !bypass;
  return { readOnly, reason: readOnly ? `Maintenance mode: ${maintenance.message}` : null };
}

/**
 * The latest change someone else made to `key` at one of `scopeIds` (any scope when omitted) in the last
 * RECENT_MS, or undefined; re-renders when it stops being recent.
 */
export function useRecentChange(key: string, scopeIds?: readonly string[]): LiveChange | undefined {
  const { recent } = useContext(LiveContext);
  const change = recent.findLast((c) => c.key === key && (!scopeIds || scopeIds.includes(c.scopeId)));
  const [expired, setExpired] = useState<LiveChange>();
  useEffect(() => {
    if (!change) return;
    const timer = setTimeout(() => setExpired(change), Math.max(0, change.seenAt + RECENT_MS - Date.now()));
    return () => clearTimeout(timer);
  }, [change]);
  return change === expired ? undefined : change;
}

/** The subtle mark on a row someone else just changed (fades with the change). */
export const recentClass = (change: LiveChange | undefined) => cn('transition-colors duration-1000', change && 'bg-amber-50 dark:bg-amber-950/40');

/** "Changed by Ada just now" beside a row someone else just changed. */
export function ChangedBy({ change, note }: { change: LiveChange | undefined; note?: string }) {
  if (!change) return null;
  return (
    <span role="status" data-testid="changed-by" className="text-xs font-medium text-amber-800 dark:text-amber-300">
      Changed by {change.by ?? 'someone else'} just now{note && ` · ${note}`}
    </span>
  );
}

/**
 * Wraps a form's controls: while the app is read-only every control inside is disabled (a disabled
 * fieldset), with the reason as its tooltip; the banner says it too. `display: contents` keeps the layout.
 */
export function Writable({ children, className = 'contents' }: { children: ReactNode; className?: string }) {
  const { readOnly, reason } = useReadOnly();
  return (
    <fieldset disabled={readOnly} title={reason ?? undefined} data-read-only={readOnly || undefined} className={cn('min-w-0', className)}>
      {children}
    </fieldset>
  );
}

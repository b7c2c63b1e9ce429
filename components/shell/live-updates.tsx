'use client';

import { useQueryClient } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { useContext, useEffect, useRef, useState, type ReactNode } from 'react';
import { LiveContext, RECENT_MS, type LiveChange, type MaintenanceBanner } from './live-context';

export type { MaintenanceBanner } from './live-context';

/** Refreshes of the page's server data, at most this often, however many changes arrive. */
const REFRESH_MS = 300;

/**
 * The signed-in app's live connection: one EventSource on /api/v1/stream (the session cookie
 * authenticates it). It tells the pages (LiveContext) whether maintenance mode makes them read-only and
 * what others just changed, re-renders the page's server data when a setting or flag changes (in place,
 * no reload; forms keep their drafts), and says so in the header when the stream is down. `bypass`: a
 * platform admin, who keeps working through maintenance. `userName`: changes by this name are the
 * user's own, not highlighted.
 */
export function LiveProvider({ initial, bypass, userName, children }: { initial: MaintenanceBanner; bypass: boolean; userName: string; children: ReactNode }) {
  const router = useRouter();
  const queries = useQueryClient();
  const [maintenance, setMaintenance] = useState(initial);
  const [connected, setConnected] = useState(true);
  const [opened, setOpened] = useState(false);
  const [recent, setRecent] = useState<LiveChange[]>([]);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);

  useEffect(() => {
    let source: EventSource | null = null;
    const refresh = () => {
      if (timer.current) return;
      timer.current = setTimeout(() => {
        timer.current = null;
        // server components re-render in place; client views (the flag matrix…) refetch their queries
        router.refresh();
        void queries.invalidateQueries();
      }, REFRESH_MS);
    };
    const changed = (e: Event) => {
      const data = JSON.parse((e as MessageEvent<string>).data) as Omit<LiveChange, 'type' | 'seenAt'>;
      if (data.by !== userName) {
        const now = Date.now();
        const change: LiveChange = { type: e.type as LiveChange['type'], key: data.key, scopeId: data.scopeId, version: data.version, at: data.at, by: data.by, seenAt: now };
        setRecent((list) => [...list.filter((c) => c.seenAt + RECENT_MS > now), change]);
      }
      refresh();
    };
    const connect = () => {
      source?.close();
      // one stream per page: `maintenance` reaches every subscriber, the rest is what this user may read
      source = new EventSource('/api/v1/stream');
      source.onopen = () => {
        setConnected(true);
        setOpened(true);
      };
      // EventSource reconnects by itself (resuming with Last-Event-ID); CLOSED means it gave up (signed out)
      source.onerror = () => setConnected(false);
      source.addEventListener('setting.changed', changed);
      source.addEventListener('flag.changed', changed);
      source.addEventListener('maintenance', (e) => {
        const data = JSON.parse((e as MessageEvent<string>).data) as MaintenanceBanner;
        setMaintenance({ enabled: data.enabled, message: data.message });
        refresh();
      });
      // changes may have been missed: a fresh connection says whether maintenance is on, the page refetches
      source.addEventListener('reset', () => {
        setMaintenance((m) => ({ ...m, enabled: false }));
        connect();
        refresh();
      });
    };
    connect();
    return () => {
      source?.close();
      if (timer.current) clearTimeout(timer.current);
    };
  }, [router, queries, userName]);

  return <LiveContext.Provider value={{ maintenance, bypass, connected, opened, recent }}>{children}</LiveContext.Provider>;
}

/** Under the header: the maintenance banner (why the app is read-only) and the stream's state when it is down. */
export function LiveBanner() {
  const { maintenance, bypass, connected, opened } = useContext(LiveContext);
  return (
    <>
      {/* for scripts and tests: whether this page is following the stream yet */}
      <span hidden data-live={!opened ? 'connecting' : connected ? 'open' : 'down'} />
      {maintenance.enabled && (
        <div role="status" aria-live="polite" data-testid="maintenance-banner" className="border-b border-amber-300 bg-amber-50 px-4 py-2 text-sm text-amber-900 dark:border-amber-700 dark:bg-amber-950/60 dark:text-amber-100">
          <strong className="font-semibold">Maintenance mode.</strong> {maintenance.message}{' '}
          {bypass ? 'You are a platform admin: your changes still go through.' : 'The app is read-only until it ends.'}
        </div>
      )}
      {!connected && (
        <div role="status" data-testid="live-disconnected" className="border-b border-zinc-200 bg-zinc-50 px-4 py-1 text-xs text-zinc-600 dark:border-zinc-800 dark:bg-zinc-900 dark:text-zinc-400">
          Live updates are disconnected; reconnecting…
        </div>
      )}
    </>
  );
}

'use client';

import { useQueryClient } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { useEffect, useRef, useState } from 'react';

export interface MaintenanceBanner {
  enabled: boolean;
  message: string;
}

/** Refreshes of the page's server data, at most this often, however many changes arrive. */
const REFRESH_MS = 300;

/**
 * The signed-in app's live connection: one EventSource on /api/v1/stream (the session cookie
 * authenticates it). It shows the maintenance banner the moment maintenance mode is switched, re-renders
 * the page's server data when a setting or flag changes (in place, no reload), and says so in the header
 * when the stream is down. `bypass`: a platform admin, who keeps working through maintenance.
 */
export function LiveUpdates({ initial, bypass }: { initial: MaintenanceBanner; bypass: boolean }) {
  const router = useRouter();
  const queries = useQueryClient();
  const [maintenance, setMaintenance] = useState(initial);
  const [connected, setConnected] = useState(true);
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
    const connect = () => {
      source?.close();
      // one stream per page: `maintenance` reaches every subscriber, the rest is what this user may read
      source = new EventSource('/api/v1/stream');
      source.onopen = () => setConnected(true);
      // EventSource reconnects by itself (resuming with Last-Event-ID); CLOSED means it gave up (signed out)
      source.onerror = () => setConnected(false);
      source.addEventListener('setting.changed', refresh);
      source.addEventListener('flag.changed', refresh);
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
  }, [router, queries]);

  return (
    <>
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

'use client';

import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { api } from '@/lib/client/api';
import type { FormDefinition } from '@/lib/client/setting-form';
import type { TAuditEntry, THistoryPage } from '@/lib/schemas/api';
import { Alert } from '@/components/ui/alert';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { DateTime } from '@/components/ui/date-time';
import { Dialog, DialogContent, DialogTrigger } from '@/components/ui/dialog';
import { EmptyState } from '@/components/ui/empty-state';
import { Skeleton } from '@/components/ui/skeleton';
import { formatValue } from './format';

const LIMIT = 50;
export const historyQueryKey = (key: string) => ['setting-history', key];

const ACTIONS: Record<string, string> = {
  'setting.reveal': 'Secret revealed',
  'definition.create': 'Added to the registry',
  'definition.update': 'Definition changed',
  'definition.delete': 'Removed from the registry',
};

/** What happened, in words: "5 → 3", "3 → inherited", "Secret revealed". */
function change(def: FormDefinition, e: TAuditEntry) {
  const value = (v: unknown) => <code className="rounded bg-zinc-100 px-1 py-0.5 font-mono text-xs break-all dark:bg-zinc-800">{formatValue(def, v)}</code>;
  if (e.action === 'setting.set')
    return (
      <>
        {e.oldValue === null ? <span className="text-zinc-600 dark:text-zinc-400">not set</span> : value(e.oldValue)} → {value(e.newValue)}
      </>
    );
  if (e.action === 'setting.revert')
    return (
      <>
        {value(e.oldValue)} → <span className="text-zinc-600 dark:text-zinc-400">inherited</span>
      </>
    );
  return <span>{ACTIONS[e.action] ?? e.action}</span>;
}

/** The audit entries of one key (seed 002 §5.3): who, when, old → new, reason, source, at which scope. */
export function HistoryDialog({ settingKey, label, def }: { settingKey: string; label: string; def: FormDefinition }) {
  const [open, setOpen] = useState(false);
  const { data, error, isPending } = useQuery({
    queryKey: historyQueryKey(settingKey),
    queryFn: () => api.get<THistoryPage>(`/settings/${encodeURIComponent(settingKey)}/history`, { params: { limit: LIMIT } }),
    enabled: open,
  });
  return (
    <Dialog open={open} onOpenChange={setOpen}>
      <DialogTrigger asChild>
        <Button size="sm" variant="ghost">
          History
        </Button>
      </DialogTrigger>
      <DialogContent title={`History of ${label}`} description={<code className="font-mono text-xs">{settingKey}</code>} className="max-w-2xl">
        {error ? (
          <Alert tone="danger">{error.message}</Alert>
        ) : isPending ? (
          <div aria-busy="true" className="space-y-3">
            <span className="sr-only">Loading history…</span>
            <Skeleton className="h-14" />
            <Skeleton className="h-14" />
          </div>
        ) : data.history.length === 0 ? (
          <EmptyState title="No changes yet" description="Every change to this setting, at any scope you can see, will be listed here." />
        ) : (
          <>
            <ol aria-label="Changes, newest first" className="divide-y divide-zinc-100 dark:divide-zinc-800">
              {data.history.map((e) => (
                <li key={e.id} className="space-y-1 py-3 text-sm first:pt-0">
                  <div className="flex flex-wrap items-center gap-x-2 gap-y-1">
                    <span className="font-medium">{e.actorName ?? 'system'}</span>
                    <span className="text-zinc-600 dark:text-zinc-400">
                      {e.scopeId && `at ${e.scopeId} · `}
                      <DateTime value={e.at} />
                    </span>
                    <Badge className="ml-auto">{e.source}</Badge>
                  </div>
                  <p>{change(def, e)}</p>
                  {e.reason && <p className="text-zinc-600 dark:text-zinc-400">Reason: {e.reason}</p>}
                </li>
              ))}
            </ol>
            {data.total > data.history.length && (
              <p className="mt-3 text-xs text-zinc-600 dark:text-zinc-400">
                The latest {data.history.length} of {data.total} entries; the audit log has them all.
              </p>
            )}
          </>
        )}
      </DialogContent>
    </Dialog>
  );
}

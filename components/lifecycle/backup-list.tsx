'use client';

import { useMutation } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { useState, type ReactNode } from 'react';
import { toast } from 'sonner';
import { api, ApiError } from '@/lib/client/api';
import type { TBackup, TRestoreApplied } from '@/lib/schemas/backups';
import type { TPreview } from '@/lib/schemas/export-import';
import { Alert } from '@/components/ui/alert';
import { Badge, type BadgeTone } from '@/components/ui/badge';
import { Button, buttonClass } from '@/components/ui/button';
import { Card } from '@/components/ui/card';
import { DateTime } from '@/components/ui/date-time';
import { Dialog, DialogContent, DialogFooter } from '@/components/ui/dialog';
import { EmptyState } from '@/components/ui/empty-state';
import { DiffReview } from './diff-review';
import { Writable } from '@/components/shell/live-context';

const ORIGIN_TONE: Record<TBackup['origin'], BadgeTone> = { manual: 'info', scheduled: 'neutral', 'pre-restore': 'warning', upload: 'success' };

type RestorePreview = TPreview & { models?: { configurations: number; templates: number; access: number } };

export function bytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 / 1024).toFixed(1)} MiB`;
}

/**
 * Backups newest first in a card (`header` and `footer` around the list), each with download, restore and
 * delete; a restore's preview (then its confirmation with a reason) opens below the card, as wide as it.
 */
export function BackupList({ backups, header, footer }: { backups: TBackup[]; header: ReactNode; footer: ReactNode }) {
  const router = useRouter();
  const [restoring, setRestoring] = useState<TBackup | null>(null);
  const [deleting, setDeleting] = useState<TBackup | null>(null);
  const preview = useMutation({ mutationFn: (b: TBackup) => api.post<RestorePreview>('/restore', { backupId: b.id, preview: true }) });
  const startRestore = (b: TBackup) => {
    setRestoring(b);
    preview.mutate(b);
  };
  return (
    <div className="min-w-0">
      <Card className="min-w-0" aria-labelledby="backups-title">
      {header}
      {backups.length === 0 && <EmptyState title="No backups yet" description="Take one here; the scheduler also takes one daily (backup.schedule)." />}
      <ul aria-label="Backups" className="divide-y divide-zinc-100 dark:divide-zinc-800">
        {backups.map((b) => (
          // on a phone the buttons go below the description; from sm up they sit beside it
          <li key={b.id} aria-label={`Backup ${b.id}`} className="flex flex-wrap items-start justify-between gap-3 px-4 py-3 sm:flex-nowrap">
            <div className="w-full min-w-0 grow text-sm sm:w-auto">
              <p className="flex flex-wrap items-center gap-2">
                <Badge tone="info">{b.type}</Badge>
                <Badge tone={ORIGIN_TONE[b.origin]}>{b.origin}</Badge>
                <span className="font-mono text-xs">{b.id}</span>
              </p>
              {b.note && <p className="mt-1 break-words">{b.note}</p>}
              <p className="mt-1 text-xs text-zinc-600 dark:text-zinc-400">
                <DateTime value={b.createdAt} /> · {b.createdBy ?? 'system'} · {b.items.toLocaleString('en')} items · {bytes(b.size)} ({bytes(b.compressedSize)} stored) ·{' '}
                <span className="font-mono" title={`SHA-256 ${b.checksum}`}>
                  sha256 {b.checksum.slice(0, 12)}…
                </span>
              </p>
            </div>
            <div className="flex shrink-0 flex-wrap gap-2">
              <a href={`/api/v1/backups/${encodeURIComponent(b.id)}`} download className={buttonClass({ size: 'sm' })}>
                Download
              </a>
              <Writable>
                <Button size="sm" pending={preview.isPending && restoring?.id === b.id} onClick={() => startRestore(b)}>
                  Restore…
                </Button>
                <Button size="sm" variant="ghost" onClick={() => setDeleting(b)}>
                  Delete…
                </Button>
              </Writable>
            </div>
          </li>
        ))}
      </ul>
      {footer}
      </Card>
      {restoring && preview.error && <RestoreError error={preview.error} backup={restoring} />}
      {restoring && preview.data && (
        <DiffReview
          key={preview.data.etag}
          preview={preview.data}
          title={`Restoring backup ${restoring.id} (${restoring.type})`}
          verb="Restore"
          notice={
            preview.data.models && (
              <Alert tone="info" className="mx-4 mt-3">
                The AI model configuration is replaced too: {preview.data.models.configurations} configurations, {preview.data.models.templates} presets, {preview.data.models.access} provider restrictions.
              </Alert>
            )
          }
          confirm={(reason, etag) => api.post<TRestoreApplied>('/restore', { backupId: restoring.id, reason }, { headers: { 'if-match': etag } })}
          previewAgain={() => preview.mutate(restoring)}
          onApplied={(a) => {
            const pre = (a as TRestoreApplied).preRestoreBackup;
            toast.success(`Restored ${a.imported} change${a.imported === 1 ? '' : 's'}; the state before is in backup ${pre.id}`);
            setRestoring(null);
            preview.reset();
            router.refresh();
          }}
        />
      )}
      <Dialog open={deleting !== null} onOpenChange={(o) => !o && setDeleting(null)}>
        {deleting && (
          <DeleteDialog
            backup={deleting}
            onDeleted={() => {
              setDeleting(null);
              router.refresh();
            }}
          />
        )}
      </Dialog>
    </div>
  );
}

/** A damaged backup (409 BACKUP_CORRUPT) says so plainly: it cannot be restored, pick another. */
function RestoreError({ error, backup }: { error: Error; backup: TBackup }) {
  const corrupt = error instanceof ApiError && error.code === 'BACKUP_CORRUPT';
  return (
    <Alert tone="danger" className="mt-4" title={corrupt ? `Backup ${backup.id} is damaged and cannot be restored` : `Backup ${backup.id} cannot be restored`}>
      {error.message}
    </Alert>
  );
}

function DeleteDialog({ backup, onDeleted }: { backup: TBackup; onDeleted: () => void }) {
  const run = useMutation({
    mutationFn: () => api.delete(`/backups/${encodeURIComponent(backup.id)}`),
    onSuccess: () => {
      toast.success(`Backup ${backup.id} deleted`);
      onDeleted();
    },
  });
  return (
    <DialogContent title={`Delete backup ${backup.id}?`} description="It is removed from the database for good; a downloaded copy can still be uploaded and restored.">
      {run.error && (
        <Alert tone="danger" className="mt-3">
          {run.error.message}
        </Alert>
      )}
      <DialogFooter>
        <Button variant="danger" pending={run.isPending} onClick={() => run.mutate()}>
          Delete backup
        </Button>
      </DialogFooter>
    </DialogContent>
  );
}

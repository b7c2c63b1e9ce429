'use client';

import { useMutation } from '@tanstack/react-query';
import { useState, type ReactNode } from 'react';
import { ApiError } from '@/lib/client/api';
import type { TApplied, TPreview } from '@/lib/schemas/export-import';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Card, CardHeader } from '@/components/ui/card';
import { cn } from '@/components/ui/cn';
import { Dialog, DialogContent, DialogFooter } from '@/components/ui/dialog';
import { Field } from '@/components/ui/field';
import { Textarea } from '@/components/ui/input';
import { DiffTable } from './diff-table';
import { Writable } from '@/components/shell/live-context';

interface Props {
  preview: TPreview;
  title: string;
  /** What the confirm button does, e.g. "Import" or "Promote". */
  verb: string;
  /** Applies exactly this preview: `etag` goes back as If-Match. */
  confirm: (reason: string, etag: string) => Promise<TApplied>;
  /** Computes the diff again (after a VERSION_CONFLICT). */
  previewAgain: () => void;
  onApplied: (applied: TApplied) => void;
  /** Above the table: e.g. the revert page's "force" choice. */
  notice?: ReactNode;
  className?: string;
}

/** The diff of a preview, and its confirmation with a reason; only what was previewed is applied. */
export function DiffReview({ preview, title, verb, confirm, previewAgain, onApplied, notice, className }: Props) {
  const [open, setOpen] = useState(false);
  const { summary } = preview;
  const changing = summary.toCreate + summary.toUpdate + summary.toDelete;
  const blocked = summary.invalid > 0;
  return (
    <Card className={cn('min-w-0', className ?? 'mt-4')} aria-labelledby="diff-title">
      <CardHeader
        id="diff-title"
        title={title}
        description={`${summary.toCreate} to create, ${summary.toUpdate} to update, ${summary.toDelete} to remove, ${summary.unchanged} unchanged, ${summary.invalid} invalid`}
        actions={
          <Button variant="primary" size="sm" disabled={blocked || changing === 0} onClick={() => setOpen(true)}>
            {verb} {changing} change{changing === 1 ? '' : 's'}…
          </Button>
        }
      />
      {blocked && (
        <Alert tone="danger" className="mx-4 mt-3">
          {summary.invalid} item{summary.invalid === 1 ? ' is' : 's are'} invalid: nothing can be applied until each is fixed or left out. Each says why below.
        </Alert>
      )}
      {!blocked && changing === 0 && (
        <Alert tone="info" className="mx-4 mt-3">
          Nothing would change: everything is already as asked.
        </Alert>
      )}
      {notice}
      <DiffTable changes={preview.changes} summary={summary} label={title} />
      <Dialog open={open} onOpenChange={setOpen}>
        {open && (
          <ConfirmDialog
            verb={verb}
            changing={changing}
            confirm={(reason) => confirm(reason, preview.etag)}
            previewAgain={() => {
              setOpen(false);
              previewAgain();
            }}
            onApplied={(a) => {
              setOpen(false);
              onApplied(a);
            }}
          />
        )}
      </Dialog>
    </Card>
  );
}

function ConfirmDialog({ verb, changing, confirm, previewAgain, onApplied }: { verb: string; changing: number; confirm: (reason: string) => Promise<TApplied>; previewAgain: () => void; onApplied: (a: TApplied) => void }) {
  const [reason, setReason] = useState('');
  const [reasonError, setReasonError] = useState<string>();
  const run = useMutation({ mutationFn: confirm, onSuccess: onApplied });
  const err = run.error instanceof ApiError ? run.error : run.error ? new ApiError(0, 'INTERNAL', run.error.message) : null;
  const conflict = err?.code === 'VERSION_CONFLICT';
  const submit = (e: React.FormEvent) => {
    e.preventDefault();
    if (!reason.trim()) return setReasonError('Say why: the reason is recorded with every change.');
    setReasonError(undefined);
    run.mutate(reason.trim());
  };
  return (
    <DialogContent title={`${verb} ${changing} change${changing === 1 ? '' : 's'}?`} description="They are applied together, as one change set you can revert on the Versions page.">
      <form onSubmit={submit} noValidate>
<Writable className="contents">
        <Field id="diff-reason" label="Reason" error={reasonError ?? (err?.code === 'REASON_REQUIRED' ? err.message : undefined)}>
          {(p) => <Textarea {...p} rows={3} value={reason} onChange={(e) => setReason(e.target.value)} maxLength={1000} placeholder="e.g. copy the Kenya setup to the new tenant" />}
        </Field>
        {conflict && (
          <Alert tone="warning" className="mt-3" title="The configuration changed since the preview">
            Preview again to see what would change now, then confirm that.
            <div className="mt-2">
              <Button size="sm" onClick={previewAgain}>
                Preview again
              </Button>
            </div>
          </Alert>
        )}
        {err && !conflict && err.code !== 'REASON_REQUIRED' && (
          <Alert tone="danger" className="mt-3">
            {err.message}
          </Alert>
        )}
        <DialogFooter>
          <Button type="submit" variant="primary" pending={run.isPending} disabled={conflict}>
            {run.isPending ? 'Applying…' : `Confirm ${verb.toLowerCase()}`}
          </Button>
        </DialogFooter>
      </Writable>
</form>
    </DialogContent>
  );
}

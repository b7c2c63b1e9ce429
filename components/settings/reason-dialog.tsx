'use client';

import { useState, type FormEvent } from 'react';
import { Button } from '@/components/ui/button';
import { Dialog, DialogClose, DialogContent, DialogFooter } from '@/components/ui/dialog';
import { Field } from '@/components/ui/field';
import { Textarea } from '@/components/ui/input';

/**
 * Asks why before a change at the global scope (the API refuses one without a reason). `onConfirm` runs the
 * change; the dialog closes once it has run, whatever came of it: errors are shown beside the setting.
 */
export function ReasonDialog({ action, onClose }: { action: { title: string; run(reason: string): Promise<void> } | null; onClose(): void }) {
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string>();
  const [pending, setPending] = useState(false);

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!action) return;
    if (!reason.trim()) return setError('Say why: the reason is kept in the audit log.');
    setPending(true);
    try {
      await action.run(reason.trim());
    } finally {
      setPending(false);
      setReason('');
      setError(undefined);
      onClose();
    }
  }

  return (
    <Dialog open={action !== null} onOpenChange={(open) => !open && onClose()}>
      {action && (
        <DialogContent title={action.title} description="Global values apply to every tenant and event that does not override them.">
          <form onSubmit={submit} noValidate>
            <Field id="change-reason" label="Reason" hint="Kept in the audit log with the change." error={error}>
              {(p) => <Textarea {...p} value={reason} onChange={(e) => setReason(e.target.value)} rows={3} maxLength={1000} />}
            </Field>
            <DialogFooter>
              <DialogClose asChild>
                <Button>Cancel</Button>
              </DialogClose>
              <Button type="submit" variant="primary" pending={pending}>
                Confirm change
              </Button>
            </DialogFooter>
          </form>
        </DialogContent>
      )}
    </Dialog>
  );
}

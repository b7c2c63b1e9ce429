'use client';

import { useState, type FormEvent } from 'react';
import type { TRevealAnswer } from '@/lib/schemas/api';
import { api, ApiError } from '@/lib/client/api';
import { Button } from '@/components/ui/button';
import { Dialog, DialogClose, DialogContent, DialogFooter, DialogTrigger } from '@/components/ui/dialog';
import { Field } from '@/components/ui/field';
import { Input } from '@/components/ui/input';

/** "Reveal" for a secret: the admin types their password again; the plain value is shown once and the reveal is audited. */
export function RevealDialog({ settingKey, label, scope }: { settingKey: string; label: string; scope: string }) {
  const [open, setOpen] = useState(false);
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string>();
  const [pending, setPending] = useState(false);
  const [value, setValue] = useState<unknown>();

  function onOpenChange(next: boolean) {
    setOpen(next);
    // nothing of the secret or the password outlives the dialog
    setPassword('');
    setValue(undefined);
    setError(undefined);
  }

  async function submit(e: FormEvent) {
    e.preventDefault();
    setPending(true);
    try {
      const res = await api.post<TRevealAnswer>(`/settings/${encodeURIComponent(settingKey)}/reveal`, { scope, password });
      setValue(res.value);
      setPassword('');
      setError(undefined);
    } catch (err) {
      setError(err instanceof ApiError && err.field === 'password' ? 'That is not your password.' : (err as Error).message);
    } finally {
      setPending(false);
    }
  }

  return (
    <Dialog open={open} onOpenChange={onOpenChange}>
      <DialogTrigger asChild>
        <Button size="sm" variant="ghost">
          Reveal
        </Button>
      </DialogTrigger>
      <DialogContent title={`Reveal ${label}`} description="Enter your password again to see this secret. Revealing it is recorded in the audit log.">
        {value === undefined ? (
          <form onSubmit={submit} noValidate>
            <Field id="reveal-password" label="Your password" error={error}>
              {(p) => <Input {...p} type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} />}
            </Field>
            <DialogFooter>
              <DialogClose asChild>
                <Button>Cancel</Button>
              </DialogClose>
              <Button type="submit" variant="primary" pending={pending} disabled={!password}>
                Reveal
              </Button>
            </DialogFooter>
          </form>
        ) : (
          <>
            <p className="text-sm font-medium">Value</p>
            <pre aria-label={`${label} value`} className="mt-1 overflow-x-auto rounded-md bg-zinc-100 p-3 font-mono text-sm break-all whitespace-pre-wrap dark:bg-zinc-800">
              {typeof value === 'string' ? value : JSON.stringify(value)}
            </pre>
            <DialogFooter>
              <DialogClose asChild>
                <Button variant="primary">Done</Button>
              </DialogClose>
            </DialogFooter>
          </>
        )}
      </DialogContent>
    </Dialog>
  );
}

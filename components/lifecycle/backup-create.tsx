'use client';

import { useMutation } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { toast } from 'sonner';
import { api, ApiError } from '@/lib/client/api';
import { BACKUP_TYPES, type TBackup, type TBackupType } from '@/lib/schemas/backups';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Card, CardBody, CardHeader } from '@/components/ui/card';
import { Field } from '@/components/ui/field';
import { Input, Select } from '@/components/ui/input';
import { Writable } from '@/components/shell/live-context';

const WHAT: Record<TBackupType, string> = {
  full: 'everything: values at every scope, users’ own values, flags, definitions, scopes and the AI model configuration',
  system: 'values at global, tenant and event scopes, flag rows, custom definitions and the scope tree',
  user: 'users’ own values (their preferences)',
  model: 'the AI model configuration',
};

/** Take a backup now: a type and an optional note. */
export function BackupCreate() {
  const router = useRouter();
  const [type, setType] = useState<TBackupType>('full');
  const [note, setNote] = useState('');
  const run = useMutation({
    mutationFn: () => api.post<TBackup>('/backups', { type, note: note.trim() || undefined }),
    onSuccess: (b) => {
      toast.success(`Backup ${b.id} taken (${b.items} items)`);
      setNote('');
      router.refresh();
    },
  });
  const err = run.error instanceof ApiError ? run.error : null;
  return (
    <Card aria-labelledby="backup-create-title">
      <CardHeader id="backup-create-title" title="Take a backup" description="Stored in the database itself; download it to keep a copy elsewhere." />
      <CardBody>
        <form
          className="space-y-4"
          onSubmit={(e) => {
            e.preventDefault();
            run.mutate();
          }}
        >
<Writable className="space-y-4">
          <Field id="backup-type" label="Type" hint={`Holds ${WHAT[type]}.`}>
            {(p) => (
              <Select {...p} value={type} onChange={(e) => setType(e.target.value as TBackupType)}>
                {BACKUP_TYPES.map((t) => (
                  <option key={t} value={t}>
                    {t}
                  </option>
                ))}
              </Select>
            )}
          </Field>
          <Field id="backup-note" label="Note (optional)" error={err?.field === 'note' ? err.message : undefined}>
            {(p) => <Input {...p} value={note} maxLength={500} onChange={(e) => setNote(e.target.value)} placeholder="e.g. before the March catalog update" />}
          </Field>
          {run.error && err?.field !== 'note' && <Alert tone="danger">{run.error.message}</Alert>}
          <Button type="submit" variant="primary" pending={run.isPending}>
            {run.isPending ? 'Taking the backup…' : 'Take backup'}
          </Button>
        </Writable>
</form>
      </CardBody>
    </Card>
  );
}

'use client';

import { zodResolver } from '@hookform/resolvers/zod';
import { useRouter } from 'next/navigation';
import { useState, type ReactNode } from 'react';
import { useForm } from 'react-hook-form';
import { toast } from 'sonner';
import { z } from 'zod';
import { api, ApiError } from '@/lib/client/api';
import { queryString } from '@/lib/query-string';
import { ZIssueTokenBody, type TIssuedToken, type TTokenInfo } from '@/lib/schemas/identity';
import { Alert } from '@/components/ui/alert';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { Card } from '@/components/ui/card';
import { CopyField } from '@/components/ui/copy-field';
import { DateTime } from '@/components/ui/date-time';
import { Dialog, DialogClose, DialogContent, DialogFooter, DialogTrigger } from '@/components/ui/dialog';
import { EmptyState } from '@/components/ui/empty-state';
import { Field } from '@/components/ui/field';
import { Input, Select } from '@/components/ui/input';
import { PageHeader } from '@/components/ui/page-header';
import { Table, TBody, Td, Th, THead, Tr } from '@/components/ui/table';
import { Writable } from '@/components/shell/live-context';

interface Props {
  tokens: TTokenInfo[];
  /** Whose tokens these are. */
  owner: string;
  meId: string;
  /** Platform admins: the people they may issue tokens for; null for everyone else. */
  users: { id: string; label: string }[] | null;
  origin: string;
  pager: ReactNode;
}

/** API tokens: the list with status and last use, issuing one (shown once) and revoking. */
export function TokenManager({ tokens, owner, meId, users, origin, pager }: Props) {
  const router = useRouter();
  const [creating, setCreating] = useState(false);
  const [now] = useState(Date.now);
  const ownerLabel = owner === meId ? 'you' : (users?.find((u) => u.id === owner)?.label ?? owner);

  return (
    <>
      <PageHeader
        title="API tokens"
        description={`Tokens let services and scripts call the API as ${owner === meId ? 'you' : ownerLabel}. Keep them secret; revoke one the moment it may have leaked.`}
        actions={
          <Button variant="primary" onClick={() => setCreating(true)}>
            New token
          </Button>
        }
      />
      {users && (
        <div className="mb-4 max-w-md">
          <Field id="token-owner" label="Tokens of" hint="Platform admins may issue service tokens that act as another user.">
            {(p) => (
              <Select {...p} value={owner} onChange={(e) => router.push(`/tokens${queryString({ userId: e.target.value === meId ? undefined : e.target.value })}`)}>
                {users.map((u) => (
                  <option key={u.id} value={u.id}>
                    {u.id === meId ? `${u.label} (you)` : u.label}
                  </option>
                ))}
              </Select>
            )}
          </Field>
        </div>
      )}

      <Card>
        {tokens.length === 0 ? (
          <EmptyState title="No tokens yet" description="Create one for each service or script, so you can revoke them one by one." />
        ) : (
          <>
            <div className="hidden md:block">
              <Table caption="API tokens, newest first">
                <THead>
                  <Tr>
                    <Th>Name</Th>
                    <Th>Token</Th>
                    <Th>Created</Th>
                    <Th>Last used</Th>
                    <Th>Expires</Th>
                    <Th>Status</Th>
                    <Th>
                      <span className="sr-only">Actions</span>
                    </Th>
                  </Tr>
                </THead>
                <TBody>
                  {tokens.map((t) => (
                    <Tr key={t.id}>
                      <Td className="font-medium">{t.name}</Td>
                      <Td className="font-mono text-xs">{t.prefix}…</Td>
                      <Td className="whitespace-nowrap">
                        <DateTime value={t.createdAt} />
                      </Td>
                      <Td className="whitespace-nowrap">{t.lastUsedAt ? <DateTime value={t.lastUsedAt} /> : 'Never'}</Td>
                      <Td className="whitespace-nowrap">{t.expiresAt ? <DateTime value={t.expiresAt} /> : 'Never'}</Td>
                      <Td>
                        <Status token={t} now={now} />
                      </Td>
                      <Td className="text-right">{!t.revokedAt && <Revoke token={t} />}</Td>
                    </Tr>
                  ))}
                </TBody>
              </Table>
            </div>
            <ul aria-label="API tokens, newest first" className="divide-y divide-zinc-100 md:hidden dark:divide-zinc-800">
              {tokens.map((t) => (
                <li key={t.id} className="flex items-start gap-3 px-4 py-3 text-sm">
                  <div className="min-w-0 flex-1 space-y-1">
                    <p className="flex flex-wrap items-center gap-2">
                      <span className="font-medium">{t.name}</span>
                      <Status token={t} now={now} />
                    </p>
                    <p className="font-mono text-xs">{t.prefix}…</p>
                    <p className="text-xs text-zinc-600 dark:text-zinc-400">
                      Created <DateTime value={t.createdAt} /> · last used {t.lastUsedAt ? <DateTime value={t.lastUsedAt} /> : 'never'} · expires{' '}
                      {t.expiresAt ? <DateTime value={t.expiresAt} /> : 'never'}
                    </p>
                  </div>
                  {!t.revokedAt && <Revoke token={t} />}
                </li>
              ))}
            </ul>
          </>
        )}
        {pager}
      </Card>

      <Dialog open={creating} onOpenChange={setCreating}>
        {creating && <NewToken owner={owner} ownerLabel={ownerLabel} forSelf={owner === meId} origin={origin} />}
      </Dialog>
    </>
  );
}

function Status({ token, now }: { token: TTokenInfo; now: number }) {
  if (token.revokedAt) return <Badge tone="danger">Revoked</Badge>;
  if (token.expiresAt && Date.parse(token.expiresAt) <= now) return <Badge tone="warning">Expired</Badge>;
  return <Badge tone="success">Active</Badge>;
}

function Revoke({ token }: { token: TTokenInfo }) {
  const router = useRouter();
  const [open, setOpen] = useState(false);
  const [pending, setPending] = useState(false);

  async function revoke() {
    setPending(true);
    try {
      await api.delete(`/tokens/${token.id}`);
      toast.success(`Token “${token.name}” revoked`);
      setOpen(false);
      router.refresh();
    } catch (err) {
      toast.error(`Could not revoke the token: ${(err as Error).message}`);
    } finally {
      setPending(false);
    }
  }

  return (
    <Dialog open={open} onOpenChange={setOpen}>
      <Writable>
        <DialogTrigger asChild>
          <Button size="sm">
            Revoke<span className="sr-only"> {token.name}</span>
          </Button>
        </DialogTrigger>
      </Writable>
      <DialogContent title={`Revoke “${token.name}”?`} description="Anything using this token is refused from now on. This cannot be undone.">
        <DialogFooter>
          <DialogClose asChild>
            <Button>Cancel</Button>
          </DialogClose>
          <Button variant="danger" pending={pending} onClick={revoke}>
            Revoke token
          </Button>
        </DialogFooter>
      </DialogContent>
    </Dialog>
  );
}

// the form's date (YYYY-MM-DD) means "until the end of that day", in UTC like every time shown here
const ZNewToken = z.object({ name: ZIssueTokenBody.shape.name, expiresOn: z.union([z.literal(''), z.iso.date('pick a date')]) });
type NewTokenValues = z.infer<typeof ZNewToken>;

function NewToken({ owner, ownerLabel, forSelf, origin }: { owner: string; ownerLabel: string; forSelf: boolean; origin: string }) {
  const router = useRouter();
  const [issued, setIssued] = useState<TIssuedToken | null>(null);
  const { register, handleSubmit, setError, formState } = useForm<NewTokenValues>({ resolver: zodResolver(ZNewToken), defaultValues: { name: '', expiresOn: '' } });
  const { errors, isSubmitting } = formState;
  const today = new Date().toISOString().slice(0, 10);

  async function submit(v: NewTokenValues) {
    try {
      const body = { name: v.name, ...(v.expiresOn && { expiresAt: `${v.expiresOn}T23:59:59.999Z` }), ...(!forSelf && { userId: owner }) };
      setIssued(await api.post<TIssuedToken>('/tokens', body));
      toast.success(`Token “${v.name}” created`);
      router.refresh();
    } catch (err) {
      const field = err instanceof ApiError ? ({ name: 'name', expiresAt: 'expiresOn' } as const)[err.field ?? ''] : undefined;
      setError(field ?? 'root', { message: (err as Error).message });
    }
  }

  if (issued)
    return (
      <DialogContent title={`Token “${issued.name}” created`} description={forSelf ? 'It acts as you.' : `It acts as ${ownerLabel}.`}>
        <div className="space-y-4">
          <Alert tone="warning">
            <strong>Copy the token now.</strong> It is shown only once and cannot be recovered; Switchboard stores only its hash.
          </Alert>
          <CopyField id="new-token" label="API token" value={issued.token} />
          <pre className="overflow-x-auto rounded-md bg-zinc-900 p-3 text-xs leading-relaxed text-zinc-100 dark:bg-zinc-950 dark:ring-1 dark:ring-zinc-800">
            {`curl -H "Authorization: Bearer ${issued.token}" ${origin}/api/v1/me`}
          </pre>
        </div>
        <DialogFooter>
          <DialogClose asChild>
            <Button variant="primary">I have copied the token</Button>
          </DialogClose>
        </DialogFooter>
      </DialogContent>
    );

  return (
    <DialogContent title="New API token" description={forSelf ? 'The token acts as you, with your roles.' : `A service token acting as ${ownerLabel}, with their roles.`}>
      <form onSubmit={handleSubmit(submit)} noValidate className="space-y-4">
<Writable className="space-y-4">
        <Field id="token-name" label="Name" hint="What uses it, e.g. “catering service (production)”." error={errors.name?.message}>
          {(p) => <Input {...p} {...register('name')} autoComplete="off" />}
        </Field>
        <Field id="token-expires" label="Expires on (optional)" hint="It stops working at the end of that day (UTC). Leave empty for no expiry." error={errors.expiresOn?.message}>
          {(p) => <Input {...p} {...register('expiresOn')} type="date" min={today} />}
        </Field>
        {errors.root && <Alert tone="danger">{errors.root.message}</Alert>}
        <DialogFooter>
          <DialogClose asChild>
            <Button>Cancel</Button>
          </DialogClose>
          <Button type="submit" variant="primary" pending={isSubmitting}>
            Create token
          </Button>
        </DialogFooter>
      </Writable>
</form>
    </DialogContent>
  );
}

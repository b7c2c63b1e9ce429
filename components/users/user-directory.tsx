'use client';

import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useState, useTransition, type ReactNode } from 'react';
import { queryString } from '@/lib/query-string';
import type { TUser } from '@/lib/schemas/identity';
import { roleLabel } from '@/components/audit/format';
import { Badge } from '@/components/ui/badge';
import { Button, buttonClass } from '@/components/ui/button';
import { Card } from '@/components/ui/card';
import { DateTime } from '@/components/ui/date-time';
import { Dialog, DialogContent } from '@/components/ui/dialog';
import { EmptyState } from '@/components/ui/empty-state';
import { Input } from '@/components/ui/input';
import { PageHeader } from '@/components/ui/page-header';
import { Table, TBody, Td, Th, THead, Tr } from '@/components/ui/table';
import { UserForm, type GrantableScope } from './user-form';

interface Props {
  users: TUser[];
  total: number;
  query?: string;
  /** Scopes where the caller may grant roles; empty when they may only look. */
  scopes: GrantableScope[];
  meId: string;
  pager: ReactNode;
}

/** The users page: search, the list (a table from md up), and one dialog to create or edit a user. */
export function UserDirectory({ users, total, query, scopes, meId, pager }: Props) {
  const router = useRouter();
  const [editing, setEditing] = useState<TUser | 'new' | null>(null);
  const [searching, startTransition] = useTransition();
  const mayManage = scopes.length > 0;

  const edit = (u: TUser) =>
    mayManage && (
      <Button size="sm" onClick={() => setEditing(u)}>
        Edit<span className="sr-only"> {u.name}</span>
      </Button>
    );

  return (
    <>
      <PageHeader
        title="Users"
        description="People who sign in to Switchboard and the roles they hold. You see and manage those within your reach."
        actions={
          mayManage && (
            <Button variant="primary" onClick={() => setEditing('new')}>
              New user
            </Button>
          )
        }
      />
      <form
        role="search"
        action="/users"
        onSubmit={(e) => {
          e.preventDefault();
          const q = String(new FormData(e.currentTarget).get('q') ?? '').trim();
          startTransition(() => router.push(`/users${queryString({ q })}`));
        }}
        className="mb-4 flex gap-2"
      >
        <label htmlFor="user-search" className="sr-only">
          Search users
        </label>
        <Input key={query} id="user-search" name="q" type="search" defaultValue={query} placeholder="Name or email" className="max-w-xs" />
        <Button type="submit" pending={searching}>
          Search
        </Button>
      </form>

      <Card>
        {users.length === 0 ? (
          query ? (
            <EmptyState
              title={`No users match “${query}”`}
              action={
                <Link href="/users" className={buttonClass({ size: 'sm' })}>
                  Show everyone
                </Link>
              }
            />
          ) : (
            <EmptyState title="No users yet" description={mayManage ? 'Create one with New user and give them a role.' : 'Nobody holds a role within your reach.'} />
          )
        ) : (
          <>
            <div className="hidden md:block">
              <Table caption={`Users (${total})`}>
                <THead>
                  <Tr>
                    <Th>Name</Th>
                    <Th>Roles</Th>
                    <Th>Status</Th>
                    <Th>Created</Th>
                    <Th>
                      <span className="sr-only">Actions</span>
                    </Th>
                  </Tr>
                </THead>
                <TBody>
                  {users.map((u) => (
                    <Tr key={u.id}>
                      <Td>
                        <Person user={u} me={u.id === meId} />
                      </Td>
                      <Td>
                        <Roles user={u} />
                      </Td>
                      <Td>
                        <Status user={u} />
                      </Td>
                      <Td className="whitespace-nowrap text-zinc-600 dark:text-zinc-400">
                        <DateTime value={u.createdAt} />
                      </Td>
                      <Td className="text-right">{edit(u)}</Td>
                    </Tr>
                  ))}
                </TBody>
              </Table>
            </div>
            <ul aria-label={`Users (${total})`} className="divide-y divide-zinc-100 md:hidden dark:divide-zinc-800">
              {users.map((u) => (
                <li key={u.id} className="flex items-start gap-3 px-4 py-3">
                  <div className="min-w-0 flex-1 space-y-1.5">
                    <Person user={u} me={u.id === meId} />
                    <Roles user={u} />
                    <Status user={u} />
                  </div>
                  {edit(u)}
                </li>
              ))}
            </ul>
          </>
        )}
        {pager}
      </Card>

      <Dialog open={editing !== null} onOpenChange={(open) => !open && setEditing(null)}>
        {editing && (
          <DialogContent
            title={editing === 'new' ? 'New user' : `Edit ${editing.name}`}
            description={editing === 'new' ? 'They sign in with this email and password.' : editing.email}
            className="max-w-xl"
          >
            <UserForm
              key={editing === 'new' ? 'new' : editing.id}
              user={editing === 'new' ? null : editing}
              self={editing !== 'new' && editing.id === meId}
              scopes={scopes}
              onDone={() => {
                setEditing(null);
                router.refresh();
              }}
            />
          </DialogContent>
        )}
      </Dialog>
    </>
  );
}

function Person({ user, me }: { user: TUser; me: boolean }) {
  return (
    <div className="min-w-0">
      <p className="font-medium">
        {user.name}
        {me && <span className="ml-1.5 text-xs font-normal text-zinc-600 dark:text-zinc-400">(you)</span>}
      </p>
      <p className="text-xs break-all text-zinc-600 dark:text-zinc-400">{user.email}</p>
    </div>
  );
}

function Roles({ user }: { user: TUser }) {
  if (user.roles.length === 0) return <span className="text-xs text-zinc-500">No roles</span>;
  return (
    <ul aria-label={`Roles of ${user.name}`} className="flex flex-wrap gap-1">
      {user.roles.map((r) => (
        <li key={`${r.role}@${r.scopeId}`}>
          <Badge tone={r.role === 'platform_admin' ? 'info' : 'neutral'}>
            {roleLabel(r.role)} · {r.scopeId}
          </Badge>
        </li>
      ))}
    </ul>
  );
}

const Status = ({ user }: { user: TUser }) => (user.disabled ? <Badge tone="danger">Disabled</Badge> : <Badge tone="success">Active</Badge>);

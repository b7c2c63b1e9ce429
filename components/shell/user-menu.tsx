'use client';

import Link from 'next/link';
import { signOut } from 'next-auth/react';
import { toast } from 'sonner';
import { api, ApiError } from '@/lib/client/api';
import { reloadAt } from '@/lib/client/navigate';
import { Button } from '@/components/ui/button';
import { DropdownMenu, DropdownMenuContent, DropdownMenuItem, DropdownMenuLabel, DropdownMenuSeparator, DropdownMenuTrigger } from '@/components/ui/dropdown-menu';
import { Icon } from './icons';

const initials = (name: string) =>
  name
    .split(/\s+/)
    .filter(Boolean)
    .slice(0, 2)
    .map((w) => w[0]!.toUpperCase())
    .join('');

/** Signs out with next-auth, then goes to /signin on this host (next-auth's own redirect would use NEXTAUTH_URL). */
async function signOutToSignIn() {
  await signOut({ redirect: false });
  reloadAt('/signin');
}

/** Ends every session of this user (other browsers and devices, and copies of this cookie), then this one. */
async function signOutEverywhere() {
  try {
    await api.delete('/me/sessions');
  } catch (err) {
    // this session may already be over; anything else must not pass silently
    if (!(err instanceof ApiError && err.status === 401)) return void toast.error(`Could not end your other sessions: ${(err as Error).message}`);
  }
  await signOutToSignIn();
}

export function UserMenu({ name, email }: { name: string; email: string }) {
  return (
    <DropdownMenu>
      <DropdownMenuTrigger asChild>
        <Button variant="ghost" size="sm" aria-label={`Account: ${name}`} className="gap-2">
          <span aria-hidden className="flex size-7 items-center justify-center rounded-full bg-indigo-600 text-xs font-semibold text-white">
            {initials(name) || '?'}
          </span>
          <span className="hidden max-w-40 truncate sm:inline">{name}</span>
          <Icon name="chevron" className="hidden size-4 sm:inline" />
        </Button>
      </DropdownMenuTrigger>
      <DropdownMenuContent>
        <DropdownMenuLabel>
          <span className="block font-medium text-zinc-900 dark:text-zinc-100">{name}</span>
          <span className="block truncate">{email}</span>
        </DropdownMenuLabel>
        <DropdownMenuSeparator />
        <DropdownMenuItem asChild>
          <Link href="/preferences">Preferences</Link>
        </DropdownMenuItem>
        <DropdownMenuItem asChild>
          <Link href="/tokens">API tokens</Link>
        </DropdownMenuItem>
        <DropdownMenuSeparator />
        <DropdownMenuItem onSelect={() => void signOutToSignIn()}>Sign out</DropdownMenuItem>
        <DropdownMenuItem onSelect={() => void signOutEverywhere()}>Sign out everywhere</DropdownMenuItem>
      </DropdownMenuContent>
    </DropdownMenu>
  );
}

'use client';

import { signIn } from 'next-auth/react';
import { useRef, useState } from 'react';
import { signInErrorMessage } from '@/lib/auth/sign-in';
import { reloadAt } from '@/lib/client/navigate';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Field } from '@/components/ui/field';
import { Input } from '@/components/ui/input';

/**
 * Email + password through next-auth's credentials provider (without its redirects, which would use
 * NEXTAUTH_URL), then a full page load of `callbackUrl` so the server renders with the new session.
 */
export function SignInForm({ callbackUrl, initialError, oidcName }: { callbackUrl: string; initialError?: string; oidcName?: string }) {
  const [error, setError] = useState(initialError ? signInErrorMessage(initialError) : '');
  const [pending, setPending] = useState(false);
  const password = useRef<HTMLInputElement>(null);

  async function submit(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const data = new FormData(e.currentTarget);
    setPending(true);
    setError('');
    try {
      const res = await signIn('credentials', { redirect: false, email: String(data.get('email') ?? ''), password: String(data.get('password') ?? '') });
      if (res?.ok && !res.error) return reloadAt(callbackUrl);
      setError(signInErrorMessage(res?.error ?? ''));
    } catch {
      setError('Could not reach Switchboard. Check your connection and try again.');
    }
    setPending(false);
    password.current?.select();
  }

  return (
    <div className="space-y-5">
      <form onSubmit={submit} className="space-y-4">
        <Field id="email" label="Email">
          {(p) => <Input {...p} name="email" type="email" autoComplete="username" required autoFocus />}
        </Field>
        <Field id="password" label="Password">
          {(p) => <Input {...p} ref={password} name="password" type="password" autoComplete="current-password" required />}
        </Field>
        {error && <Alert tone="danger">{error}</Alert>}
        <Button type="submit" variant="primary" pending={pending} className="w-full">
          {pending ? 'Signing in…' : 'Sign in'}
        </Button>
      </form>
      {oidcName && (
        <>
          <p className="flex items-center gap-3 text-xs text-zinc-500 before:h-px before:flex-1 before:bg-zinc-200 after:h-px after:flex-1 after:bg-zinc-200 dark:before:bg-zinc-800 dark:after:bg-zinc-800">
            or
          </p>
          <Button className="w-full" onClick={() => void signIn('oidc', { callbackUrl })}>
            Sign in with {oidcName}
          </Button>
        </>
      )}
    </div>
  );
}

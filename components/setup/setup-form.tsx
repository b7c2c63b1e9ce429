'use client';

import { signIn } from 'next-auth/react';
import { useEffect, useRef, useState } from 'react';
import { reloadAt } from '@/lib/client/navigate';
import { ZBootstrapBody } from '@/lib/schemas/api';
import type { TCatalogSummary } from '@/lib/schemas/registry';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { CopyField } from '@/components/ui/copy-field';
import { Field } from '@/components/ui/field';
import { Input, Select } from '@/components/ui/input';

export type CatalogOption = Omit<TCatalogSummary, 'definitions'>;

type Field = 'email' | 'name' | 'password' | 'catalog';
type Errors = Partial<Record<Field | 'form', string>>;

/** Body paths (from zod or the server's `error.field`) → the input that shows the message. */
const FIELD_OF: Record<string, Field> = { 'admin.email': 'email', 'admin.name': 'name', 'admin.password': 'password', catalog: 'catalog' };

/**
 * First-run setup: the first platform admin, an optional example catalog, then the one-time API token
 * and a Continue that signs the admin in with the password just chosen.
 */
export function SetupForm({ catalogs }: { catalogs: CatalogOption[] }) {
  const [errors, setErrors] = useState<Errors>({});
  const [pending, setPending] = useState(false);
  const [catalog, setCatalog] = useState('');
  const [done, setDone] = useState<{ email: string; password: string; apiToken: string } | null>(null);

  async function submit(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = e.currentTarget;
    const data = new FormData(form);
    const text = (k: string) => String(data.get(k) ?? '');
    const parsed = ZBootstrapBody.safeParse({
      admin: { email: text('email').trim(), name: text('name'), password: text('password') },
      ...(catalog && { catalog }),
    });
    if (!parsed.success) {
      const next: Errors = {};
      for (const issue of parsed.error.issues) next[FIELD_OF[issue.path.join('.')] ?? 'form'] ??= issue.message;
      return show(form, next);
    }
    setPending(true);
    setErrors({});
    try {
      const res = await fetch('/api/v1/setup/bootstrap', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(parsed.data),
      });
      const body = await res.json().catch(() => null);
      if (res.ok) return setDone({ email: body.user.email, password: parsed.data.admin.password, apiToken: body.apiToken });
      const err = body?.error as { code?: string; message?: string; field?: string } | undefined;
      const message =
        err?.code === 'ALREADY_SETUP'
          ? 'Switchboard is already set up. Reload the page to continue.'
          : (err?.message ?? `The server answered ${res.status}.`);
      show(form, { [(err?.field && FIELD_OF[err.field]) || 'form']: message });
    } catch {
      setErrors({ form: 'Could not reach the server. Check that it is running and try again.' });
    } finally {
      setPending(false);
    }
  }

  // Show the messages and move focus to the first field that needs attention.
  function show(form: HTMLFormElement, next: Errors) {
    setErrors(next);
    const first = (['email', 'name', 'password', 'catalog'] as const).find((f) => next[f]);
    if (first) (form.elements.namedItem(first) as HTMLElement | null)?.focus();
  }

  if (done) return <TokenPanel {...done} />;

  const selected = catalogs.find((c) => c.name === catalog);
  return (
    <form
      onSubmit={submit}
      onInput={(e) => {
        const name = (e.target as HTMLInputElement).name as Field;
        if (errors[name] || errors.form) setErrors({ ...errors, [name]: undefined, form: undefined });
      }}
      noValidate
      className="space-y-5"
    >
      <fieldset className="space-y-4">
        <legend className="mb-3 text-sm font-semibold">First platform admin</legend>
        <Field id="email" label="Email" error={errors.email}>
          {(p) => <Input {...p} name="email" type="email" autoComplete="email" required />}
        </Field>
        <Field id="name" label="Name" error={errors.name}>
          {(p) => <Input {...p} name="name" autoComplete="name" required />}
        </Field>
        <Field id="password" label="Password" hint="At least 12 characters." error={errors.password}>
          {(p) => <Input {...p} name="password" type="password" autoComplete="new-password" required minLength={12} />}
        </Field>
      </fieldset>
      <Field id="catalog" label="Example catalog (optional)" hint={selected?.description ?? 'Start with an empty registry, or load example settings.'} error={errors.catalog}>
        {(p) => (
          <Select {...p} name="catalog" value={catalog} onChange={(e) => setCatalog(e.target.value)}>
            <option value="">None: start empty</option>
            {catalogs.map((c) => (
              <option key={c.name} value={c.name}>
                {c.title} ({c.name})
              </option>
            ))}
          </Select>
        )}
      </Field>
      {errors.form && <Alert tone="danger">{errors.form}</Alert>}
      <Button type="submit" variant="primary" pending={pending} className="w-full sm:w-auto">
        {pending ? 'Setting up…' : 'Set up Switchboard'}
      </Button>
    </form>
  );
}

function TokenPanel({ email, password, apiToken }: { email: string; password: string; apiToken: string }) {
  const [signingIn, setSigningIn] = useState(false);
  const [error, setError] = useState('');
  const heading = useRef<HTMLHeadingElement>(null);
  const origin = window.location.origin;
  // the form (and the focused button) just disappeared: move focus here so screen readers announce it
  useEffect(() => heading.current?.focus(), []);

  async function continueSignedIn() {
    setSigningIn(true);
    const res = await signIn('credentials', { redirect: false, email, password }).catch(() => undefined);
    if (res?.ok && !res.error) return reloadAt('/');
    setSigningIn(false);
    setError('Could not sign you in automatically. Sign in with the email and password you just chose.');
  }

  return (
    <div className="space-y-5">
      <div>
        <h2 ref={heading} tabIndex={-1} className="text-lg font-semibold outline-none">
          Switchboard is set up
        </h2>
        <p className="mt-1 text-sm text-zinc-600 dark:text-zinc-400">{email} is the platform admin. This API token acts as them.</p>
      </div>
      <Alert tone="warning">
        <strong>Copy the token now.</strong> It is shown only once and cannot be recovered; Switchboard stores only its hash.
      </Alert>
      <CopyField id="api-token" label="API token" value={apiToken} />
      <div className="space-y-1.5">
        <p className="text-sm font-medium">Try it</p>
        <pre className="overflow-x-auto rounded-md bg-zinc-900 p-3 text-xs leading-relaxed text-zinc-100 dark:bg-zinc-950 dark:ring-1 dark:ring-zinc-800">
          {[
            `export SWITCHBOARD_TOKEN='${apiToken}'`,
            `curl -H "Authorization: Bearer $SWITCHBOARD_TOKEN" ${origin}/api/v1/settings`,
            `curl -H "X-API-Key: $SWITCHBOARD_TOKEN" "${origin}/api/v1/settings/<key>/resolve?scope=global"`,
          ].join('\n')}
        </pre>
      </div>
      {error && (
        <Alert tone="danger">
          {error}{' '}
          <a href="/signin" className="font-medium underline">
            Sign in
          </a>
        </Alert>
      )}
      <Button variant="primary" pending={signingIn} onClick={continueSignedIn}>
        I have saved the token: continue
      </Button>
    </div>
  );
}

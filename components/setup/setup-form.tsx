'use client';

import Link from 'next/link';
import { useEffect, useRef, useState, type ReactNode } from 'react';
import { ZBootstrapBody } from '@/lib/schemas/api';

export interface CatalogOption {
  name: string;
  title: string;
  description: string;
}

type Field = 'email' | 'name' | 'password' | 'catalog';
type Errors = Partial<Record<Field | 'form', string>>;

/** Body paths (from zod or the server's `error.field`) → the input that shows the message. */
const FIELD_OF: Record<string, Field> = { 'admin.email': 'email', 'admin.name': 'name', 'admin.password': 'password', catalog: 'catalog' };

const inputClass =
  'block w-full rounded-md border border-zinc-300 bg-white px-3 py-2 text-sm shadow-xs outline-none focus-visible:border-indigo-500 focus-visible:ring-2 focus-visible:ring-indigo-500/40 aria-invalid:border-red-500 dark:border-zinc-700 dark:bg-zinc-900';

/** First-run setup: the first platform admin, an optional example catalog, then the one-time API token. */
export function SetupForm({ catalogs }: { catalogs: CatalogOption[] }) {
  const [errors, setErrors] = useState<Errors>({});
  const [pending, setPending] = useState(false);
  const [catalog, setCatalog] = useState('');
  const [done, setDone] = useState<{ email: string; apiToken: string } | null>(null);

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
      if (res.ok) return setDone({ email: body.user.email, apiToken: body.apiToken });
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
        <Labeled id="email" label="Email" error={errors.email}>
          <input id="email" name="email" type="email" autoComplete="email" required {...aria('email', errors.email)} className={inputClass} />
        </Labeled>
        <Labeled id="name" label="Name" error={errors.name}>
          <input id="name" name="name" autoComplete="name" required {...aria('name', errors.name)} className={inputClass} />
        </Labeled>
        <Labeled id="password" label="Password" hint="At least 12 characters." error={errors.password}>
          <input
            id="password"
            name="password"
            type="password"
            autoComplete="new-password"
            required
            minLength={12}
            {...aria('password', errors.password, true)}
            className={inputClass}
          />
        </Labeled>
      </fieldset>
      <Labeled id="catalog" label="Example catalog (optional)" hint={selected?.description ?? 'Start with an empty registry, or load example settings.'} error={errors.catalog}>
        <select id="catalog" name="catalog" value={catalog} onChange={(e) => setCatalog(e.target.value)} {...aria('catalog', errors.catalog, true)} className={inputClass}>
          <option value="">None: start empty</option>
          {catalogs.map((c) => (
            <option key={c.name} value={c.name}>
              {c.title} ({c.name})
            </option>
          ))}
        </select>
      </Labeled>
      {errors.form && (
        <p role="alert" className="rounded-md border border-red-300 bg-red-50 px-3 py-2 text-sm text-red-800 dark:border-red-900 dark:bg-red-950 dark:text-red-200">
          {errors.form}
        </p>
      )}
      <button
        type="submit"
        disabled={pending}
        className="w-full rounded-md bg-indigo-600 px-4 py-2.5 text-sm font-semibold text-white shadow-sm hover:bg-indigo-500 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600 disabled:opacity-60 sm:w-auto"
      >
        {pending ? 'Setting up…' : 'Set up Switchboard'}
      </button>
    </form>
  );
}

/** ids that tie an input to its hint and error message for screen readers */
function aria(id: string, error: string | undefined, hasHint = false) {
  const describedBy = [hasHint && `${id}-hint`, error && `${id}-error`].filter(Boolean).join(' ');
  return { 'aria-invalid': error ? true : undefined, 'aria-describedby': describedBy || undefined };
}

function Labeled({ id, label, hint, error, children }: { id: string; label: string; hint?: string; error?: string; children: ReactNode }) {
  return (
    <div className="space-y-1.5">
      <label htmlFor={id} className="block text-sm font-medium">
        {label}
      </label>
      {children}
      {hint && (
        <p id={`${id}-hint`} className="text-xs text-zinc-600 dark:text-zinc-400">
          {hint}
        </p>
      )}
      {error && (
        <p id={`${id}-error`} className="text-sm text-red-700 dark:text-red-400">
          {error}
        </p>
      )}
    </div>
  );
}

function TokenPanel({ email, apiToken }: { email: string; apiToken: string }) {
  const [copied, setCopied] = useState(false);
  const heading = useRef<HTMLHeadingElement>(null);
  const origin = window.location.origin;
  // the form (and the focused button) just disappeared: move focus here so screen readers announce it
  useEffect(() => heading.current?.focus(), []);

  async function copy() {
    try {
      await navigator.clipboard.writeText(apiToken);
    } catch {
      // no clipboard API outside secure contexts (plain http on a LAN address): fall back to selection
      const input = document.getElementById('api-token') as HTMLInputElement;
      input.select();
      document.execCommand('copy');
    }
    setCopied(true);
  }

  return (
    <div className="space-y-5">
      <div>
        <h2 ref={heading} tabIndex={-1} className="text-lg font-semibold outline-none">Switchboard is set up</h2>
        <p className="mt-1 text-sm text-zinc-600 dark:text-zinc-400">
          {email} is the platform admin. This API token acts as them.
        </p>
      </div>
      <p className="rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-900 dark:border-amber-800 dark:bg-amber-950 dark:text-amber-200">
        <strong>Copy the token now.</strong> It is shown only once and cannot be recovered; Switchboard stores only its hash.
      </p>
      <div className="space-y-1.5">
        <label htmlFor="api-token" className="block text-sm font-medium">
          API token
        </label>
        <div className="flex gap-2">
          <input id="api-token" readOnly value={apiToken} onFocus={(e) => e.currentTarget.select()} className={`${inputClass} font-mono`} />
          <button
            type="button"
            onClick={copy}
            className="shrink-0 rounded-md border border-zinc-300 px-3 text-sm font-medium hover:bg-zinc-100 focus-visible:outline-2 focus-visible:outline-indigo-600 dark:border-zinc-700 dark:hover:bg-zinc-800"
          >
            {copied ? 'Copied' : 'Copy'}
          </button>
        </div>
      </div>
      <div className="space-y-1.5">
        <p className="text-sm font-medium">Try it</p>
        <pre className="overflow-x-auto rounded-md bg-zinc-900 p-3 text-xs leading-relaxed text-zinc-100 dark:bg-zinc-900">
          {[
            `export SWITCHBOARD_TOKEN='${apiToken}'`,
            `curl -H "Authorization: Bearer $SWITCHBOARD_TOKEN" ${origin}/api/v1/settings`,
            `curl -H "X-API-Key: $SWITCHBOARD_TOKEN" "${origin}/api/v1/settings/<key>/resolve?scope=global"`,
          ].join('\n')}
        </pre>
      </div>
      <div className="flex flex-wrap gap-3 text-sm">
        <Link href="/docs" className="font-medium text-indigo-700 underline-offset-2 hover:underline dark:text-indigo-400">
          Read the API docs
        </Link>
        <button type="button" onClick={() => window.location.reload()} className="font-medium text-indigo-700 underline-offset-2 hover:underline dark:text-indigo-400">
          I have saved the token: continue
        </button>
      </div>
    </div>
  );
}

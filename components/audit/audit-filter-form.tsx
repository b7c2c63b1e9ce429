'use client';

import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useState, useTransition } from 'react';
import { AUDIT_FILTERS, type AuditFilters } from '@/lib/audit-filters';
import { queryString } from '@/lib/query-string';
import type { TCategory } from '@/lib/schemas/definition';
import type { TScope } from '@/lib/schemas/registry';
import { Button, buttonClass } from '@/components/ui/button';
import { Card } from '@/components/ui/card';
import { Field } from '@/components/ui/field';
import { Input, Select } from '@/components/ui/input';

interface Props {
  values: AuditFilters;
  categories: Pick<TCategory, 'key' | 'label'>[];
  /** People to pick from, or null: the filter then takes a name or user id. */
  users: { id: string; label: string }[] | null;
  scopes: Pick<TScope, 'id' | 'name'>[];
  sources: string[];
}

/**
 * The audit log's filters: a GET form to /audit (works without script); with script it navigates
 * client-side and leaves empty fields out of the URL. Below md it folds away behind a button.
 */
export function AuditFilterForm({ values, categories, users, scopes, sources }: Props) {
  const router = useRouter();
  const [open, setOpen] = useState(false);
  const [pending, startTransition] = useTransition();
  const active = Object.keys(values).length;

  function submit(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const data = new FormData(e.currentTarget);
    const query = queryString(Object.fromEntries(AUDIT_FILTERS.map((name) => [name, String(data.get(name) ?? '').trim()])));
    // the current entries stay until the filtered ones are rendered; the button says it is busy
    startTransition(() => router.push(`/audit${query}`));
  }

  return (
    <Card>
      <div className="flex items-center justify-between px-4 py-3 md:hidden">
        <span className="text-sm font-semibold">Filters{active > 0 && ` (${active} active)`}</span>
        <Button size="sm" aria-expanded={open} aria-controls="audit-filters" onClick={() => setOpen(!open)}>
          {open ? 'Hide filters' : 'Show filters'}
        </Button>
      </div>
      {/* keyed by the URL's values so Back / Clear show what is applied */}
      <form
        key={JSON.stringify(values)}
        id="audit-filters"
        role="search"
        aria-label="Filter the audit log"
        action="/audit"
        method="get"
        onSubmit={submit}
        className={`${open ? 'grid' : 'hidden md:grid'} gap-3 border-zinc-200 p-4 max-md:border-t sm:grid-cols-2 lg:grid-cols-4 dark:border-zinc-800`}
      >
        <Field id="f-key" label="Key">
          {(p) => <Input {...p} name="key" defaultValue={values.key} placeholder="e.g. catering.bufferPercentage" />}
        </Field>
        <Field id="f-category" label="Category">
          {(p) => (
            <Select {...p} name="category" defaultValue={values.category ?? ''}>
              <option value="">All categories</option>
              {categories.map((c) => (
                <option key={c.key} value={c.key}>
                  {c.label}
                </option>
              ))}
            </Select>
          )}
        </Field>
        <Field id="f-actor" label="User">
          {(p) =>
            users ? (
              <Select {...p} name="actor" defaultValue={values.actor ?? ''}>
                <option value="">Anyone</option>
                {/* an actor from the URL who is not listed (e.g. deleted) still shows */}
                {values.actor && !users.some((u) => u.id === values.actor) && <option value={values.actor}>{values.actor}</option>}
                {users.map((u) => (
                  <option key={u.id} value={u.id}>
                    {u.label}
                  </option>
                ))}
              </Select>
            ) : (
              <Input {...p} name="actor" defaultValue={values.actor} placeholder="Name or user id" />
            )
          }
        </Field>
        <Field id="f-scope" label="Scope">
          {(p) => (
            <>
              <Input {...p} name="scope" defaultValue={values.scope} placeholder="e.g. global" list="f-scope-list" autoComplete="off" />
              <datalist id="f-scope-list">
                {scopes.map((s) => (
                  <option key={s.id} value={s.id}>
                    {s.name}
                  </option>
                ))}
              </datalist>
            </>
          )}
        </Field>
        <Field id="f-source" label="Source">
          {(p) => (
            <Select {...p} name="source" defaultValue={values.source ?? ''}>
              <option value="">Any source</option>
              {sources.map((s) => (
                <option key={s} value={s}>
                  {s}
                </option>
              ))}
            </Select>
          )}
        </Field>
        <Field id="f-from" label="From (UTC)">
          {(p) => <Input {...p} type="date" name="from" defaultValue={values.from} />}
        </Field>
        <Field id="f-to" label="To (UTC)">
          {(p) => <Input {...p} type="date" name="to" defaultValue={values.to} />}
        </Field>
        <div className="flex items-end gap-2">
          <Button type="submit" variant="primary" pending={pending}>
            Apply filters
          </Button>
          {active > 0 && (
            <Link href="/audit" className={buttonClass({ variant: 'ghost' })}>
              Clear
            </Link>
          )}
        </div>
      </form>
    </Card>
  );
}

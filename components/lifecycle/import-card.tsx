'use client';

import { useMutation } from '@tanstack/react-query';
import Link from 'next/link';
import { useState } from 'react';
import { toast } from 'sonner';
import { api, ApiError } from '@/lib/client/api';
import type { ScopeOption } from '@/lib/client/scope-tree';
import { ScopeOptions } from './scope-options';
import { IMPORT_BODY_LIMIT, type TApplied, type TPreview } from '@/lib/schemas/export-import';
import { Alert } from '@/components/ui/alert';
import { Button, Spinner } from '@/components/ui/button';
import { Card, CardBody, CardHeader } from '@/components/ui/card';
import { Field } from '@/components/ui/field';
import { Input, Select } from '@/components/ui/input';
import { DiffReview } from './diff-review';
import { Writable } from '@/components/shell/live-context';

interface Chosen {
  file: File;
  /** The scopes the file's items name (empty when it could not be read: the server says why on preview). */
  scopes: string[];
}

/** The scopes a configuration file's items are at, read in the browser to offer the mapping. */
async function scopesIn(file: File): Promise<string[]> {
  try {
    const doc = JSON.parse(await file.text()) as { settings?: { scope?: unknown }[]; flags?: { scope?: unknown }[] };
    const all = [...(doc.settings ?? []), ...(doc.flags ?? [])].map((i) => i?.scope).filter((s): s is string => typeof s === 'string');
    return [...new Set(all)].sort();
  } catch {
    return [];
  }
}

/** Upload a configuration file, see its diff, confirm it with a reason. */
export function ImportCard({ scopes }: { scopes: ScopeOption[] }) {
  const [chosen, setChosen] = useState<Chosen | null>(null);
  const [fileError, setFileError] = useState<string>();
  const [mapping, setMapping] = useState<Record<string, string>>({});
  const [applied, setApplied] = useState<TApplied | null>(null);

  const form = (extra: Record<string, string> = {}) => {
    const f = new FormData();
    f.set('file', chosen!.file);
    const map = Object.fromEntries(Object.entries(mapping).filter(([from, to]) => to && to !== from));
    if (Object.keys(map).length) f.set('mapScopes', JSON.stringify(map));
    for (const [k, v] of Object.entries(extra)) f.set(k, v);
    return f;
  };
  const preview = useMutation({
    mutationFn: () => api.post<TPreview>('/settings/import', form(), { params: { preview: true } }),
    onError: (e) => setFileError(e.message),
  });

  const choose = async (file: File | undefined) => {
    preview.reset();
    setApplied(null);
    setFileError(undefined);
    setMapping({});
    if (!file) return setChosen(null);
    if (file.size > IMPORT_BODY_LIMIT) {
      setChosen(null);
      return setFileError(`The file is ${(file.size / 1024 / 1024).toFixed(1)} MiB; imports take at most 10 MiB. Export a smaller scope or one category at a time.`);
    }
    setChosen({ file, scopes: await scopesIn(file) });
  };

  const confirm = (reason: string, etag: string) => api.post<TApplied>('/settings/import', form({ reason }), { params: { confirm: true }, headers: { 'if-match': etag } });
  const mapError = preview.error instanceof ApiError && preview.error.field === 'mapScopes' ? preview.error.message : undefined;

  return (
    <>
      <Card aria-labelledby="import-title">
        <CardHeader id="import-title" title="Import" description="Upload a configuration file: you see what it would change before anything is written." />
        <CardBody className="space-y-4">
          <Field id="import-file" label="Configuration file" hint="A file exported by Switchboard (JSON, up to 10 MiB)." error={mapError ? undefined : fileError}>
            {(p) => <Input {...p} type="file" accept=".json,application/json" onChange={(e) => void choose(e.target.files?.[0])} className="file:mr-3 file:rounded file:border-0 file:bg-zinc-100 file:px-2 file:py-1 dark:file:bg-zinc-800" />}
          </Field>
          {chosen && chosen.scopes.length > 0 && (
            <fieldset className="space-y-2">
              <legend className="text-sm font-medium">Import into</legend>
              <p className="text-xs text-zinc-600 dark:text-zinc-400">Each scope of the file goes to the same scope here unless you choose another (to copy one tenant into another).</p>
              {chosen.scopes.slice(0, 20).map((from) => (
                <div key={from} className="grid items-center gap-2 sm:grid-cols-[12rem_1fr]">
                  <label htmlFor={`map-${from}`} className="font-mono text-xs break-all">
                    {from} →
                  </label>
                  <Select id={`map-${from}`} value={mapping[from] ?? from} onChange={(e) => setMapping((m) => ({ ...m, [from]: e.target.value }))} aria-invalid={mapError ? true : undefined}>
                    {!scopes.some((s) => s.id === from) && <option value={from}>{from} (not here)</option>}
                    <ScopeOptions scopes={scopes} />
                  </Select>
                </div>
              ))}
              {mapError && <p className="text-sm text-red-700 dark:text-red-400">{mapError}</p>}
            </fieldset>
          )}
          <div className="flex flex-wrap items-center gap-3">
            <Writable>
              <Button variant="primary" disabled={!chosen} pending={preview.isPending} onClick={() => preview.mutate()}>
                Preview changes
              </Button>
            </Writable>
            {preview.isPending && (
              <span role="status" className="flex items-center gap-2 text-sm text-zinc-600 dark:text-zinc-400">
                <Spinner /> Reading {chosen?.file.name} and comparing it with the configuration here…
              </span>
            )}
          </div>
          {applied && (
            <Alert tone="info" title="Imported">
              {applied.imported} change{applied.imported === 1 ? '' : 's'} applied ({applied.created} created, {applied.updated} updated, {applied.deleted} removed).{' '}
              {applied.changeSetId && (
                <Link className="underline" href={`/versions?id=${encodeURIComponent(applied.changeSetId)}`}>
                  See the change set
                </Link>
              )}
            </Alert>
          )}
        </CardBody>
      </Card>
      {preview.data && !applied && (
        <DiffReview
          key={preview.data.etag}
          className="lg:col-span-2"
          preview={preview.data}
          title={`What importing ${chosen?.file.name ?? 'the file'} would change`}
          verb="Import"
          confirm={confirm}
          previewAgain={() => preview.mutate()}
          onApplied={(a) => {
            setApplied(a);
            toast.success(`Imported ${a.imported} change${a.imported === 1 ? '' : 's'}`);
          }}
        />
      )}
    </>
  );
}

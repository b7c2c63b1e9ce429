'use client';

import { useState } from 'react';
import { queryString } from '@/lib/query-string';
import type { ScopeOption } from '@/lib/client/scope-tree';
import { ScopeOptions } from './scope-options';
import { buttonClass } from '@/components/ui/button';
import { Card, CardBody, CardHeader } from '@/components/ui/card';
import { Field } from '@/components/ui/field';
import { Select } from '@/components/ui/input';

export interface Category {
  key: string;
  label: string;
}

/** Pick a scope (and a category), download its configuration file. */
export function ExportCard({ scopes, categories, home, maySecrets }: { scopes: ScopeOption[]; categories: Category[]; home: string; maySecrets: boolean }) {
  const [scope, setScope] = useState(home);
  const [category, setCategory] = useState('');
  const [descendants, setDescendants] = useState(false);
  const [secrets, setSecrets] = useState(false);
  const href = `/api/v1/settings/export${queryString({ scope, category: category || undefined, includeDescendants: descendants ? 'true' : undefined, includeSecrets: secrets ? 'true' : undefined })}`;
  return (
    <Card aria-labelledby="export-title">
      <CardHeader id="export-title" title="Export" description="The values and flag rows stored at a scope, as a file you can import here or into another instance." />
      <CardBody className="space-y-4">
        <div className="grid gap-4 sm:grid-cols-2">
          <Field id="export-scope" label="Scope">
            {(p) => (
              <Select {...p} value={scope} onChange={(e) => setScope(e.target.value)}>
                <ScopeOptions scopes={scopes} />
              </Select>
            )}
          </Field>
          <Field id="export-category" label="Category" hint="One category leaves the flags out.">
            {(p) => (
              <Select {...p} value={category} onChange={(e) => setCategory(e.target.value)}>
                <option value="">All categories</option>
                {categories.map((c) => (
                  <option key={c.key} value={c.key}>
                    {c.label}
                  </option>
                ))}
              </Select>
            )}
          </Field>
        </div>
        <div className="space-y-2 text-sm">
          <label className="flex items-start gap-2">
            <input type="checkbox" className="mt-0.5" checked={descendants} onChange={(e) => setDescendants(e.target.checked)} />
            <span>Include every scope below it</span>
          </label>
          {maySecrets && (
            <label className="flex items-start gap-2">
              <input type="checkbox" className="mt-0.5" checked={secrets} onChange={(e) => setSecrets(e.target.checked)} />
              <span>
                Include secrets <span className="text-zinc-600 dark:text-zinc-400">(encrypted under this instance&apos;s key: only an instance with the same key can import them)</span>
              </span>
            </label>
          )}
        </div>
        <a href={href} download className={buttonClass({ variant: 'primary' })}>
          Download
        </a>
      </CardBody>
    </Card>
  );
}

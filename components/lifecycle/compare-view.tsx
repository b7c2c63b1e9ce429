'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { toast } from 'sonner';
import { api } from '@/lib/client/api';
import type { ScopeOption } from '@/lib/client/scope-tree';
import { ScopeOptions } from './scope-options';
import type { TCompareAnswer } from '@/lib/schemas/compare';
import type { TApplied, TPreview } from '@/lib/schemas/export-import';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Card, CardHeader } from '@/components/ui/card';
import { Field } from '@/components/ui/field';
import { Select } from '@/components/ui/input';
import { Skeleton } from '@/components/ui/skeleton';
import { CompareTable, type Selection } from './compare-table';
import { DiffReview } from './diff-review';
import type { Category } from './export-card';
import { Writable } from '@/components/shell/live-context';

const EMPTY: Selection = { keys: new Set(), flags: new Set() };

/** Two scopes side by side; chosen rows are promoted from the left one to the right one, after a preview. */
export function CompareView({ scopes, categories, initial }: { scopes: ScopeOption[]; categories: Category[]; initial: { left: string; right: string } }) {
  const [left, setLeft] = useState(initial.left);
  const [right, setRight] = useState(initial.right);
  const [category, setCategory] = useState('');
  const [onlyDiff, setOnlyDiff] = useState(true);
  const [selected, setSelected] = useState<Selection>(EMPTY);
  const queryClient = useQueryClient();
  const same = left === right;
  const compare = useQuery({
    queryKey: ['compare', left, right, category],
    queryFn: () => api.get<TCompareAnswer>('/settings/compare', { params: { left, right, category: category || undefined } }),
    enabled: !same,
  });
  const body = () => ({ from: left, to: right, keys: [...selected.keys], flags: [...selected.flags] });
  const preview = useMutation({ mutationFn: () => api.post<TPreview>('/settings/promote', body(), { params: { preview: true } }) });
  const confirm = (reason: string, etag: string) => api.post<TApplied>('/settings/promote', { ...body(), reason }, { params: { confirm: true }, headers: { 'if-match': etag } });

  const pick = (set: (v: string) => void) => (v: string) => {
    set(v);
    setSelected(EMPTY);
    preview.reset();
  };
  const swap = () => {
    setLeft(right);
    setRight(left);
    setSelected(EMPTY);
    preview.reset();
  };
  const count = selected.keys.size + selected.flags.size;
  const picker = (id: string, label: string, value: string, onChange: (v: string) => void) => (
    <Field id={id} label={label}>
      {(p) => (
        <Select {...p} value={value} onChange={(e) => onChange(e.target.value)}>
          <ScopeOptions scopes={scopes} />
        </Select>
      )}
    </Field>
  );

  return (
    <>
      <Card className="p-4">
        <div className="grid items-end gap-3 md:grid-cols-[1fr_auto_1fr_1fr]">
          {picker('compare-left', 'From (left)', left, pick(setLeft))}
          <Button variant="ghost" onClick={swap} aria-label="Swap left and right" className="justify-self-start">
            ⇄
          </Button>
          {picker('compare-right', 'To (right)', right, pick(setRight))}
          <Field id="compare-category" label="Category">
            {(p) => (
              <Select {...p} value={category} onChange={(e) => pick(setCategory)(e.target.value)}>
                <option value="">All categories (and flags)</option>
                {categories.map((c) => (
                  <option key={c.key} value={c.key}>
                    {c.label}
                  </option>
                ))}
              </Select>
            )}
          </Field>
        </div>
        <label className="mt-3 flex items-center gap-2 text-sm">
          <input type="checkbox" checked={onlyDiff} onChange={(e) => setOnlyDiff(e.target.checked)} /> Only differences
        </label>
      </Card>
      {same && (
        <Alert tone="info" className="mt-4">
          Choose two different scopes to compare.
        </Alert>
      )}
      {compare.error && (
        <Alert tone="danger" className="mt-4">
          {compare.error.message}
        </Alert>
      )}
      {!same && compare.isPending && <Skeleton className="mt-4 h-64" />}
      {!same && compare.data && (
        <Card className="mt-4 min-w-0" aria-labelledby="compare-title">
          <CardHeader
            id="compare-title"
            title={`${left} and ${right}`}
            description={`${compare.data.summary.different ?? 0} different, ${compare.data.summary.onlyLeft ?? 0} only at ${left}, ${compare.data.summary.onlyRight ?? 0} only at ${right}, ${compare.data.summary.same ?? 0} the same`}
            actions={
              <Writable>
                <Button variant="primary" size="sm" disabled={count === 0} pending={preview.isPending} onClick={() => preview.mutate()}>
                  Promote {count} to {right}…
                </Button>
              </Writable>
            }
          />
          {preview.error && (
            <Alert tone="danger" className="mx-4 mt-3">
              {preview.error.message}
            </Alert>
          )}
          <CompareTable
            answer={compare.data}
            onlyDiff={onlyDiff}
            selected={selected}
            onSelect={(s) => {
              setSelected(s);
              preview.reset();
            }}
          />
        </Card>
      )}
      {preview.data && (
        <DiffReview
          key={preview.data.etag}
          preview={preview.data}
          title={`Promoting ${count} item${count === 1 ? '' : 's'} from ${left} to ${right}`}
          verb="Promote"
          confirm={confirm}
          previewAgain={() => preview.mutate()}
          onApplied={(a) => {
            toast.success(`Promoted ${a.imported} change${a.imported === 1 ? '' : 's'} to ${right}`);
            preview.reset();
            setSelected(EMPTY);
            void queryClient.invalidateQueries({ queryKey: ['compare'] });
          }}
        />
      )}
    </>
  );
}

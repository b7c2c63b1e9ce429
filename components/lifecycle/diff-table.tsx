'use client';

import { useState } from 'react';
import type { TChange, TChangeAction, TDiffSummary } from '@/lib/schemas/export-import';
import { compactJson } from '@/components/audit/format';
import { Badge, type BadgeTone } from '@/components/ui/badge';
import { cn } from '@/components/ui/cn';
import { EmptyState } from '@/components/ui/empty-state';
import { Table, TBody, Td, Th, THead, Tr } from '@/components/ui/table';

const TONE: Record<TChangeAction, BadgeTone> = { create: 'success', update: 'info', delete: 'warning', unchanged: 'neutral', invalid: 'danger' };
const ROW: Partial<Record<TChangeAction, string>> = { invalid: 'bg-red-50/70 dark:bg-red-950/30', delete: 'bg-amber-50/50 dark:bg-amber-950/20' };
const COUNT: Record<TChangeAction, keyof TDiffSummary> = { create: 'toCreate', update: 'toUpdate', delete: 'toDelete', unchanged: 'unchanged', invalid: 'invalid' };
const ORDER: TChangeAction[] = ['invalid', 'create', 'update', 'delete', 'unchanged'];
// a diff of 10,000 rows is filtered, not scrolled: the page stays quick
const SHOWN = 500;

type Filter = TChangeAction | 'all';

/** A diff (import, promote, revert …) as a table, filtered by action; invalid rows say why. */
export function DiffTable({ changes, summary, label }: { changes: TChange[]; summary: TDiffSummary; label: string }) {
  // problems first: a diff with invalid rows opens on them
  const [filter, setFilter] = useState<Filter>(summary.invalid > 0 ? 'invalid' : 'all');
  const rows = filter === 'all' ? changes : changes.filter((c) => c.action === filter);
  return (
    <div>
      <div role="group" aria-label="Show" className="flex flex-wrap gap-1.5 px-4 py-3">
        <FilterChip current={filter} value="all" label={`All (${changes.length})`} onPick={setFilter} />
        {ORDER.filter((a) => summary[COUNT[a]] > 0).map((a) => (
          <FilterChip key={a} current={filter} value={a} label={`${a} (${summary[COUNT[a]]})`} onPick={setFilter} />
        ))}
      </div>
      {rows.length === 0 ? (
        <EmptyState title="Nothing to show" description="No item of this kind in the diff." />
      ) : (
        <Table aria-label={label}>
          <THead>
            <tr>
              <Th>Action</Th>
              <Th>Item</Th>
              <Th>Now → after</Th>
            </tr>
          </THead>
          <TBody>
            {rows.slice(0, SHOWN).map((c) => (
              <Tr key={`${c.kind}:${c.key}:${c.scope}`} className={ROW[c.action]} data-action={c.action}>
                <Td>
                  <Badge tone={TONE[c.action]}>{c.action}</Badge>
                </Td>
                <Td className="sm:min-w-40">
                  <span className="font-mono text-xs break-all">{c.key}</span>
                  <span className="block text-xs text-zinc-600 dark:text-zinc-400">
                    {c.kind} {c.scope && `at ${c.scope}`}
                  </span>
                  {c.error && (
                    <p className="mt-1 text-sm text-red-800 dark:text-red-300">
                      {c.error.message}
                      {c.error.field && <span className="text-xs"> ({c.error.field})</span>}
                    </p>
                  )}
                </Td>
                <Td className="min-w-20 font-mono text-xs sm:min-w-48">
                  <ValueChange change={c} />
                </Td>
              </Tr>
            ))}
          </TBody>
        </Table>
      )}
      {rows.length > SHOWN && (
        <p className="px-4 py-2 text-xs text-zinc-600 dark:text-zinc-400">
          Showing {SHOWN} of {rows.length}: filter by action to see the others.
        </p>
      )}
    </div>
  );
}

function ValueChange({ change: c }: { change: TChange }) {
  const lock = (locked?: boolean) => (locked ? ' 🔒' : '');
  if (c.action === 'unchanged') return <ValueText text={compactJson(c.newValue, 60)} className="text-zinc-600 dark:text-zinc-400" />;
  return (
    <span>
      <ValueText text={c.currentValue == null ? '(none)' : compactJson(c.currentValue, 60)} className={cn(c.currentValue != null && 'text-zinc-500 line-through dark:text-zinc-400')} />
      {lock(c.currentLocked)}
      {' → '}
      <ValueText text={c.action === 'delete' || c.newValue == null ? '(removed)' : compactJson(c.newValue, 60)} className="font-semibold" />
      {lock(c.newLocked)}
    </span>
  );
}

// a short value ("12", "true") stays whole on a phone; only a long one (a JSON object, a URL) may break anywhere
const SHORT = 16;

/** One value of a diff: unbreakable when short, so a narrow column never shows "12" as "1 / 2". */
export function ValueText({ text, className }: { text: string; className?: string }) {
  return <span className={cn(text.length <= SHORT ? 'whitespace-nowrap' : 'break-all', className)}>{text}</span>;
}

function FilterChip({ current, value, label, onPick }: { current: Filter; value: Filter; label: string; onPick: (f: Filter) => void }) {
  const on = current === value;
  return (
    <button
      type="button"
      aria-pressed={on}
      onClick={() => onPick(value)}
      className={cn(
        'rounded-full px-3 py-1 text-xs font-medium ring-1 ring-inset focus-visible:outline-2 focus-visible:outline-indigo-600',
        on ? 'bg-indigo-600 text-white ring-indigo-600' : 'bg-white text-zinc-700 ring-zinc-300 hover:bg-zinc-50 dark:bg-zinc-900 dark:text-zinc-300 dark:ring-zinc-700',
      )}
    >
      {label}
    </button>
  );
}

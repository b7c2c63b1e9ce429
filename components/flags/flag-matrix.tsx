'use client';

import { useQueryClient } from '@tanstack/react-query';
import { Fragment, useState, type ReactNode } from 'react';
import { toast } from 'sonner';
import { api } from '@/lib/client/api';
import { expiryNote, FLAG_TYPE_LABELS, type MatrixFlag } from '@/lib/client/flags';
import type { TFlagMatrix } from '@/lib/schemas/flags';
import { Alert } from '@/components/ui/alert';
import { Badge } from '@/components/ui/badge';
import { Button, Spinner } from '@/components/ui/button';
import { Card } from '@/components/ui/card';
import { cn } from '@/components/ui/cn';
import { Dialog, DialogClose, DialogContent, DialogFooter } from '@/components/ui/dialog';
import { EmptyState } from '@/components/ui/empty-state';
import { Field } from '@/components/ui/field';
import { Input } from '@/components/ui/input';
import { Table, TBody, Td, Th, THead, Tr } from '@/components/ui/table';
import { ChangedBy, recentClass, useRecentChange } from '@/components/shell/live-context';
import { MATRIX_QUERY, useRefreshFlags } from './queries';

type Scope = TFlagMatrix['scopes'][number];
type Cell = MatrixFlag['cells'][string];

const INHERITED_HINT = 'flag-inherited-hint';

/** A cell's look: own rows solid, inherited ones outlined, so where a value comes from shows at a glance. */
export function cellClass({ enabled, inherited }: Cell) {
  return cn(
    'relative inline-flex min-w-24 items-center justify-center gap-1.5 rounded-full px-2.5 py-1 text-xs font-medium whitespace-nowrap sm:min-w-28',
    inherited
      ? 'border border-dashed border-zinc-400 text-zinc-600 dark:border-zinc-600 dark:text-zinc-400'
      : enabled
        ? 'bg-emerald-100 text-emerald-900 ring-1 ring-emerald-300 ring-inset dark:bg-emerald-950 dark:text-emerald-200 dark:ring-emerald-800'
        : 'bg-zinc-100 text-zinc-800 ring-1 ring-zinc-300 ring-inset dark:bg-zinc-800 dark:text-zinc-200 dark:ring-zinc-700',
  );
}

/** A key that wraps after its dots on narrow screens, never inside a word. */
export function KeyText({ flagKey }: { flagKey: string }) {
  return flagKey.split('.').map((part, i) => (
    <Fragment key={i}>
      {i > 0 && (
        <>
          .<wbr />
        </>
      )}
      {part}
    </Fragment>
  ));
}

export function CellState({ cell, pending }: { cell: Cell; pending?: boolean }) {
  const state = cell.enabled ? 'on' : 'off';
  return (
    <>
      {pending ? <Spinner className="size-2.5" /> : <span aria-hidden className={cn('size-2 rounded-full', cell.enabled ? 'bg-emerald-500' : 'bg-zinc-400 dark:bg-zinc-500')} />}
      {cell.inherited ? `inherits: ${state}` : state === 'on' ? 'On' : 'Off'}
    </>
  );
}

/** Seed 003 §6.5: flags × global and the tenants. Platform admins switch cells in place (global after a confirmation). */
export function FlagMatrix({ matrix, mayWrite, now, onOpen }: { matrix: TFlagMatrix; mayWrite: boolean; now: number; onOpen(key: string): void }) {
  const queryClient = useQueryClient();
  const refresh = useRefreshFlags();
  const [filter, setFilter] = useState('');
  const [pending, setPending] = useState<string | null>(null);
  const [confirming, setConfirming] = useState<MatrixFlag | null>(null);
  const needle = filter.trim().toLowerCase();
  const shown = needle ? matrix.flags.filter((f) => `${f.key} ${f.description}`.toLowerCase().includes(needle)) : matrix.flags;

  /** Sets `enabled` in the row at `scope`; at a tenant that inherits, this creates its own row. */
  async function setEnabled(flag: MatrixFlag, scope: Scope, enabled: boolean, reason?: string) {
    await api.put(`/flags/${encodeURIComponent(flag.key)}`, { scope: scope.id, enabled, reason });
    // the cell at once; the refresh brings what inherits from it
    queryClient.setQueryData<TFlagMatrix>(MATRIX_QUERY, (m) =>
      m && { ...m, flags: m.flags.map((f) => (f.key === flag.key ? { ...f, cells: { ...f.cells, [scope.id]: { enabled, inherited: false } } } : f)) },
    );
    toast.success(`${flag.key} is ${enabled ? 'on' : 'off'} ${scope.id === 'global' ? 'globally' : `for ${scope.name}`}`);
    await refresh();
  }

  async function toggleTenant(flag: MatrixFlag, scope: Scope) {
    setPending(`${flag.key}@${scope.id}`);
    try {
      await setEnabled(flag, scope, !flag.cells[scope.id].enabled);
    } catch (err) {
      toast.error(`${flag.key} for ${scope.name}: ${(err as Error).message}`);
    } finally {
      setPending(null);
    }
  }

  return (
    <Card>
      <div className="flex flex-wrap items-center gap-x-4 gap-y-2 border-b border-zinc-200 px-4 py-3 dark:border-zinc-800">
        <label htmlFor="flag-filter" className="sr-only">
          Filter flags
        </label>
        <Input id="flag-filter" type="search" value={filter} onChange={(e) => setFilter(e.target.value)} placeholder="Filter by key or description" className="max-w-xs" />
        <p className="flex flex-wrap items-center gap-2 text-xs text-zinc-600 dark:text-zinc-400">
          <span className={cellClass({ enabled: true, inherited: false })}>
            <CellState cell={{ enabled: true, inherited: false }} />
          </span>
          <span className={cellClass({ enabled: false, inherited: false })}>
            <CellState cell={{ enabled: false, inherited: false }} />
          </span>
          <span className={cellClass({ enabled: true, inherited: true })}>
            <CellState cell={{ enabled: true, inherited: true }} />
          </span>
          <span id={INHERITED_HINT}>Solid: the scope’s own row. Outlined: inherited from global{mayWrite && '; switching it gives the tenant its own row'}.</span>
        </p>
      </div>
      {shown.length === 0 ? (
        <EmptyState title={`No flags match “${filter.trim()}”`} action={<Button size="sm" onClick={() => setFilter('')}>Show all flags</Button>} />
      ) : (
        <Table caption="Feature flags at global and in each tenant" className="border-separate border-spacing-0">
          <THead>
            <Tr>
              <Th className="sticky left-0 z-10 min-w-44 border-b border-zinc-200 bg-white dark:border-zinc-800 dark:bg-zinc-900">Flag</Th>
              {matrix.scopes.map((s) => (
                <Th key={s.id} className="border-b border-zinc-200 text-center dark:border-zinc-800">
                  {s.name}
                </Th>
              ))}
            </Tr>
          </THead>
          <TBody>
            {shown.map((f) => {
              const expiry = expiryNote(f.expiresAt, now);
              return (
                <MatrixRow key={f.key} flagKey={f.key}>
                  <th scope="row" className="sticky left-0 z-10 w-44 border-b border-zinc-100 bg-white px-3 py-2 text-left font-normal transition-colors duration-1000 in-data-[changed=true]:bg-amber-50 sm:w-auto sm:max-w-md sm:px-4 dark:border-zinc-800 dark:bg-zinc-900 dark:in-data-[changed=true]:bg-amber-950">
                    <span className="flex flex-wrap items-center gap-x-2 gap-y-1">
                      <button
                        type="button"
                        onClick={() => onOpen(f.key)}
                        aria-haspopup="dialog"
                        className="text-left font-mono text-xs font-medium text-indigo-700 hover:underline focus-visible:outline-2 focus-visible:outline-indigo-600 dark:text-indigo-300"
                      >
                        <KeyText flagKey={f.key} />
                      </button>
                      <Badge>{FLAG_TYPE_LABELS[f.flagType]}</Badge>
                      {expiry && <Badge tone={expiry.tone}>{expiry.text}</Badge>}
                    </span>
                    {f.description && <span className="mt-1 hidden text-xs text-zinc-600 sm:line-clamp-2 dark:text-zinc-400">{f.description}</span>}
                    <RowChangedBy flagKey={f.key} />
                  </th>
                  {matrix.scopes.map((s) => {
                    const cell = f.cells[s.id];
                    return (
                      <Td key={s.id} className="border-b border-zinc-100 text-center dark:border-zinc-800">
                        {mayWrite ? (
                          <button
                            type="button"
                            role="switch"
                            aria-checked={cell.enabled}
                            aria-label={`${f.key} for ${s.name}`}
                            aria-describedby={cell.inherited ? INHERITED_HINT : undefined}
                            disabled={pending === `${f.key}@${s.id}`}
                            onClick={() => (s.id === 'global' ? setConfirming(f) : toggleTenant(f, s))}
                            className={cn(cellClass(cell), 'cursor-pointer hover:brightness-95 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600 disabled:opacity-60 dark:hover:brightness-125')}
                          >
                            <CellState cell={cell} pending={pending === `${f.key}@${s.id}`} />
                          </button>
                        ) : (
                          <span className={cellClass(cell)}>
                            <span className="sr-only">{`${f.key} for ${s.name}: `}</span>
                            <CellState cell={cell} />
                          </span>
                        )}
                      </Td>
                    );
                  })}
                </MatrixRow>
              );
            })}
          </TBody>
        </Table>
      )}

      <Dialog open={confirming !== null} onOpenChange={(o) => !o && setConfirming(null)}>
        {confirming && <ConfirmGlobal flag={confirming} scopes={matrix.scopes} onConfirm={(reason) => setEnabled(confirming, matrix.scopes[0], !confirming.cells.global.enabled, reason).then(() => setConfirming(null))} />}
      </Dialog>
    </Card>
  );
}

/** A flag's row, marked for a while after someone else changed the flag (the matrix refetches by itself). */
function MatrixRow({ flagKey, children }: { flagKey: string; children: ReactNode }) {
  const recent = useRecentChange(flagKey);
  return (
    <Tr data-changed={recent ? 'true' : undefined} className={recentClass(recent)}>
      {children}
    </Tr>
  );
}

function RowChangedBy({ flagKey }: { flagKey: string }) {
  const recent = useRecentChange(flagKey);
  return recent ? (
    <span className="mt-1 block">
      <ChangedBy change={recent} />
    </span>
  ) : null;
}

/** A global change reaches every tenant without its own row: say which before doing it. */
function ConfirmGlobal({ flag, scopes, onConfirm }: { flag: MatrixFlag; scopes: Scope[]; onConfirm(reason?: string): Promise<void> }) {
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const turnOn = !flag.cells.global.enabled;
  const tenants = scopes.filter((s) => s.id !== 'global');
  const inheriting = tenants.filter((s) => flag.cells[s.id].inherited);
  const own = tenants.filter((s) => !flag.cells[s.id].inherited);
  const names = (list: Scope[]) => list.map((s) => s.name).join(', ');

  async function confirm() {
    setBusy(true);
    setError(null);
    try {
      await onConfirm(reason.trim() || undefined);
    } catch (err) {
      setError((err as Error).message);
      setBusy(false);
    }
  }

  return (
    <DialogContent title={`Turn ${flag.key} ${turnOn ? 'on' : 'off'} globally?`} description="The global row is the default for every tenant without a row of its own.">
      <div className="space-y-3 text-sm">
        <p>
          {inheriting.length === 0
            ? 'No tenant inherits it now: every tenant has its own row.'
            : `${inheriting.length === 1 ? '1 tenant inherits' : `${inheriting.length} tenants inherit`} this and will follow: ${names(inheriting)}.`}
        </p>
        {own.length > 0 && <p className="text-zinc-600 dark:text-zinc-400">Unchanged, with their own row: {names(own)}.</p>}
        <Field id="global-reason" label="Reason (optional)" hint="Kept in the audit log with the change.">
          {(p) => <Input {...p} value={reason} onChange={(e) => setReason(e.target.value)} maxLength={1000} />}
        </Field>
        {error && <Alert tone="danger">{error}</Alert>}
      </div>
      <DialogFooter>
        <DialogClose asChild>
          <Button>Cancel</Button>
        </DialogClose>
        <Button variant={turnOn ? 'primary' : 'danger'} pending={busy} onClick={confirm}>
          Turn {turnOn ? 'on' : 'off'} globally
        </Button>
      </DialogFooter>
    </DialogContent>
  );
}

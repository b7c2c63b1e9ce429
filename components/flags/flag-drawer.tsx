'use client';

import { useQuery } from '@tanstack/react-query';
import { useState, type ReactNode } from 'react';
import { toast } from 'sonner';
import { api, ApiError } from '@/lib/client/api';
import { daysAgo, expiryNote, FLAG_TYPE_LABELS, formatVariantValue, type MatrixFlag } from '@/lib/client/flags';
import type { TFlagAtScope, TFlagMatrix } from '@/lib/schemas/flags';
import type { TAuditEntry, TAuditPage } from '@/lib/schemas/api';
import { Alert } from '@/components/ui/alert';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { DateTime } from '@/components/ui/date-time';
import { Dialog, DialogClose, DialogContent, DialogFooter } from '@/components/ui/dialog';
import { EmptyState } from '@/components/ui/empty-state';
import { Field } from '@/components/ui/field';
import { Input, Select } from '@/components/ui/input';
import { Sheet, SheetContent } from '@/components/ui/sheet';
import { Skeleton } from '@/components/ui/skeleton';
import { CellState, cellClass } from './flag-matrix';
import { FlagForm } from './flag-form';
import { FLAGS_QUERY, rowQuery, useRefreshFlags } from './queries';

interface Props {
  flag: MatrixFlag | undefined;
  matrix: TFlagMatrix;
  mayWrite: boolean;
  now: number;
  onOpen(key: string): void;
  onClose(): void;
  onEvaluate(key: string): void;
}

/** One flag in full (seed 003 §6.5 "Flag Details"): a row's rule, the flag in every scope, and its history. */
export function FlagDrawer({ flag, matrix, mayWrite, now, onOpen, onClose, onEvaluate }: Props) {
  // the rows the flag has, global first; the panel shows one of them
  const own = flag ? matrix.scopes.filter((s) => !flag.cells[s.id].inherited) : [];
  const [picked, setPicked] = useState(own[0]?.id);
  const scope = own.find((s) => s.id === picked) ?? own[0];
  const [editing, setEditing] = useState(false);
  const [deleting, setDeleting] = useState(false);
  const row = useQuery({ ...rowQuery(flag?.key ?? '', scope?.id ?? 'global'), enabled: !!flag && !!scope });

  return (
    <Sheet open={!!flag} onOpenChange={(o) => !o && onClose()}>
      {flag && (
        <SheetContent title={<span className="font-mono text-base">{flag.key}</span>} description={flag.description || 'No description.'}>
          <div className="space-y-6">
            <div className="flex flex-wrap gap-2">
              {mayWrite && row.data && (
                <Button size="sm" variant="primary" onClick={() => setEditing(true)}>
                  Edit
                </Button>
              )}
              <Button size="sm" onClick={() => onEvaluate(flag.key)}>
                Evaluate as…
              </Button>
              {mayWrite && row.data && (
                <Button size="sm" variant="ghost" onClick={() => setDeleting(true)}>
                  {scope?.id === 'global' ? 'Delete' : `Remove ${scope?.name} row`}
                </Button>
              )}
            </div>

            <section aria-labelledby="flag-rule-title" className="space-y-3">
              <div className="flex flex-wrap items-center justify-between gap-2">
                <h3 id="flag-rule-title" className="text-sm font-semibold">
                  Rule {scope && <>at {scope.name}</>}
                </h3>
                {own.length > 1 && (
                  <div className="flex items-center gap-2">
                    <label htmlFor="flag-row" className="text-xs text-zinc-600 dark:text-zinc-400">
                      Row
                    </label>
                    <Select id="flag-row" value={scope?.id} onChange={(e) => setPicked(e.target.value)} className="w-auto py-1">
                      {own.map((s) => (
                        <option key={s.id} value={s.id}>
                          {s.name}
                        </option>
                      ))}
                    </Select>
                  </div>
                )}
              </div>
              {!scope ? (
                <Alert>This flag has rows only below the tenants (e.g. at events); they are not shown here.</Alert>
              ) : row.error ? (
                <Alert tone="danger">{row.error.message}</Alert>
              ) : !row.data ? (
                <div aria-busy="true" className="space-y-2">
                  <span className="sr-only">Loading the rule…</span>
                  <Skeleton className="h-48" />
                </div>
              ) : (
                <RuleDetails flag={row.data} lastEvaluatedAt={flag.lastEvaluatedAt} now={now} onOpen={onOpen} />
              )}
            </section>

            <section aria-labelledby="flag-scopes-title" className="space-y-2">
              <h3 id="flag-scopes-title" className="text-sm font-semibold">
                By scope
              </h3>
              <ul className="divide-y divide-zinc-100 rounded-md border border-zinc-200 dark:divide-zinc-800 dark:border-zinc-800">
                {matrix.scopes.map((s) => (
                  <li key={s.id} className="flex items-center justify-between gap-3 px-3 py-2 text-sm">
                    <span className="min-w-0 truncate">{s.name}</span>
                    <span className={cellClass(flag.cells[s.id])}>
                      <CellState cell={flag.cells[s.id]} />
                    </span>
                  </li>
                ))}
              </ul>
            </section>

            <History flagKey={flag.key} />
          </div>

          {row.data && (
            <>
              <Dialog open={editing} onOpenChange={setEditing}>
                {editing && (
                  <DialogContent title={`Edit ${flag.key}`} description={`The row at ${scope?.name}. Only this row changes.`} className="max-w-2xl">
                    <FlagForm flags={matrix.flags} row={row.data} onDone={() => setEditing(false)} />
                  </DialogContent>
                )}
              </Dialog>
              <Dialog open={deleting} onOpenChange={setDeleting}>
                {deleting && <ConfirmDelete row={row.data} scopeName={scope!.name} lastRow={own.length === 1} onDone={() => setDeleting(false)} />}
              </Dialog>
            </>
          )}
        </SheetContent>
      )}
    </Sheet>
  );
}

function Detail({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="grid grid-cols-[8rem_minmax(0,1fr)] gap-3 py-2 text-sm">
      <dt className="text-zinc-600 dark:text-zinc-400">{label}</dt>
      <dd className="min-w-0 break-words">{children}</dd>
    </div>
  );
}

const none = <span className="text-zinc-500">none</span>;
const code = (text: string) => <code className="rounded bg-zinc-100 px-1 py-0.5 font-mono text-xs dark:bg-zinc-800">{text}</code>;

function RuleDetails({ flag, lastEvaluatedAt, now, onOpen }: { flag: TFlagAtScope; lastEvaluatedAt: string | null; now: number; onOpen(key: string): void }) {
  const expiry = expiryNote(flag.expiresAt, now);
  return (
    <dl className="divide-y divide-zinc-100 dark:divide-zinc-800">
      <Detail label="State">{flag.enabled ? <Badge tone="success">On</Badge> : <Badge>Off</Badge>}</Detail>
      <Detail label="Type">
        {FLAG_TYPE_LABELS[flag.flagType]} {code(flag.flagType)}
      </Detail>
      <Detail label="Rollout">{flag.rolloutPercentage === null ? none : `${flag.rolloutPercentage}% of users`}</Detail>
      <Detail label="Roles">{flag.enabledForRoles.length ? flag.enabledForRoles.join(', ') : none}</Detail>
      <Detail label="Users">{flag.enabledForUsers.length ? flag.enabledForUsers.join(', ') : none}</Detail>
      <Detail label="Depends on">
        {flag.dependsOnFlag ? (
          <button type="button" onClick={() => onOpen(flag.dependsOnFlag!)} className="font-mono text-xs text-indigo-700 hover:underline dark:text-indigo-300">
            {flag.dependsOnFlag}
          </button>
        ) : (
          none
        )}
      </Detail>
      <Detail label="Expires">
        {flag.expiresAt ? (
          <span className="flex flex-wrap items-center gap-2">
            <DateTime value={flag.expiresAt} />
            {expiry && <Badge tone={expiry.tone}>{expiry.text}</Badge>}
          </span>
        ) : (
          'never'
        )}
      </Detail>
      <Detail label="Variants">
        {flag.variants?.length ? (
          <table className="w-full text-left text-xs">
            <caption className="sr-only">Variants</caption>
            <thead className="text-zinc-600 dark:text-zinc-400">
              <tr>
                <th className="py-1 pr-3 font-medium">Key</th>
                <th className="py-1 pr-3 font-medium">Value</th>
                <th className="py-1 text-right font-medium">Weight</th>
              </tr>
            </thead>
            <tbody>
              {flag.variants.map((v) => (
                <tr key={v.key}>
                  <td className="py-1 pr-3 font-mono">{v.key}</td>
                  <td className="py-1 pr-3 font-mono break-all">{formatVariantValue(v.value)}</td>
                  <td className="py-1 text-right tabular-nums">{v.weight}%</td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : (
          none
        )}
      </Detail>
      <Detail label="Metadata">
        {flag.metadata && Object.keys(flag.metadata).length ? (
          <dl className="space-y-0.5">
            {Object.entries(flag.metadata).map(([k, v]) => (
              <div key={k}>
                <dt className="inline text-zinc-600 dark:text-zinc-400">{k}: </dt>
                <dd className="inline font-mono text-xs">{typeof v === 'string' ? v : JSON.stringify(v)}</dd>
              </div>
            ))}
          </dl>
        ) : (
          none
        )}
      </Detail>
      <Detail label="Version">
        {flag.version} · changed <DateTime value={flag.updatedAt} /> · created <DateTime value={flag.createdAt} />
      </Detail>
      <Detail label="Last evaluated">
        {lastEvaluatedAt ? (
          <>
            <DateTime value={lastEvaluatedAt} /> ({daysAgo(lastEvaluatedAt, now)})
          </>
        ) : (
          'not yet'
        )}
      </Detail>
    </dl>
  );
}

/** The rule fields a change touched, "enabled: false → true". */
function changedFields(e: TAuditEntry): string[] {
  const before = (e.oldValue ?? {}) as Record<string, unknown>;
  const after = (e.newValue ?? {}) as Record<string, unknown>;
  if (e.action !== 'flag.update') return [];
  return Object.keys(after)
    .filter((k) => JSON.stringify(before[k]) !== JSON.stringify(after[k]))
    .map((k) => `${k}: ${JSON.stringify(before[k] ?? null)} → ${JSON.stringify(after[k] ?? null)}`);
}

const HISTORY_LIMIT = 20;

/** The flag's audit entries at every scope the caller may read. */
function History({ flagKey }: { flagKey: string }) {
  const { data, error, isPending } = useQuery({
    queryKey: [...FLAGS_QUERY, 'history', flagKey],
    queryFn: () => api.get<TAuditPage>('/audit', { params: { key: flagKey, limit: HISTORY_LIMIT } }),
  });
  // a setting may share the key: only the flag's entries
  const entries = data?.entries.filter((e) => e.action.startsWith('flag.'));
  return (
    <section aria-labelledby="flag-history-title" className="space-y-2">
      <h3 id="flag-history-title" className="text-sm font-semibold">
        History
      </h3>
      {error ? (
        <Alert tone={error instanceof ApiError && error.status === 403 ? 'info' : 'danger'}>{error.message}</Alert>
      ) : isPending ? (
        <div aria-busy="true" className="space-y-2">
          <span className="sr-only">Loading history…</span>
          <Skeleton className="h-12" />
          <Skeleton className="h-12" />
        </div>
      ) : !entries?.length ? (
        <EmptyState title="No changes yet" />
      ) : (
        <ol aria-label="Changes, newest first" className="divide-y divide-zinc-100 dark:divide-zinc-800">
          {entries.map((e) => (
            <li key={e.id} className="space-y-1 py-2.5 text-sm">
              <div className="flex flex-wrap items-center gap-x-2 gap-y-1">
                <Badge tone={e.action === 'flag.delete' ? 'warning' : 'neutral'}>{e.action.replace('flag.', '')}</Badge>
                <span className="font-medium">{e.actorName ?? 'system'}</span>
                <span className="text-zinc-600 dark:text-zinc-400">
                  at {e.scopeId} · <DateTime value={e.at} />
                </span>
              </div>
              {changedFields(e).map((c) => (
                <p key={c} className="font-mono text-xs break-all">
                  {c}
                </p>
              ))}
              {e.reason && <p className="text-zinc-600 dark:text-zinc-400">Reason: {e.reason}</p>}
            </li>
          ))}
        </ol>
      )}
      {data && data.total > HISTORY_LIMIT && <p className="text-xs text-zinc-600 dark:text-zinc-400">The latest {HISTORY_LIMIT} entries; the audit log has them all.</p>}
    </section>
  );
}

/** Deleting a row: only once it is off (409 FLAG_ENABLED otherwise, said plainly). */
function ConfirmDelete({ row, scopeName, lastRow, onDone }: { row: TFlagAtScope; scopeName: string; lastRow: boolean; onDone(): void }) {
  const refresh = useRefreshFlags();
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function remove() {
    setBusy(true);
    setError(null);
    try {
      await api.delete(`/flags/${encodeURIComponent(row.key)}`, { params: { scope: row.scope, reason: reason.trim() || undefined }, headers: { 'if-match': `"${row.version}"` } });
      toast.success(`${row.key} deleted at ${scopeName}`);
      onDone();
      await refresh();
    } catch (err) {
      setError(err instanceof ApiError && err.code === 'FLAG_ENABLED' ? `${row.key} is on at ${scopeName}. Switch it off first: only a disabled flag can be deleted.` : (err as Error).message);
      setBusy(false);
    }
  }

  return (
    <DialogContent
      title={`Delete ${row.key} at ${scopeName}?`}
      description={lastRow ? 'This is its only row: the flag disappears, and code asking for it gets NOT_FOUND (off).' : `${scopeName} then inherits the flag from above again.`}
    >
      <div className="space-y-3">
        {row.enabled && <Alert tone="warning">It is on here. Flags are deleted only once switched off.</Alert>}
        <Field id="delete-reason" label="Reason (optional)" hint="Kept in the audit log.">
          {(p) => <Input {...p} value={reason} onChange={(e) => setReason(e.target.value)} maxLength={1000} />}
        </Field>
        {error && <Alert tone="danger">{error}</Alert>}
      </div>
      <DialogFooter>
        <DialogClose asChild>
          <Button>Cancel</Button>
        </DialogClose>
        <Button variant="danger" pending={busy} onClick={remove}>
          Delete
        </Button>
      </DialogFooter>
    </DialogContent>
  );
}

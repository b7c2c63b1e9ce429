'use client';

import Link from 'next/link';
import { useState, type ReactNode } from 'react';
import type { TAuditEntry } from '@/lib/schemas/api';
import { Badge } from '@/components/ui/badge';
import { buttonClass } from '@/components/ui/button';
import { DateTime } from '@/components/ui/date-time';
import { Dialog, DialogContent } from '@/components/ui/dialog';
import { EmptyState } from '@/components/ui/empty-state';
import { Table, TBody, Td, Th, THead, Tr } from '@/components/ui/table';
import { actionTone, auditSubject, compactJson, REDACTED, roleLabel } from './format';

/** One page of audit entries: a table from md up, a list below; either opens an entry's details. */
export function AuditEntries({ entries, filtered }: { entries: TAuditEntry[]; filtered: boolean }) {
  const [selected, setSelected] = useState<TAuditEntry | null>(null);

  if (entries.length === 0)
    return filtered ? (
      <EmptyState
        title="No entries match these filters"
        action={
          <Link href="/audit" className={buttonClass({ size: 'sm' })}>
            Clear filters
          </Link>
        }
      />
    ) : (
      <EmptyState title="No audit entries yet" description="Changes to settings, flags, the registry, users and tokens are recorded here as they happen." />
    );

  return (
    <>
      <div className="hidden md:block">
        <Table caption="Audit entries, newest first" className="text-xs">
          <THead>
            <Tr>
              <Th>Time</Th>
              <Th>Actor</Th>
              <Th>Action and source</Th>
              <Th>Key and scope</Th>
              <Th>Old → new</Th>
              <Th>Reason</Th>
            </Tr>
          </THead>
          <TBody>
            {entries.map((e) => (
              <Tr key={e.id} onClick={() => setSelected(e)} className="cursor-pointer hover:bg-zinc-50 dark:hover:bg-zinc-800/50">
                <Td className="w-28">
                  <DetailsButton entry={e} onOpen={setSelected} />
                </Td>
                <Td className="whitespace-nowrap">
                  <Actor entry={e} />
                </Td>
                <Td>
                  <Badge tone={actionTone(e.action)}>{e.action}</Badge>
                  <span className="mt-1 block text-zinc-600 dark:text-zinc-400">{e.source}</span>
                </Td>
                <Td className="min-w-48 [overflow-wrap:anywhere]">
                  <span className="block font-mono">{auditSubject(e)}</span>
                  <span className="mt-1 block text-zinc-600 dark:text-zinc-400">{e.scopeId ?? 'no scope'}</span>
                </Td>
                <Td className="min-w-44">
                  <Change entry={e} />
                </Td>
                <Td className="max-w-48 truncate" title={e.reason ?? undefined}>
                  {e.reason ?? ''}
                </Td>
              </Tr>
            ))}
          </TBody>
        </Table>
      </div>

      <ul aria-label="Audit entries, newest first" className="divide-y divide-zinc-100 md:hidden dark:divide-zinc-800">
        {entries.map((e) => (
          <li key={e.id} className="space-y-1 px-4 py-3 text-sm">
            <div className="flex flex-wrap items-center gap-2">
              <DetailsButton entry={e} onOpen={setSelected} />
              <Badge tone={actionTone(e.action)}>{e.action}</Badge>
              <span className="text-xs text-zinc-600 dark:text-zinc-400">{e.source}</span>
            </div>
            <p className="font-mono text-xs break-all">{auditSubject(e)}</p>
            <Change entry={e} />
            <p className="text-xs text-zinc-600 dark:text-zinc-400">
              <Actor entry={e} inline /> · {e.scopeId ?? 'no scope'}
            </p>
            {e.reason && <p className="text-xs">Reason: {e.reason}</p>}
          </li>
        ))}
      </ul>

      <Dialog open={selected !== null} onOpenChange={(open) => !open && setSelected(null)}>
        {selected && <EntryDetails entry={selected} />}
      </Dialog>
    </>
  );
}

/** The entry's time, as the button that opens its details (its name says which entry). */
function DetailsButton({ entry, onOpen }: { entry: TAuditEntry; onOpen(e: TAuditEntry): void }) {
  return (
    <button
      type="button"
      onClick={(ev) => {
        ev.stopPropagation();
        onOpen(entry);
      }}
      className="rounded text-left font-medium text-indigo-700 underline-offset-2 hover:underline focus-visible:outline-2 focus-visible:outline-indigo-600 dark:text-indigo-300"
    >
      <DateTime value={entry.at} />
      <span className="sr-only">
        : details of entry {entry.id}, {entry.action} {auditSubject(entry)}
      </span>
    </button>
  );
}

function Actor({ entry, inline }: { entry: TAuditEntry; inline?: boolean }) {
  const role = entry.actorRole && <span className="text-zinc-600 dark:text-zinc-400">{roleLabel(entry.actorRole)}</span>;
  if (inline)
    return (
      <>
        {entry.actorName ?? 'system'}
        {role && <> ({role})</>}
      </>
    );
  return (
    <>
      <span className="block">{entry.actorName ?? 'system'}</span>
      {role && <span className="block">{role}</span>}
    </>
  );
}

function Value({ value }: { value: unknown }) {
  if (value === REDACTED) return <Badge tone="warning">{REDACTED}</Badge>;
  if (value === null || value === undefined) return <span className="text-zinc-500">—</span>;
  return (
    <code className="font-mono [overflow-wrap:anywhere]" title={JSON.stringify(value)}>
      {compactJson(value)}
    </code>
  );
}

function Change({ entry }: { entry: TAuditEntry }) {
  if (entry.oldValue == null && entry.newValue == null) return null;
  return (
    <span className="inline-flex flex-wrap items-center gap-1 text-xs">
      <Value value={entry.oldValue} />
      <span aria-label="changed to">→</span>
      <Value value={entry.newValue} />
    </span>
  );
}

function EntryDetails({ entry: e }: { entry: TAuditEntry }) {
  const rows: [string, ReactNode][] = [
    ['Time', <DateTime key="t" value={e.at} />],
    ['Actor', `${e.actorName ?? 'system'}${e.actorRole ? ` (${roleLabel(e.actorRole)})` : ''}${e.actorId ? ` · ${e.actorId}` : ''}`],
    ['Action', e.action],
    ['Key', e.key ?? '—'],
    ['Scope', e.scopeId ? `${e.scopeId}${e.level && e.level !== e.scopeId ? ` (${e.level})` : ''}` : '—'],
    ['Version', e.version ?? '—'],
    ['Source', e.source],
    ['IP address', e.ip ?? '—'],
    ['Reason', e.reason ?? '—'],
  ];
  return (
    <DialogContent title={`Audit entry ${e.id}`} description={`${e.action} ${auditSubject(e)}`.trim()} className="max-w-2xl">
      <dl className="grid grid-cols-[8rem_minmax(0,1fr)] gap-x-4 gap-y-1.5 text-sm">
        {rows.map(([label, value]) => (
          <div key={label} className="contents">
            <dt className="text-zinc-600 dark:text-zinc-400">{label}</dt>
            <dd className="break-words">{value}</dd>
          </div>
        ))}
      </dl>
      {(
        [
          ['Old value', e.oldValue],
          ['New value', e.newValue],
          ['Details', e.details],
        ] as const
      ).map(([label, value]) =>
        value == null ? null : (
          <section key={label} className="mt-4">
            <h3 className="mb-1 text-sm font-medium">{label}</h3>
            <pre className="max-h-64 overflow-auto rounded-md bg-zinc-100 p-3 font-mono text-xs dark:bg-zinc-950 dark:ring-1 dark:ring-zinc-800">{JSON.stringify(value, null, 2)}</pre>
          </section>
        ),
      )}
    </DialogContent>
  );
}

'use client';

import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { api } from '@/lib/client/api';
import type { TDriftedItem, TDriftReport, TDriftSeverity, TMissingItem, TRemediated } from '@/lib/schemas/drift';
import { compactJson } from '@/components/audit/format';
import { Alert } from '@/components/ui/alert';
import { Badge, type BadgeTone } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { Dialog, DialogContent, DialogFooter } from '@/components/ui/dialog';
import { Field } from '@/components/ui/field';
import { Textarea } from '@/components/ui/input';
import { ValueText } from './diff-table';
import { Writable } from '@/components/shell/live-context';

const TONE: Record<TDriftSeverity, BadgeTone> = { critical: 'danger', warning: 'warning', info: 'neutral' };
const RANK: Record<TDriftSeverity, number> = { critical: 0, warning: 1, info: 2 };
const bySeverity = <T extends { severity: TDriftSeverity }>(items: T[]) => [...items].sort((a, b) => RANK[a.severity] - RANK[b.severity]);
const show = (v: unknown) => (v == null ? '(none)' : compactJson(v, 60));

/** A report's drifted, missing and unexpected values, most severe first. */
export function DriftLists({ report }: { report: TDriftReport }) {
  if (report.drifted.length + report.missing.length + report.unexpected.length === 0) {
    return (
      <Alert tone="info" className="m-4">
        No drift: every stored value is what was recorded for it.
      </Alert>
    );
  }
  return (
    <div className="divide-y divide-zinc-100 dark:divide-zinc-800">
      <Section title="Drifted" hint="stored, but not what was recorded" count={report.drifted.length}>
        {bySeverity(report.drifted).map((d) => (
          <Item key={`${d.key}@${d.scope}`} item={d}>
            <ValueText text={show(d.expectedValue)} className="text-zinc-500 dark:text-zinc-400" /> recorded → <ValueText text={show(d.actualValue)} className="font-semibold" /> stored
          </Item>
        ))}
      </Section>
      <Section title="Missing" hint="recorded as stored, but gone" count={report.missing.length}>
        {bySeverity(report.missing).map((d) => (
          <Item key={`${d.key}@${d.scope}`} item={d}>
            <ValueText text={show(d.expectedValue)} className="font-semibold" /> recorded, nothing stored
          </Item>
        ))}
      </Section>
      <Section title="Unexpected" hint="stored values of unknown keys or scopes" count={report.unexpected.length}>
        {report.unexpected.map((u) => (
          <li key={`${u.key}@${u.scope}`} aria-label={`${u.key} at ${u.scope}`} className="px-4 py-2 text-sm">
            <span className="font-mono text-xs break-all">
              {u.key} @ {u.scope}
            </span>
            <span className="block font-mono text-xs">
              <ValueText text={show(u.actualValue)} />
            </span>
            <span className="block text-xs text-zinc-600 dark:text-zinc-400">{u.reason}</span>
          </li>
        ))}
      </Section>
    </div>
  );
}

function Section({ title, hint, count, children }: { title: string; hint: string; count: number; children: React.ReactNode }) {
  if (count === 0) return null;
  return (
    <section aria-label={title}>
      <h3 className="px-4 pt-3 text-sm font-semibold">
        {title} ({count}) <span className="font-normal text-zinc-600 dark:text-zinc-400">{hint}</span>
      </h3>
      <ul className="divide-y divide-zinc-100 dark:divide-zinc-800">{children}</ul>
    </section>
  );
}

function Item({ item: d, children }: { item: TDriftedItem | TMissingItem; children: React.ReactNode }) {
  return (
    <li aria-label={`${d.key} at ${d.scope}`} className="px-4 py-2 text-sm">
      <span className="flex flex-wrap items-center gap-2">
        <Badge tone={TONE[d.severity]}>{d.severity}</Badge>
        <span className="font-mono text-xs break-all">
          {d.key} @ {d.scope}
        </span>
        <span className="text-xs text-zinc-600 dark:text-zinc-400">{d.autoRemediable ? 'auto-remediable' : 'needs review'}</span>
      </span>
      <span className="mt-1 block font-mono text-xs">{children}</span>
      <span className="block text-xs text-zinc-600 dark:text-zinc-400">{d.reason}</span>
    </li>
  );
}

interface RemediateProps {
  open: boolean;
  onOpenChange: (open: boolean) => void;
  scope: string;
  items: (TDriftedItem | TMissingItem)[];
  onDone: (r: TRemediated) => void;
}

/** Restores the auto-remediable items to what was recorded, with a reason (audited as auto_remediation). */
export function RemediateDialog({ open, onOpenChange, scope, items, onDone }: RemediateProps) {
  return <Dialog open={open} onOpenChange={onOpenChange}>{open && <RemediateForm scope={scope} items={items} onDone={onDone} />}</Dialog>;
}

function RemediateForm({ scope, items, onDone }: Omit<RemediateProps, 'open' | 'onOpenChange'>) {
  const [reason, setReason] = useState('');
  const [reasonError, setReasonError] = useState<string>();
  const keys = [...new Set(items.map((i) => i.key))];
  const run = useMutation({ mutationFn: (r: string) => api.post<TRemediated>('/drift/remediate', { scope, keys, reason: r }), onSuccess: onDone });
  const err = run.error;
  return (
    <DialogContent title={`Remediate ${items.length} item${items.length === 1 ? '' : 's'}?`} description="Each is put back to what was recorded for it, in one change set audited as auto_remediation.">
      <form
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          if (!reason.trim()) return setReasonError('Say why: the reason is recorded with every change.');
          setReasonError(undefined);
          run.mutate(reason.trim());
        }}
      >
<Writable className="contents">
        <ul className="mb-3 max-h-40 overflow-y-auto font-mono text-xs">
          {items.map((i) => (
            <li key={`${i.key}@${i.scope}`} className="break-all">
              {i.key} @ {i.scope}
            </li>
          ))}
        </ul>
        <Field id="remediate-reason" label="Reason" error={reasonError}>
          {(p) => <Textarea {...p} rows={3} value={reason} maxLength={1000} onChange={(e) => setReason(e.target.value)} placeholder="e.g. undo a manual database edit" />}
        </Field>
        {err && (
          <Alert tone="danger" className="mt-3">
            {err.message}
          </Alert>
        )}
        <DialogFooter>
          <Button type="submit" variant="primary" pending={run.isPending}>
            {run.isPending ? 'Restoring…' : 'Confirm remediation'}
          </Button>
        </DialogFooter>
      </Writable>
</form>
    </DialogContent>
  );
}

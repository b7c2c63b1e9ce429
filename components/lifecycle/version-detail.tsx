'use client';

import { useMutation } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { toast } from 'sonner';
import { api } from '@/lib/client/api';
import type { TApplied, TPreview } from '@/lib/schemas/export-import';
import type { TVersionDetail } from '@/lib/schemas/versions';
import { compactJson, roleLabel } from '@/components/audit/format';
import { Alert } from '@/components/ui/alert';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { Card, CardHeader } from '@/components/ui/card';
import { DateTime } from '@/components/ui/date-time';
import { Table, TBody, Td, Th, THead, Tr } from '@/components/ui/table';
import { DiffReview } from './diff-review';
import { ValueText } from './diff-table';
import { Writable } from '@/components/shell/live-context';

/** One change set: what it changed, and its revert (preview, then confirm; `force` where later changes refuse it). */
export function VersionDetail({ version: v }: { version: TVersionDetail }) {
  const router = useRouter();
  const [force, setForce] = useState(false);
  const path = `/versions/${encodeURIComponent(v.id)}/revert`;
  const preview = useMutation({ mutationFn: (withForce: boolean) => api.post<TPreview>(path, { force: withForce }, { params: { preview: true } }) });
  const confirm = (reason: string, etag: string) => api.post<TApplied>(path, { force, reason }, { params: { confirm: true }, headers: { 'if-match': etag } });
  const refused = preview.data?.changes.filter((c) => c.action === 'invalid' && c.error?.code === 'CONFLICT').length ?? 0;
  const previewWith = (f: boolean) => {
    setForce(f);
    preview.mutate(f);
  };

  return (
    <>
      <Card aria-labelledby="version-title">
        <CardHeader
          id="version-title"
          title={`Change set ${v.id}`}
          description={
            <>
              <DateTime value={v.at} /> · {v.actor.name ?? 'system'}
              {v.actor.role && ` (${roleLabel(v.actor.role)})`} · {v.reason || 'no reason given'}
            </>
          }
          actions={
            <>
              <Badge>{v.source}</Badge>
              <Writable>
                <Button size="sm" pending={preview.isPending} onClick={() => previewWith(false)}>
                  Revert…
                </Button>
              </Writable>
            </>
          }
        />
        {preview.error && (
          <Alert tone="danger" className="mx-4 mt-3">
            {preview.error.message}
          </Alert>
        )}
        <Table aria-label="Changes in this change set">
          <THead>
            <tr>
              <Th>Change</Th>
              <Th>Before → after</Th>
            </tr>
          </THead>
          <TBody>
            {v.changes.map((c) => (
              <Tr key={c.auditId}>
                <Td className="sm:min-w-40">
                  <span className="font-mono text-xs break-all">{c.key ?? c.action}</span>
                  <span className="block text-xs text-zinc-600 dark:text-zinc-400">
                    {c.action}
                    {c.scope && ` at ${c.scope}`}
                  </span>
                </Td>
                <Td className="min-w-20 font-mono text-xs sm:min-w-48">
                  <ValueText text={c.oldValue == null ? '(none)' : compactJson(c.oldValue, 60)} className={c.oldValue == null ? 'text-zinc-500 dark:text-zinc-400' : 'text-zinc-500 line-through dark:text-zinc-400'} />
                  {' → '}
                  <ValueText text={c.newValue == null ? '(none)' : compactJson(c.newValue, 60)} className="font-semibold" />
                </Td>
              </Tr>
            ))}
          </TBody>
        </Table>
      </Card>
      {preview.data && (
        <DiffReview
          key={preview.data.etag}
          preview={preview.data}
          title={`Reverting change set ${v.id}${force ? ' (forced)' : ''}`}
          verb="Revert"
          confirm={confirm}
          previewAgain={() => preview.mutate(force)}
          notice={
            (refused > 0 || force) && (
              <Alert tone="warning" className="mx-4 mt-3" title={force ? 'Forced: later changes to these values are overwritten' : `${refused} value${refused === 1 ? ' was' : 's were'} changed again later`}>
                <label className="mt-1 flex items-start gap-2">
                  <input type="checkbox" className="mt-0.5" checked={force} disabled={preview.isPending} onChange={(e) => previewWith(e.target.checked)} />
                  <span>Revert them anyway (force), overwriting the later changes</span>
                </label>
              </Alert>
            )
          }
          onApplied={(a) => {
            toast.success(`Reverted ${a.imported} change${a.imported === 1 ? '' : 's'}`);
            router.push(a.changeSetId ? `/versions?id=${encodeURIComponent(a.changeSetId)}` : '/versions');
            router.refresh();
          }}
        />
      )}
    </>
  );
}

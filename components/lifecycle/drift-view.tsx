'use client';

import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { toast } from 'sonner';
import { api } from '@/lib/client/api';
import type { ScopeOption } from '@/lib/client/scope-tree';
import { ScopeOptions } from './scope-options';
import type { TDriftReport, TRecordedDrift, TRemediated } from '@/lib/schemas/drift';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Card, CardBody, CardHeader } from '@/components/ui/card';
import { DateTime } from '@/components/ui/date-time';
import { Field } from '@/components/ui/field';
import { Select } from '@/components/ui/input';
import { DriftLists, RemediateDialog } from './drift-lists';

type Shown = TDriftReport & { trigger?: NonNullable<TRecordedDrift['report']>['trigger'] };

interface Props {
  scopes: ScopeOption[];
  home: string;
  /** The last recorded report (the daily check's or the CLI's), when the caller may see it. */
  last: Shown | null;
  seesLast: boolean;
  mayRemediate: boolean;
}

/** The last report, "Run now" at a scope, the three lists, and remediation of the auto-remediable items. */
export function DriftView({ scopes, home, last, seesLast, mayRemediate }: Props) {
  const [scope, setScope] = useState(home);
  const [report, setReport] = useState<Shown | null>(last);
  const [remediating, setRemediating] = useState(false);
  const check = useMutation({ mutationFn: (s: string) => api.get<TDriftReport>('/drift', { params: { scope: s } }), onSuccess: setReport });
  const fixable = report ? [...report.drifted, ...report.missing].filter((i) => i.autoRemediable) : [];
  return (
    <div className="space-y-4">
      <Card aria-labelledby="drift-run-title">
        <CardHeader id="drift-run-title" title="Check now" description="Compares every stored value at the scope and below with what was recorded for it." />
        <CardBody>
          <form
            className="flex flex-wrap items-end gap-3"
            onSubmit={(e) => {
              e.preventDefault();
              check.mutate(scope);
            }}
          >
            <div className="w-full sm:w-72">
              <Field id="drift-scope" label="Scope">
                {(p) => (
                  <Select {...p} value={scope} onChange={(e) => setScope(e.target.value)}>
                    <ScopeOptions scopes={scopes} />
                  </Select>
                )}
              </Field>
            </div>
            <Button type="submit" variant="primary" pending={check.isPending}>
              {check.isPending ? 'Checking…' : 'Run now'}
            </Button>
          </form>
          {check.error && (
            <Alert tone="danger" className="mt-3">
              {check.error.message}
            </Alert>
          )}
        </CardBody>
      </Card>
      <Card className="min-w-0" aria-labelledby="drift-report-title">
        <CardHeader
          id="drift-report-title"
          title={report ? `Drift at ${report.scope}` : 'No report yet'}
          description={
            report ? (
              <>
                {report.trigger ? `Last recorded check (${report.trigger === 'cli' ? 'operator CLI' : 'daily check'})` : 'Checked'} <DateTime value={report.checkedAt} />: {report.checked.toLocaleString('en')} stored {report.checked === 1 ? 'value' : 'values'} compared.
              </>
            ) : seesLast ? (
              'The server checks once a day; run a check now to see the current state.'
            ) : (
              'The daily report covers the whole installation; run a check of your scope now.'
            )
          }
          actions={
            mayRemediate &&
            fixable.length > 0 && (
              <Button size="sm" variant="primary" onClick={() => setRemediating(true)}>
                Remediate {fixable.length}…
              </Button>
            )
          }
        />
        {report && <DriftLists report={report} />}
      </Card>
      {report && (
        <RemediateDialog
          open={remediating}
          onOpenChange={setRemediating}
          scope={report.scope}
          items={fixable}
          onDone={(r: TRemediated) => {
            setRemediating(false);
            toast.success(`Restored ${r.items.length} value${r.items.length === 1 ? '' : 's'}${r.skipped.length ? `; ${r.skipped.length} left for review` : ''}`);
            check.mutate(report.scope);
          }}
        />
      )}
    </div>
  );
}

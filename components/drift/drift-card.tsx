import type { TRecordedDrift } from '@/lib/schemas/drift';
import { Badge } from '@/components/ui/badge';
import { Card, CardBody, CardHeader } from '@/components/ui/card';
import { DateTime } from '@/components/ui/date-time';
import { EmptyState } from '@/components/ui/empty-state';

type Report = NonNullable<TRecordedDrift['report']>;

const TONE = { critical: 'danger', warning: 'warning', info: 'neutral' } as const;

/** The dashboard's view of the last drift check (the daily job's, or an operator's `npm run settings -- drift`). */
export function DriftCard({ report }: { report: Report | null }) {
  const items = report ? [...report.drifted, ...report.missing] : [];
  const count = (s: keyof typeof TONE) => items.filter((i) => i.severity === s).length;
  return (
    <Card aria-labelledby="drift-title" className="mt-6">
      <CardHeader
        id="drift-title"
        title="Configuration drift"
        description="Stored values that differ from what the audit log or a settings migration recorded (edits around the service)."
      />
      {!report ? (
        <EmptyState title="No drift check yet" description="The server checks once a day; an operator can run `npm run settings -- drift`." />
      ) : (
        <CardBody className="space-y-3 text-sm">
          <p>
            Last check <DateTime value={report.checkedAt} /> ({report.trigger === 'cli' ? 'operator CLI' : 'daily check'}): {report.checked.toLocaleString('en')} stored values.
          </p>
          <p className="flex flex-wrap gap-2" aria-label="Drift by severity">
            <Badge tone={count('critical') ? 'danger' : 'neutral'}>{count('critical')} critical</Badge>
            <Badge tone={count('warning') ? 'warning' : 'neutral'}>{count('warning')} warning</Badge>
            <Badge tone="neutral">{count('info')} info</Badge>
            <Badge tone={report.unexpected.length ? 'warning' : 'neutral'}>{report.unexpected.length} unexpected</Badge>
          </p>
          {items.length > 0 && (
            <ul aria-label="Drifted settings" className="divide-y divide-zinc-100 dark:divide-zinc-800">
              {items.slice(0, 8).map((d) => (
                <li key={`${d.key}@${d.scope}`} className="flex flex-wrap items-center gap-x-3 gap-y-1 py-2">
                  <Badge tone={TONE[d.severity]}>{d.severity}</Badge>
                  <span className="font-mono text-xs break-all">
                    {d.key} @ {d.scope}
                  </span>
                  <span className="text-xs text-zinc-600 dark:text-zinc-400">{d.autoRemediable ? 'auto-remediable' : 'needs review'}</span>
                </li>
              ))}
            </ul>
          )}
          {items.length === 0 && report.unexpected.length === 0 && <p>Every stored value is what was recorded.</p>}
        </CardBody>
      )}
    </Card>
  );
}

'use client';

import { daysAgo, type MatrixFlag } from '@/lib/client/flags';
import { Card, CardHeader } from '@/components/ui/card';
import { DateTime } from '@/components/ui/date-time';
import { EmptyState } from '@/components/ui/empty-state';
import { Select } from '@/components/ui/input';

export const STALE_DAYS = 30;
const DAY_CHOICES = [7, 14, 30, 60, 90, 180];

interface Props {
  expired: MatrixFlag[];
  idle: MatrixFlag[];
  days: number;
  onDaysChange(days: number): void;
  now: number;
  onOpen(key: string): void;
}

/** Cleanup candidates (seed 003 §5.2.2 "Cleanup"): expired flags, and flags no one has asked about lately. */
export function StaleFlags({ expired, idle, days, onDaysChange, now, onOpen }: Props) {
  const item = (f: MatrixFlag, note: React.ReactNode) => (
    <li key={f.key} className="flex flex-wrap items-baseline gap-x-3 gap-y-1 px-4 py-3 text-sm">
      <button type="button" onClick={() => onOpen(f.key)} aria-haspopup="dialog" className="font-mono text-xs font-medium text-indigo-700 hover:underline focus-visible:outline-2 focus-visible:outline-indigo-600 dark:text-indigo-300">
        {f.key}
      </button>
      <span className="min-w-0 flex-1 text-zinc-600 dark:text-zinc-400">{f.description}</span>
      <span className="w-full text-xs text-zinc-600 sm:w-auto dark:text-zinc-400">{note}</span>
    </li>
  );

  return (
    <div className="space-y-6">
      <Card aria-labelledby="expired-title">
        <CardHeader id="expired-title" title={`Expired (${expired.length})`} description="Past their expiry date, so off everywhere: remove them from code, then delete them." />
        {expired.length === 0 ? (
          <EmptyState title="No expired flags" />
        ) : (
          <ul aria-label="Expired flags" className="divide-y divide-zinc-100 dark:divide-zinc-800">
            {expired.map((f) =>
              item(
                f,
                <>
                  expired <DateTime value={f.expiresAt!} />
                </>,
              ),
            )}
          </ul>
        )}
      </Card>

      <Card aria-labelledby="idle-title">
        <CardHeader
          id="idle-title"
          title={`Not evaluated for ${days} days (${idle.length})`}
          description="No service asked for them in that time (new flags count from their creation). Evaluation times are recorded about once a minute."
          actions={
            <>
              <label htmlFor="stale-days" className="text-xs text-zinc-600 dark:text-zinc-400">
                Period
              </label>
              <Select id="stale-days" value={days} onChange={(e) => onDaysChange(Number(e.target.value))} className="w-auto py-1">
                {DAY_CHOICES.map((d) => (
                  <option key={d} value={d}>
                    {d} days
                  </option>
                ))}
              </Select>
            </>
          }
        />
        {idle.length === 0 ? (
          <EmptyState title={`Every flag was evaluated in the last ${days} days`} description="Or created within them." />
        ) : (
          <ul aria-label={`Flags not evaluated for ${days} days`} className="divide-y divide-zinc-100 dark:divide-zinc-800">
            {idle.map((f) => item(f, f.lastEvaluatedAt ? `last evaluated ${daysAgo(f.lastEvaluatedAt, now)}` : `never evaluated · created ${daysAgo(f.createdAt, now)}`))}
          </ul>
        )}
      </Card>
    </div>
  );
}

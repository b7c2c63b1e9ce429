'use client';

import type { TQuotaStatus } from '@/lib/schemas/models';
import { Card, CardBody, CardHeader } from '@/components/ui/card';
import { DateTime } from '@/components/ui/date-time';
import { EmptyState } from '@/components/ui/empty-state';

type Metric = 'requests' | 'tokens' | 'cost';
const METRICS: Metric[] = ['requests', 'tokens', 'cost'];
const fmt = (metric: Metric, n: number) => (metric === 'cost' ? n.toLocaleString('en', { maximumFractionDigits: 4 }) : n.toLocaleString('en'));

/** A usage bar against the hard limit, with the soft threshold marked. */
function QuotaBar({ metric, used, hard, soft }: { metric: Metric; used: number; hard: number; soft?: number }) {
  const pct = hard > 0 ? Math.min(100, (used / hard) * 100) : 100;
  const tone = used >= hard ? 'bg-red-600' : soft !== undefined && used >= soft ? 'bg-amber-500' : 'bg-indigo-600';
  return (
    <div className="space-y-1">
      <div className="flex justify-between gap-2 text-xs">
        <span className="font-medium capitalize">{metric}</span>
        <span className="tabular-nums text-zinc-600 dark:text-zinc-400">
          {fmt(metric, used)} / {fmt(metric, hard)}
          {soft !== undefined && ` (soft ${fmt(metric, soft)})`}
        </span>
      </div>
      <div role="meter" aria-label={`${metric} used`} aria-valuemin={0} aria-valuemax={hard} aria-valuenow={used} className="relative h-2.5 overflow-hidden rounded-full bg-zinc-200 dark:bg-zinc-800">
        <div className={`h-full ${tone}`} style={{ width: `${pct}%` }} />
        {soft !== undefined && hard > 0 && <div aria-hidden className="absolute top-0 h-full w-0.5 bg-zinc-900/60 dark:bg-white/70" style={{ left: `${Math.min(100, (soft / hard) * 100)}%` }} />}
      </div>
    </div>
  );
}

/** Daily usage over the last 30 days as a line: plain SVG. */
export function Sparkline({ values, label }: { values: number[]; label: string }) {
  const w = 300;
  const h = 48;
  const max = Math.max(1, ...values);
  const step = values.length > 1 ? w / (values.length - 1) : w;
  const points = values.map((v, i) => `${(i * step).toFixed(1)},${(h - 2 - (v / max) * (h - 6)).toFixed(1)}`);
  return (
    <figure className="space-y-1">
      <svg role="img" aria-label={`${label}: at most ${max.toLocaleString('en')} a day, ${values.at(-1)?.toLocaleString('en') ?? 0} today`} viewBox={`0 0 ${w} ${h}`} preserveAspectRatio="none" className="h-12 w-full text-indigo-600 dark:text-indigo-400">
        <polygon points={`0,${h} ${points.join(' ')} ${w},${h}`} className="fill-current opacity-15" />
        <polyline points={points.join(' ')} fill="none" stroke="currentColor" strokeWidth="1.5" vectorEffect="non-scaling-stroke" />
      </svg>
      <figcaption className="flex justify-between text-xs text-zinc-600 dark:text-zinc-400">
        <span>{label}, last 30 days</span>
        <span className="tabular-nums">max {max.toLocaleString('en')}</span>
      </figcaption>
    </figure>
  );
}

function QuotaCard({ q, scope }: { q: TQuotaStatus; scope: string }) {
  const id = `quota-${q.provider}-${q.scope}`;
  const metric: Metric = q.history.some((d) => d.tokens > 0) ? 'tokens' : 'requests';
  return (
    <Card aria-labelledby={id} data-testid={id}>
      <CardHeader id={id} title={`${q.provider} · quota at ${q.scope}`} description={`${q.scope === scope ? 'Set here' : `Set at ${q.scope}; counts its whole subtree`} · windows in ${q.quota.timeZone}`} />
      <CardBody className="space-y-4">
        <div className="grid gap-4 sm:grid-cols-2">
          {q.windows.map((w) => {
            const limited = METRICS.filter((m) => w.limits[m]);
            return (
              <div key={w.period} className="space-y-2">
                <h3 className="text-sm font-medium capitalize">{w.period}</h3>
                {limited.length === 0 && <p className="text-xs text-zinc-600 dark:text-zinc-400">No limit · {fmt('tokens', w.usage.tokens)} tokens, {fmt('requests', w.usage.requests)} requests</p>}
                {limited.map((m) => (
                  <QuotaBar key={m} metric={m} used={w.usage[m]} hard={w.limits[m]!.hard} soft={w.limits[m]!.soft} />
                ))}
                <p className="text-xs text-zinc-600 dark:text-zinc-400">
                  Resets <DateTime value={w.resetsAt} />
                </p>
              </div>
            );
          })}
        </div>
        <Sparkline values={q.history.map((d) => d[metric])} label={`${metric === 'tokens' ? 'Tokens' : 'Requests'} per day at ${q.scope}`} />
      </CardBody>
    </Card>
  );
}

/** Every quota limiting the scope (its own and its ancestors'), with bars per window and 30 days of usage. */
export function QuotaPanel({ quotas, scope }: { quotas: TQuotaStatus[]; scope: string }) {
  if (quotas.length === 0) {
    return (
      <Card>
        <EmptyState title="No quota limits this scope" description="Set one on a provider at this scope or above it (Edit → Quota); usage is metered either way." />
      </Card>
    );
  }
  return (
    <div className="grid gap-4 lg:grid-cols-2">
      {quotas.map((q) => (
        <QuotaCard key={`${q.provider}@${q.scope}`} q={q} scope={scope} />
      ))}
    </div>
  );
}

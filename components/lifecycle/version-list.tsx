import Link from 'next/link';
import type { TVersion } from '@/lib/schemas/versions';
import { roleLabel } from '@/components/audit/format';
import { Badge, type BadgeTone } from '@/components/ui/badge';
import { cn } from '@/components/ui/cn';
import { DateTime } from '@/components/ui/date-time';
import { EmptyState } from '@/components/ui/empty-state';

const SOURCE_TONE: Record<string, BadgeTone> = { import: 'info', restore: 'warning', rollback: 'warning', migration: 'info', auto_remediation: 'warning' };

/** Change sets newest first, each a link that opens its diff. */
export function VersionList({ versions, selected, href }: { versions: TVersion[]; selected?: string; href: (id: string) => string }) {
  if (versions.length === 0) return <EmptyState title="No changes yet" description="Each save, bulk write, import or promote appears here as one change set." />;
  return (
    <ul className="divide-y divide-zinc-100 dark:divide-zinc-800">
      {versions.map((v) => (
        <li key={v.id}>
          <Link
            href={href(v.id)}
            scroll={false}
            aria-current={v.id === selected ? 'true' : undefined}
            className={cn('block px-4 py-3 hover:bg-zinc-50 focus-visible:outline-2 focus-visible:outline-indigo-600 dark:hover:bg-zinc-800/60', v.id === selected && 'bg-indigo-50 dark:bg-indigo-950/50')}
          >
            <span className="flex flex-wrap items-center gap-2 text-sm">
              <Badge tone={SOURCE_TONE[v.source] ?? 'neutral'}>{v.source}</Badge>
              <span className="font-medium">
                {v.changes} change{v.changes === 1 ? '' : 's'}
              </span>
              <DateTime value={v.at} className="text-xs text-zinc-600 dark:text-zinc-400" />
            </span>
            <span className="mt-1 block truncate text-sm">{v.reason || <span className="text-zinc-500 italic">no reason given</span>}</span>
            <span className="mt-0.5 block truncate text-xs text-zinc-600 dark:text-zinc-400">
              {v.actor.name ?? 'system'}
              {v.actor.role && ` (${roleLabel(v.actor.role)})`} · <span className="font-mono">{v.keys.join(', ')}</span>
            </span>
          </Link>
        </li>
      ))}
    </ul>
  );
}

'use client';

import * as D from '@radix-ui/react-dialog';
import Link from 'next/link';
import { useSearchParams } from 'next/navigation';
import { useMemo, useState } from 'react';
import { Icon } from '@/components/shell/icons';
import { Button } from '@/components/ui/button';
import { cn } from '@/components/ui/cn';
import { Input } from '@/components/ui/input';
import { levelLabel } from './format';
import type { LevelInfo, ScopeNode } from './types';

interface Props {
  scopes: ScopeNode[];
  levels: LevelInfo[];
  currentId: string;
}

/**
 * The scopes the caller may read, as a tree by parent (global → tenants → events, and custom levels), with
 * a search box. Beside the settings on wide screens; a drawer opened from a button on narrow ones.
 */
export function ScopeNavigator(props: Props) {
  const [open, setOpen] = useState(false);
  const current = props.scopes.find((s) => s.id === props.currentId);
  return (
    <>
      <nav aria-label="Scopes" className="hidden xl:block">
        <ScopeTree {...props} />
      </nav>
      <D.Root open={open} onOpenChange={setOpen}>
        <D.Trigger asChild>
          <Button className="w-full xl:hidden">
            <span className="min-w-0 flex-1 truncate text-left">
              Scope: {current?.name ?? props.currentId}
              {current && levelLabel(props.levels, current.level) !== current.name && (
                <span className="ml-1.5 font-normal text-zinc-500 dark:text-zinc-400">{levelLabel(props.levels, current.level)}</span>
              )}
            </span>
            <Icon name="chevron" className="size-4" />
          </Button>
        </D.Trigger>
        <D.Portal>
          <D.Overlay className="fixed inset-0 z-40 bg-zinc-950/50 xl:hidden" />
          <D.Content
            aria-describedby={undefined}
            className="fixed inset-y-0 right-0 z-50 flex w-80 max-w-[90vw] flex-col border-l border-zinc-200 bg-white p-4 shadow-xl outline-none xl:hidden dark:border-zinc-800 dark:bg-zinc-950"
          >
            <div className="mb-3 flex items-center justify-between">
              <D.Title className="font-semibold">Choose a scope</D.Title>
              <D.Close asChild>
                <Button variant="ghost" size="sm" aria-label="Close">
                  ✕
                </Button>
              </D.Close>
            </div>
            <nav aria-label="Scopes" className="min-h-0 flex-1">
              <ScopeTree {...props} onNavigate={() => setOpen(false)} />
            </nav>
          </D.Content>
        </D.Portal>
      </D.Root>
    </>
  );
}

function ancestorsOf(byId: Map<string, ScopeNode>, id: string): string[] {
  const out: string[] = [];
  for (let s = byId.get(id); s?.parentId && byId.has(s.parentId); s = byId.get(s.parentId)) out.push(s.parentId);
  return out;
}

function ScopeTree({ scopes, levels, currentId, onNavigate }: Props & { onNavigate?: () => void }) {
  const category = useSearchParams().get('category');
  const [query, setQuery] = useState('');
  const { byId, children, roots } = useMemo(() => {
    const byId = new Map(scopes.map((s) => [s.id, s]));
    const children = new Map<string, ScopeNode[]>();
    const roots: ScopeNode[] = [];
    for (const s of scopes) {
      // a scope whose parent the caller cannot see (a tenant admin's tenant) is a root of their tree
      if (s.parentId && byId.has(s.parentId)) children.set(s.parentId, [...(children.get(s.parentId) ?? []), s]);
      else roots.push(s);
    }
    return { byId, children, roots };
  }, [scopes]);
  // the way to the current scope and its children are open; the rest as the user left them
  const [expanded, setExpanded] = useState(() => new Set([...roots.map((r) => r.id), currentId, ...ancestorsOf(byId, currentId)]));
  const [openedFor, setOpenedFor] = useState(currentId);
  if (openedFor !== currentId) {
    setOpenedFor(currentId);
    setExpanded((prev) => new Set([...prev, currentId, ...ancestorsOf(byId, currentId)]));
  }

  // while searching: the matches and the scopes above them, all open
  const needle = query.trim().toLowerCase();
  const visible = useMemo(() => {
    if (!needle) return null;
    const ids = new Set<string>();
    for (const s of scopes) if (s.name.toLowerCase().includes(needle) || s.id.includes(needle)) [s.id, ...ancestorsOf(byId, s.id)].forEach((id) => ids.add(id));
    return ids;
  }, [needle, scopes, byId]);

  const href = (id: string) => `/settings?${new URLSearchParams({ scope: id, ...(category && { category }) })}`;
  const toggle = (id: string) => setExpanded((prev) => new Set(prev.has(id) ? [...prev].filter((x) => x !== id) : [...prev, id]));

  function branch(nodes: ScopeNode[], depth: number) {
    const shown = visible ? nodes.filter((n) => visible.has(n.id)) : nodes;
    return (
      <ul className={cn(depth > 0 && 'ml-3 border-l border-zinc-200 pl-1 dark:border-zinc-800')}>
        {shown.map((s) => {
          const kids = children.get(s.id) ?? [];
          const open = visible !== null || expanded.has(s.id);
          const current = s.id === currentId;
          return (
            <li key={s.id}>
              <div className="flex items-center">
                {kids.length ? (
                  <button
                    type="button"
                    onClick={() => toggle(s.id)}
                    aria-expanded={open}
                    aria-label={`${open ? 'Collapse' : 'Expand'} ${s.name}`}
                    className="rounded p-1 text-zinc-500 hover:bg-zinc-100 focus-visible:outline-2 focus-visible:outline-indigo-600 dark:hover:bg-zinc-800"
                  >
                    <Icon name="chevron" className={cn('size-4 transition-transform', !open && '-rotate-90')} />
                  </button>
                ) : (
                  <span className="w-6" />
                )}
                <Link
                  href={href(s.id)}
                  onClick={onNavigate}
                  aria-current={current ? 'page' : undefined}
                  className={cn(
                    'flex min-w-0 flex-1 items-baseline justify-between gap-2 rounded-md px-2 py-1.5 text-sm focus-visible:outline-2 focus-visible:outline-indigo-600',
                    current ? 'bg-indigo-50 font-medium text-indigo-800 dark:bg-indigo-950 dark:text-indigo-200' : 'hover:bg-zinc-100 dark:hover:bg-zinc-800',
                  )}
                >
                  <span className="truncate">{s.name}</span>
                  {levelLabel(levels, s.level) !== s.name && <span className="shrink-0 text-xs text-zinc-500 dark:text-zinc-400">{levelLabel(levels, s.level)}</span>}
                </Link>
              </div>
              {open && kids.length > 0 && branch(kids, depth + 1)}
            </li>
          );
        })}
      </ul>
    );
  }

  return (
    <div className="flex h-full flex-col gap-2">
      <Input type="search" aria-label="Find a scope" placeholder="Find a scope…" value={query} onChange={(e) => setQuery(e.target.value)} />
      <div className="min-h-0 flex-1 overflow-y-auto">
        {visible?.size === 0 ? <p className="px-2 py-3 text-sm text-zinc-600 dark:text-zinc-400">No scope matches “{query}”.</p> : branch(roots, 0)}
      </div>
    </div>
  );
}

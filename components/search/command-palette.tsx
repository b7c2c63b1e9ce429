'use client';

import * as D from '@radix-ui/react-dialog';
import { useQuery } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { useEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { api } from '@/lib/client/api';
import { searchSettings, type SettingEntry } from '@/lib/client/setting-search';
import type { TDefinition } from '@/lib/schemas/definition';
import type { TCategorySummary } from '@/lib/schemas/registry';
import { Icon } from '@/components/shell/icons';
import { cn } from '@/components/ui/cn';

/** The registry as the palette searches it, loaded on first open (and kept for a while). */
async function loadEntries(): Promise<SettingEntry[]> {
  const [{ definitions }, { categories }] = await Promise.all([
    api.get<{ definitions: TDefinition[] }>('/definitions', { params: { limit: 500 } }),
    api.get<{ categories: TCategorySummary[] }>('/categories'),
  ]);
  const labels = new Map(categories.map((c) => [c.key, c.label]));
  return definitions.map((d) => ({ key: d.key, label: d.label, description: d.description, category: d.category, categoryLabel: labels.get(d.category) ?? d.category }));
}

/**
 * Ctrl/⌘-K (or the header's search button): find any setting by key, label or description and jump to it
 * on the settings page, keeping the scope being viewed, with the setting's control focused.
 */
export function CommandPalette() {
  const [open, setOpen] = useState(false);
  const router = useRouter();
  // the setting chosen: opened once the dialog is gone, so that its focus trap cannot take the focus back
  const chosen = useRef<string | null>(null);

  useEffect(() => {
    const onKey = (e: globalThis.KeyboardEvent) => {
      if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 'k') {
        e.preventDefault();
        setOpen((o) => !o);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  function choose(entry: SettingEntry) {
    const scope = window.location.pathname === '/settings' ? new URLSearchParams(window.location.search).get('scope') : null;
    chosen.current = `/settings?${new URLSearchParams({ ...(scope && { scope }), category: entry.category })}#${encodeURIComponent(entry.key)}`;
    setOpen(false);
  }

  function openChosen(e: Event) {
    const url = chosen.current;
    if (!url) return;
    chosen.current = null;
    e.preventDefault(); // focus goes to the setting, not back to the search button
    if (window.location.pathname === '/settings') {
      // same scope, same data: switch the tab and focus in place (the page listens for the hash)
      window.history.pushState(null, '', url);
      window.dispatchEvent(new HashChangeEvent('hashchange'));
    } else router.push(url);
  }

  return (
    <D.Root open={open} onOpenChange={setOpen}>
      <D.Trigger
        aria-label="Search settings"
        aria-keyshortcuts="Control+K Meta+K"
        className="inline-flex h-8 items-center gap-2 rounded-md px-2 text-sm text-zinc-600 hover:bg-zinc-100 focus-visible:outline-2 focus-visible:outline-indigo-600 sm:w-56 sm:border sm:border-zinc-300 sm:bg-white sm:shadow-xs dark:text-zinc-400 dark:hover:bg-zinc-800 sm:dark:border-zinc-700 sm:dark:bg-zinc-900"
      >
        <Icon name="search" className="size-4" />
        <span className="hidden sm:inline">Search settings</span>
        <kbd className="ml-auto hidden rounded border border-zinc-300 px-1.5 font-sans text-xs sm:inline dark:border-zinc-700">Ctrl K</kbd>
      </D.Trigger>
      <D.Portal>
        <D.Overlay className="fixed inset-0 z-40 bg-zinc-950/50 backdrop-blur-[1px]" />
        <D.Content
          aria-describedby={undefined}
          onCloseAutoFocus={openChosen}
          className="fixed top-[8vh] left-1/2 z-50 flex max-h-[80dvh] w-[calc(100vw-2rem)] max-w-xl -translate-x-1/2 flex-col overflow-hidden rounded-lg border border-zinc-200 bg-white shadow-xl outline-none dark:border-zinc-800 dark:bg-zinc-900"
        >
          <D.Title className="sr-only">Search settings</D.Title>
          <SearchBox onChoose={choose} />
        </D.Content>
      </D.Portal>
    </D.Root>
  );
}

function SearchBox({ onChoose }: { onChoose(entry: SettingEntry): void }) {
  const { data, error, isPending } = useQuery({ queryKey: ['setting-index'], queryFn: loadEntries, staleTime: 60_000 });
  const [query, setQuery] = useState('');
  const [active, setActive] = useState(0);
  const results = useMemo(() => searchSettings(data ?? [], query), [data, query]);
  const list = useRef<HTMLUListElement>(null);

  function move(to: number) {
    if (!results.length) return;
    const next = (to + results.length) % results.length;
    setActive(next);
    list.current?.children[next]?.scrollIntoView({ block: 'nearest' });
  }

  function onKeyDown(e: KeyboardEvent) {
    const keys: Record<string, () => void> = {
      ArrowDown: () => move(active + 1),
      ArrowUp: () => move(active - 1),
      Home: () => move(0),
      End: () => move(results.length - 1),
      Enter: () => results[active] && onChoose(results[active]),
    };
    if (!keys[e.key]) return;
    e.preventDefault();
    keys[e.key]();
  }

  return (
    <>
      <div className="flex items-center gap-2 border-b border-zinc-200 px-3 dark:border-zinc-800">
        <Icon name="search" className="size-4 text-zinc-500" />
        <input
          role="combobox"
          aria-label="Search settings"
          aria-expanded={results.length > 0}
          aria-controls="palette-results"
          aria-autocomplete="list"
          aria-activedescendant={results[active] ? `palette-option-${active}` : undefined}
          value={query}
          onChange={(e) => {
            setQuery(e.target.value);
            setActive(0);
          }}
          onKeyDown={onKeyDown}
          placeholder="Search by name, key or description…"
          className="h-12 w-full bg-transparent text-sm outline-none placeholder:text-zinc-400"
        />
      </div>
      <ul ref={list} id="palette-results" role="listbox" aria-label="Settings" className="min-h-0 flex-1 overflow-y-auto p-1">
        {results.map((r, i) => (
          <li
            key={r.key}
            id={`palette-option-${i}`}
            role="option"
            aria-selected={i === active}
            onMouseMove={() => setActive(i)}
            onClick={() => onChoose(r)}
            className={cn('cursor-pointer rounded-md px-3 py-2', i === active && 'bg-indigo-50 dark:bg-indigo-950')}
          >
            <div className="flex items-baseline justify-between gap-3">
              <span className="truncate text-sm font-medium">{r.label}</span>
              <span className="shrink-0 text-xs text-zinc-500 dark:text-zinc-400">{r.categoryLabel}</span>
            </div>
            <div className="truncate font-mono text-xs text-zinc-500 dark:text-zinc-400">{r.key}</div>
          </li>
        ))}
      </ul>
      <p role="status" className="border-t border-zinc-200 px-3 py-2 text-xs text-zinc-600 dark:border-zinc-800 dark:text-zinc-400">
        {error
          ? `Could not load the settings: ${error.message}`
          : isPending
            ? 'Loading settings…'
            : results.length === 0
              ? `No setting matches “${query}”.`
              : `${results.length === 50 ? 'First 50' : results.length} result${results.length === 1 ? '' : 's'} · ↑ ↓ to move, Enter to open, Esc to close`}
      </p>
    </>
  );
}

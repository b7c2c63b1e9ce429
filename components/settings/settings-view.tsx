'use client';

import * as T from '@radix-ui/react-tabs';
import { useSearchParams } from 'next/navigation';
import { useEffect, useMemo, useRef, useState } from 'react';
import { isShown } from '@/lib/client/setting-form';
import { Card, CardHeader } from '@/components/ui/card';
import { EmptyState } from '@/components/ui/empty-state';
import { formatValue, levelLabel } from './format';
import { ReasonDialog } from './reason-dialog';
import { SettingRow, type ReasonRequest } from './setting-row';
import type { TSettingsSchema } from '@/lib/schemas/api';
import type { LevelInfo, ScopeContext, ScopeNode, SettingView } from './types';

/** Levels below `level` (tenant → event, custom levels under either, and always users): where a lock there applies. */
function levelsBelow(levels: LevelInfo[], level: string): string[] {
  const below = ['user'];
  for (let frontier = [level]; frontier.length; ) {
    frontier = levels.filter((l) => l.parentKey !== null && frontier.includes(l.parentKey)).map((l) => l.key);
    below.push(...frontier);
  }
  return below;
}

/** Focuses the setting named by the URL's #hash (the command palette links there). */
function useFocusFromHash(trigger: unknown) {
  useEffect(() => {
    const focus = () => {
      const key = decodeURIComponent(window.location.hash.slice(1));
      const row = key ? document.getElementById(key) : null;
      if (!row) return;
      row.scrollIntoView({ block: 'center' });
      (row.querySelector<HTMLElement>('[data-setting-control]') ?? row).focus({ preventScroll: true });
    };
    focus();
    window.addEventListener('hashchange', focus);
    return () => window.removeEventListener('hashchange', focus);
  }, [trigger]);
}

/**
 * The settings of one scope as category tabs (registry order) with their groups as sections. The category
 * is in the URL (?category=) without a round trip: every category's data is already here.
 */
export function SettingsView({ schema, scopes, canReveal }: { schema: TSettingsSchema; scopes: ScopeNode[]; canReveal: boolean }) {
  const searchParams = useSearchParams();
  const categories = schema.categories.filter((c) => c.count > 0);
  const wanted = searchParams.get('category');
  const active = categories.find((c) => c.key === wanted)?.key ?? categories[0]?.key;
  const [reasonRequest, setReasonRequest] = useState<ReasonRequest | null>(null);
  useFocusFromHash(searchParams);
  // on a phone the tabs scroll sideways: keep the active one in sight (sideways only, never the page)
  const tabList = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const list = tabList.current;
    const tab = list?.querySelector<HTMLElement>('[data-state="active"]');
    if (list && tab) list.scrollLeft = tab.offsetLeft - (list.clientWidth - tab.offsetWidth) / 2;
  }, [active]);

  const scope = useMemo<ScopeContext>(() => {
    const names = new Map(scopes.map((s) => [s.id, s.name]));
    return {
      id: schema.scope.id,
      level: schema.scope.level,
      lowerLevels: levelsBelow(schema.hierarchyLevels, schema.scope.level),
      levelLabel: (level) => levelLabel(schema.hierarchyLevels, level),
      scopeName: (id) => names.get(id) ?? (id === 'global' ? 'Global' : id),
    };
  }, [schema, scopes]);

  // showWhen compares with the value in effect at this scope
  const byKey = useMemo(() => new Map(schema.categories.flatMap((c) => c.groups.flatMap((g) => g.settings.map((s) => [s.key, s])))), [schema]);
  const shown = (s: SettingView) => isShown(s, (key) => byKey.get(key)?.currentValue);

  function select(category: string) {
    const params = new URLSearchParams(searchParams);
    params.set('category', category);
    window.history.replaceState(null, '', `?${params}`);
  }

  if (!active)
    return (
      <Card>
        <EmptyState
          title="No settings defined yet"
          description="Settings appear here once the registry has definitions: load an example catalog (POST /api/v1/catalogs/accreditation) or add your own (POST /api/v1/definitions)."
        />
      </Card>
    );

  return (
    <T.Root value={active} onValueChange={select}>
      <T.List ref={tabList} aria-label="Categories" className="relative -mx-1 flex gap-1.5 overflow-x-auto px-1 pb-1 sm:flex-wrap sm:overflow-visible">
        {categories.map((c) => (
          <T.Trigger
            key={c.key}
            value={c.key}
            className="inline-flex shrink-0 items-center gap-1.5 rounded-full border border-zinc-300 px-3 py-1 text-sm font-medium whitespace-nowrap text-zinc-700 hover:bg-zinc-100 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600 data-[state=active]:border-indigo-600 data-[state=active]:bg-indigo-600 data-[state=active]:text-white dark:border-zinc-700 dark:text-zinc-300 dark:hover:bg-zinc-800 dark:data-[state=active]:border-indigo-500 dark:data-[state=active]:bg-indigo-500"
          >
            {c.label}
            <span aria-hidden className="text-xs opacity-70 tabular-nums">
              {c.count}
            </span>
          </T.Trigger>
        ))}
      </T.List>
      {/* only the active panel, mounted at once (forceMount): a setting the URL's #hash names is in the DOM
          when the effect that focuses it runs, not one render later */}
      {categories.filter((c) => c.key === active).map((c) => {
        return (
          <T.Content key={c.key} value={c.key} forceMount className="mt-4 space-y-6 outline-none">
            {c.description && <p className="text-sm text-zinc-600 dark:text-zinc-400">{c.description}</p>}
            {c.groups.map((g) => {
              const visible = g.settings.filter(shown);
              return (
                <Card key={g.key} aria-labelledby={`group-${c.key}-${g.key}`}>
                  <CardHeader id={`group-${c.key}-${g.key}`} title={g.label} />
                  {visible.length > 0 && (
                    <ul className="divide-y divide-zinc-100 dark:divide-zinc-800">
                      {visible.map((s) => (
                        <li key={s.key}>
                          <SettingRow setting={s} scope={scope} canReveal={canReveal} askReason={setReasonRequest} />
                        </li>
                      ))}
                    </ul>
                  )}
                  <HiddenNote hidden={g.settings.filter((s) => !shown(s))} byKey={byKey} />
                </Card>
              );
            })}
          </T.Content>
        );
      })}
      <ReasonDialog action={reasonRequest} onClose={() => setReasonRequest(null)} />
    </T.Root>
  );
}

/** Says which settings showWhen hides and what brings them back, so nobody hunts for them. */
function HiddenNote({ hidden, byKey }: { hidden: SettingView[]; byKey: Map<string, SettingView> }) {
  const byCondition = new Map<string, string[]>();
  for (const s of hidden) {
    const { settingKey, equals } = s.ui!.showWhen!;
    const on = byKey.get(settingKey);
    const condition = on ? `${on.label} is ${formatValue(on, equals)}` : `${settingKey} is ${JSON.stringify(equals)}`;
    byCondition.set(condition, [...(byCondition.get(condition) ?? []), s.label]);
  }
  if (!byCondition.size) return null;
  return (
    <ul className="space-y-1 border-t border-zinc-100 px-4 py-3 text-xs text-zinc-600 dark:border-zinc-800 dark:text-zinc-400">
      {[...byCondition].map(([condition, labels]) => (
        <li key={condition}>
          Shown when {condition}: {labels.join(', ')}.
        </li>
      ))}
    </ul>
  );
}

'use client';

import { useQuery, useQueryClient, type QueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { toast } from 'sonner';
import { api, ApiError } from '@/lib/client/api';
import { draftOf, type Draft } from '@/lib/client/setting-form';
import { validateValue } from '@/lib/engine/value-schema';
import type { TPreferencesAnswer } from '@/lib/schemas/api';
import type { TDefinition } from '@/lib/schemas/definition';
import { parseTheme, THEME_PREFERENCE, type Theme } from '@/lib/theme';
import { PREFERENCES_QUERY_KEY, useTheme } from '@/components/shell/theme';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { Card, CardHeader } from '@/components/ui/card';
import { Dialog, DialogClose, DialogContent, DialogFooter, DialogTrigger } from '@/components/ui/dialog';
import { EmptyState } from '@/components/ui/empty-state';
import { PageHeader } from '@/components/ui/page-header';
import { SettingEditor } from '@/components/settings/setting-editor';
import { ChangedBy, recentClass, useReadOnly, useRecentChange } from '@/components/shell/live-context';
import { cn } from '@/components/ui/cn';


export interface PreferenceSection {
  key: string;
  label: string;
  description?: string;
  definitions: TDefinition[];
}

const fetchPreferences = () => api.get<TPreferencesAnswer>('/users/me/preferences');

/** Refetches after a reset; the theme may now come from elsewhere, so the page follows it at once. */
async function reload(queryClient: QueryClient, syncTheme: (t: Theme) => void) {
  await queryClient.invalidateQueries({ queryKey: PREFERENCES_QUERY_KEY });
  const theme = parseTheme(queryClient.getQueryData<TPreferencesAnswer>(PREFERENCES_QUERY_KEY)?.preferences[THEME_PREFERENCE]);
  if (theme) syncTheme(theme);
}

const message = (err: unknown) => (err instanceof Error ? err.message : String(err));

/** Choices take effect on change; typed values are saved explicitly, so half-typed input is never sent. */
const isChoice = (def: TDefinition) => def.type === 'boolean' || def.type === 'enum' || def.type === 'multiselect';

export function PreferencesEditor({ sections, initial }: { sections: PreferenceSection[]; initial: TPreferencesAnswer }) {
  const { data } = useQuery({ queryKey: PREFERENCES_QUERY_KEY, queryFn: fetchPreferences, initialData: initial });
  const definitions = sections.flatMap((s) => s.definitions);
  return (
    <>
      <PageHeader
        title="Preferences"
        description="Your own settings. Anything you have not set comes from your tenant, the global value or the default."
        actions={definitions.length > 0 && <ResetAll definitions={definitions} data={data} />}
      />
      {sections.length === 0 ? (
        <Card>
          <EmptyState
            title="No preferences to set"
            description="Preferences appear here once the registry defines settings that people may set for themselves (allowed at the user level), for example by loading the accreditation catalog."
          />
        </Card>
      ) : (
        <div className="space-y-6">
          {sections.map((s) => (
            <Section key={s.key} section={s} data={data} />
          ))}
        </div>
      )}
    </>
  );
}

function Section({ section, data }: { section: PreferenceSection; data: TPreferencesAnswer }) {
  const titleId = `section-${section.key}`;
  // sub-headings only where a category has more than one group (Notifications: Channels, Delivery)
  const groups = [...new Set(section.definitions.map((d) => d.group ?? ''))];
  return (
    <Card aria-labelledby={titleId}>
      <CardHeader id={titleId} title={section.label} description={section.description} />
      {groups.map((g) => (
        <div key={g} className="border-zinc-200 not-first-of-type:border-t dark:border-zinc-800">
          {groups.length > 1 && g && <h3 className="px-4 pt-3 text-xs font-semibold tracking-wide text-zinc-600 uppercase dark:text-zinc-400">{g}</h3>}
          <div className="divide-y divide-zinc-100 dark:divide-zinc-800">
            {section.definitions
              .filter((d) => (d.group ?? '') === g)
              .map((d) => (
                <PreferenceRow key={d.key} def={d} value={data.preferences[d.key]} from={data.resolvedFrom[d.key] ?? 'default'} />
              ))}
          </div>
        </div>
      ))}
    </Card>
  );
}

function Origin({ from }: { from: string }) {
  if (from === 'user') return <Badge tone="info">Your value</Badge>;
  return <Badge>{from === 'default' ? 'Default' : `Inherited from ${from}`}</Badge>;
}

function PreferenceRow({ def, value, from }: { def: TDefinition; value: unknown; from: string }) {
  const queryClient = useQueryClient();
  const { theme, setTheme, syncTheme } = useTheme();
  const [draft, setDraft] = useState<Draft>(); // undefined: showing what is saved
  const [error, setError] = useState<string>();
  const [pending, setPending] = useState(false);
  const choice = isChoice(def);
  // the theme has one source of truth, the shell's provider, which the header menu changes too
  const isTheme = def.key === THEME_PREFERENCE && parseTheme(value) !== null;
  // a draft (typed, not yet saved) is this row's own state: values arriving live never overwrite it
  const shown = draft ?? draftOf(def, isTheme ? theme : value);
  const { readOnly, reason: readOnlyReason } = useReadOnly();
  const recent = useRecentChange(def.key);
  const id = `pref-${def.key.replace(/\./g, '-')}`;
  const describedBy = [def.description && `${id}-desc`, error && `${id}-error`].filter(Boolean).join(' ') || undefined;

  async function save(input: Draft) {
    setError(undefined);
    let candidate: unknown = input;
    if (def.type === 'json' && typeof input === 'string') {
      try {
        candidate = JSON.parse(input);
      } catch {
        return setError(`${def.label} must be valid JSON`);
      }
    }
    // the server's own schema, so what is refused here would be refused there too
    const checked = validateValue(def, candidate);
    if (!checked.ok) {
      const issue = checked.issues[0];
      return setError(`${def.label} ${issue.rule === 'pattern' && def.ui?.placeholder ? `must look like ${def.ui.placeholder}` : issue.message}`);
    }
    if (isTheme) return void setTheme(checked.value as Theme);
    if (choice) setDraft(input);
    setPending(true);
    try {
      await api.put(`/users/me/preferences/${def.key}`, { value: checked.value });
      queryClient.setQueryData<TPreferencesAnswer>(PREFERENCES_QUERY_KEY, (prev) =>
        prev && { preferences: { ...prev.preferences, [def.key]: checked.value }, resolvedFrom: { ...prev.resolvedFrom, [def.key]: 'user' } },
      );
      setDraft(undefined);
      toast.success(`${def.label} saved`);
    } catch (err) {
      if (choice) setDraft(undefined);
      if (err instanceof ApiError && err.status < 500 && err.status !== 0) setError(err.message);
      else toast.error(`Could not save ${def.label}: ${message(err)}`);
    } finally {
      setPending(false);
    }
  }

  async function reset() {
    setPending(true);
    try {
      await api.delete(`/users/me/preferences/${def.key}`);
      await reload(queryClient, syncTheme);
      setDraft(undefined);
      setError(undefined);
      toast.success(`${def.label} reset: the inherited value applies`);
    } catch (err) {
      toast.error(`Could not reset ${def.label}: ${message(err)}`);
    } finally {
      setPending(false);
    }
  }

  const control = (
    <SettingEditor
      def={def}
      id={id}
      labelId={`${id}-label`}
      value={shown}
      onChange={(v) => (choice ? void save(v) : (setDraft(v), setError(undefined)))}
      onBlur={() => {}}
      describedBy={describedBy}
      invalid={!!error}
    />
  );
  const label =
    def.type === 'multiselect' ? (
      <span id={`${id}-label`} className="text-sm font-medium">
        {def.label}
      </span>
    ) : (
      <label id={`${id}-label`} htmlFor={id} className="text-sm font-medium">
        {def.label}
      </label>
    );

  return (
    <div data-changed={recent ? 'true' : undefined} className={cn('grid gap-3 px-4 py-4 sm:grid-cols-[minmax(0,1fr)_minmax(0,30rem)] sm:items-start sm:gap-6', recentClass(recent))}>
      <div className="min-w-0">
        <div className="flex flex-wrap items-center gap-2">
          {label}
          <Origin from={isTheme && theme !== value ? 'user' : from} />
          <ChangedBy change={recent} note={recent && draft !== undefined ? 'your unsaved edit is kept' : undefined} />
        </div>
        {def.description && (
          <p id={`${id}-desc`} className="mt-1 text-xs text-zinc-600 dark:text-zinc-400">
            {def.description}
          </p>
        )}
      </div>
      {/* a disabled fieldset disables every control in it: maintenance mode makes the row read-only */}
      <fieldset disabled={readOnly} title={readOnlyReason ?? undefined} className="min-w-0 space-y-1.5">
        {choice ? (
          <div className="flex min-h-8 items-center justify-between gap-2">
            {control}
            {from === 'user' && <ResetButton label={def.label} pending={pending} onClick={reset} />}
          </div>
        ) : (
          <form
            onSubmit={(e) => {
              e.preventDefault();
              void save(shown);
            }}
            onKeyDown={(e) => e.key === 'Escape' && draft !== undefined && (setDraft(undefined), setError(undefined))}
            className="flex items-start gap-2"
          >
            <div className="min-w-0 flex-1">{control}</div>
            {/* Save while there is something to save, else Reset where there is a value of your own */}
            {draft !== undefined ? (
              <Button type="submit" size="sm" className="mt-1" pending={pending}>
                Save<span className="sr-only"> {def.label}</span>
              </Button>
            ) : (
              from === 'user' && <ResetButton label={def.label} pending={pending} onClick={reset} className="mt-1" />
            )}
          </form>
        )}
        {error && (
          <p id={`${id}-error`} className="text-sm text-red-700 dark:text-red-400">
            {error}
          </p>
        )}
      </fieldset>
    </div>
  );
}

function ResetButton({ label, pending, onClick, className }: { label: string; pending: boolean; onClick(): void; className?: string }) {
  return (
    <Button variant="ghost" size="sm" disabled={pending} onClick={onClick} className={className} title="Forget your value; the inherited one applies">
      Reset<span className="sr-only"> {label}</span>
    </Button>
  );
}

/** Forgets every value of your own (after confirming), so tenant, global or default values apply again. */
function ResetAll({ definitions, data }: { definitions: TDefinition[]; data: TPreferencesAnswer }) {
  const queryClient = useQueryClient();
  const { syncTheme } = useTheme();
  const [open, setOpen] = useState(false);
  const [pending, setPending] = useState(false);
  const own = definitions.filter((d) => data.resolvedFrom[d.key] === 'user');
  const { readOnly, reason } = useReadOnly();

  async function resetAll() {
    setPending(true);
    const results = await Promise.allSettled(own.map((d) => api.delete(`/users/me/preferences/${d.key}`)));
    await reload(queryClient, syncTheme).catch(() => {});
    setPending(false);
    setOpen(false);
    const failed = results.filter((r) => r.status === 'rejected').length;
    if (failed) toast.error(`Could not reset ${failed} of ${own.length} preferences. Try again.`);
    else toast.success('Preferences reset to defaults');
  }

  return (
    <Dialog open={open} onOpenChange={setOpen}>
      <DialogTrigger asChild>
        <Button disabled={own.length === 0 || readOnly} title={reason ?? (own.length === 0 ? 'You have no values of your own' : undefined)}>
          Reset to defaults
        </Button>
      </DialogTrigger>
      <DialogContent title="Reset to defaults?" description="Your own values are forgotten; your tenant's, the global or the default values apply again.">
        <ul className="list-disc space-y-0.5 pl-5 text-sm">
          {own.map((d) => (
            <li key={d.key}>{d.label}</li>
          ))}
        </ul>
        <DialogFooter>
          <DialogClose asChild>
            <Button>Cancel</Button>
          </DialogClose>
          <Button variant="danger" pending={pending} onClick={resetAll}>
            Reset {own.length} {own.length === 1 ? 'preference' : 'preferences'}
          </Button>
        </DialogFooter>
      </DialogContent>
    </Dialog>
  );
}

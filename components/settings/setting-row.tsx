'use client';

import { zodResolver } from '@hookform/resolvers/zod';
import { useQueryClient } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { useEffect, useMemo, useState } from 'react';
import { Controller, useForm } from 'react-hook-form';
import { toast } from 'sonner';
import { z } from 'zod';
import { api, ApiError } from '@/lib/client/api';
import { draftOf, sentence, settingFormSchema, type Draft } from '@/lib/client/setting-form';
import { isSecret, MASK } from '@/lib/engine/secrecy';
import type { TSettingAtScope } from '@/lib/schemas/api';
import { Alert } from '@/components/ui/alert';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { cn } from '@/components/ui/cn';
import { Switch } from '@/components/ui/switch';
import { ChangedBy, recentClass, useReadOnly, useRecentChange } from '@/components/shell/live-context';
import { formatValue } from './format';
import { HistoryDialog, historyQueryKey } from './history-dialog';
import { RevealDialog } from './reveal-dialog';
import { SettingEditor, typeHint } from './setting-editor';
import type { ScopeContext, SettingView } from './types';

export interface ReasonRequest {
  title: string;
  run(reason: string): Promise<void>;
}

interface Props {
  setting: SettingView;
  scope: ScopeContext;
  canReveal: boolean;
  /** Global changes need a reason: the page asks for it in one dialog, then runs the change. */
  askReason(request: ReasonRequest): void;
}

const valueClass = 'rounded bg-zinc-100 px-1.5 py-0.5 font-mono text-xs break-all dark:bg-zinc-800';

/**
 * One setting at one scope: what it is, its effective value and where that comes from, the chain of every
 * level, and (where the caller may) an editor with Save, revert, lock and history.
 */
export function SettingRow({ setting, scope, canReveal, askReason }: Props) {
  const { key, label } = setting;
  const router = useRouter();
  const queryClient = useQueryClient();
  const here = setting.valuesOnPath[0];
  // the topmost lock wins, so that is the one to name
  const lockedAbove = setting.valuesOnPath.slice(1).findLast((v) => v.locked);
  const isGlobal = scope.level === 'global';
  const canLock = setting.canOverride && setting.allowedLevels.some((l) => scope.lowerLevels.includes(l));

  // `version`: the version the form's content is based on (If-Match), never edited
  const schema = useMemo(() => settingFormSchema(setting).extend({ version: z.number() }), [setting]);
  const saved = { value: draftOf(setting, here.stored ? here.value : setting.currentValue) as unknown, lock: here.locked, version: here.version };
  const form = useForm({ resolver: zodResolver(schema), defaultValues: saved });
  const [conflict, setConflict] = useState<string>();
  const [reverting, setReverting] = useState(false);
  const { readOnly, reason: readOnlyReason } = useReadOnly();
  const recent = useRecentChange(key, setting.valuesOnPath.map((v) => v.scopeId));
  // Newer server data (a save, or someone else's change arriving live) replaces the form only while it
  // holds no draft; a draft keeps the version it is based on, so saving it over a newer one gets the
  // If-Match conflict instead of silently overwriting it.
  const savedKey = `${here.version}\u0000${JSON.stringify(saved)}`;
  useEffect(() => {
    if (form.formState.isDirty) return;
    form.reset(saved);
    // eslint-disable-next-line react-hooks/exhaustive-deps -- savedKey stands for `saved` and the version
  }, [savedKey]);

  const ids = { label: `${key}-label`, control: `${key}-value`, hint: `${key}-hint`, error: `${key}-error`, lock: `${key}-lock` };
  const hint = [setting.ui?.helpText, typeHint(setting)].filter(Boolean).join(' ');
  const error = form.formState.errors.value?.message;
  const path = `/settings/${encodeURIComponent(key)}`;
  // If-Match: the version the form started from, so a change made meanwhile by someone else is not overwritten
  const ifMatch = (version: number) => ({ 'if-match': `"${version}"` });

  function changed(message: string) {
    toast.success(message);
    setConflict(undefined);
    // what was sent is what is saved: no draft any more, so the refreshed data (and version) syncs in
    form.reset(form.getValues());
    router.refresh();
    void queryClient.invalidateQueries({ queryKey: historyQueryKey(key) });
  }

  async function failed(err: unknown) {
    if (!(err instanceof ApiError) || err.status === 0 || err.status >= 500) {
      toast.error(`${label} was not saved: ${(err as Error).message}`);
    } else if (err.code === 'VERSION_CONFLICT') {
      const now = await api.get<TSettingAtScope>(path, { params: { scope: scope.id } }).catch(() => null);
      setConflict(`Someone else changed ${label} since this page loaded${now ? `: it is now ${formatValue(setting, now.value ?? now.resolvedValue)}` : ''}. Reload to see it, then make your change again.`);
    } else {
      form.setError('value', { message: err.message.replace(`${key}: `, '') });
    }
  }

  async function save({ version, ...body }: { value: unknown; lock: boolean; version: number }, reason?: string) {
    try {
      await api.put(path, { ...body, scope: scope.id, reason }, { headers: ifMatch(version) });
      changed(`${label} saved`);
    } catch (err) {
      await failed(err);
    }
  }

  async function revert(reason?: string) {
    setReverting(true);
    try {
      await api.delete(path, { params: { scope: scope.id, reason }, headers: ifMatch(form.getValues('version')) });
      changed(isGlobal ? `${label} is back to its default` : `${label} now uses the value from above`);
    } catch (err) {
      await failed(err);
    } finally {
      setReverting(false);
    }
  }

  const onSave = form.handleSubmit((body) => (isGlobal ? askReason({ title: `Change ${label}`, run: (reason) => save(body, reason) }) : save(body)));
  const onRevert = () => (isGlobal ? askReason({ title: `Reset ${label} to its default`, run: revert }) : revert());

  const dirty = form.formState.isDirty;
  /** Back to what the server has now (the conflict's Reload): the draft is dropped. */
  function reload() {
    setConflict(undefined);
    form.reset(saved);
    router.refresh();
  }
  const LabelTag = setting.canOverride && setting.type !== 'multiselect' ? 'label' : 'span';
  const fromHere = setting.resolvedScopeId === scope.id;

  return (
    <div role="group" aria-labelledby={ids.label} id={key} tabIndex={-1} data-changed={recent ? 'true' : undefined} className={cn('space-y-3 px-4 py-4 outline-none', recentClass(recent))}>
      <div className="flex flex-wrap items-start gap-x-3 gap-y-1">
        <div className="min-w-0 flex-1">
          <div className="flex flex-wrap items-center gap-2">
            <LabelTag id={ids.label} {...(LabelTag === 'label' && { htmlFor: ids.control })} className="font-medium">
              {label}
            </LabelTag>
            {setting.requiresRestart && <Badge tone="warning">Requires restart</Badge>}
            {setting.readonly && <Badge>Read-only</Badge>}
            {isSecret(setting) && <Badge>Secret</Badge>}
            {here.locked && <Badge tone="info">Locked for lower scopes</Badge>}
            {lockedAbove && <Badge tone="warning">Locked at {scope.scopeName(lockedAbove.scopeId)}</Badge>}
            <ChangedBy change={recent} note={recent && dirty ? 'your unsaved edit is kept' : undefined} />
          </div>
          <p className="mt-0.5 font-mono text-xs break-all text-zinc-500 dark:text-zinc-400">{key}</p>
        </div>
        <div className="flex items-center gap-1">
          {canReveal && isSecret(setting) && setting.currentValue === MASK && <RevealDialog settingKey={key} label={label} scope={scope.id} />}
          <HistoryDialog settingKey={key} label={label} def={setting} />
        </div>
      </div>
      {setting.description && (
        <p id={ids.hint} className="text-sm text-zinc-600 dark:text-zinc-400">
          {setting.description}
          {hint && setting.canOverride && ` ${hint}`}
        </p>
      )}

      <dl className="flex flex-wrap items-center gap-x-4 gap-y-1.5 text-sm">
        <div className="flex flex-wrap items-center gap-1.5">
          <dt className="text-zinc-600 dark:text-zinc-400">Value</dt>
          <dd className="flex flex-wrap items-center gap-1.5">
            <code className={valueClass}>{formatValue(setting, setting.currentValue)}</code>
            <Badge tone={setting.resolvedFrom === 'default' ? 'neutral' : fromHere ? 'success' : 'info'}>
              {setting.resolvedFrom === 'default' ? 'default' : fromHere ? 'set here' : `from ${scope.scopeName(setting.resolvedScopeId ?? '')}`}
            </Badge>
          </dd>
        </div>
        {setting.resolvedFrom !== 'default' && (
          <div className="flex flex-wrap items-center gap-1.5">
            <dt className="text-zinc-600 dark:text-zinc-400">Default</dt>
            <dd>
              <code className={valueClass}>{formatValue(setting, setting.defaultValue)}</code>
            </dd>
          </div>
        )}
      </dl>

      {!isGlobal && <Chain setting={setting} scope={scope} />}

      {setting.canOverride ? (
        <form onSubmit={onSave} noValidate className="space-y-2">
          {/* a disabled fieldset disables every control in it: maintenance mode makes the row read-only */}
          <fieldset disabled={readOnly} title={readOnlyReason ?? undefined} className="flex min-w-0 flex-wrap items-center gap-2">
            <Controller
              control={form.control}
              name="value"
              render={({ field }) => (
                <SettingEditor
                  def={setting}
                  id={ids.control}
                  labelId={ids.label}
                  describedBy={[setting.description && ids.hint, error && ids.error].filter(Boolean).join(' ') || undefined}
                  invalid={!!error}
                  value={field.value as Draft}
                  onChange={field.onChange}
                  onBlur={field.onBlur}
                  ref={field.ref}
                />
              )}
            />
            <Button type="submit" size="sm" variant={dirty ? 'primary' : 'secondary'} disabled={!dirty} pending={form.formState.isSubmitting}>
              Save
            </Button>
            <Button size="sm" disabled={!here.stored} pending={reverting} onClick={onRevert}>
              {isGlobal ? 'Reset to default' : 'Use parent value'}
            </Button>
            {canLock && (
              <span className="ml-1 inline-flex items-center gap-2 text-sm">
                <Controller control={form.control} name="lock" render={({ field }) => <Switch id={ids.lock} checked={field.value} onCheckedChange={field.onChange} />} />
                <label htmlFor={ids.lock}>Lock for lower scopes</label>
              </span>
            )}
          </fieldset>
          {!setting.description && hint && (
            <p id={ids.hint} className="text-xs text-zinc-600 dark:text-zinc-400">
              {hint}
            </p>
          )}
          {error && (
            <p id={ids.error} className="text-sm text-red-700 dark:text-red-400">
              {sentence(error)}
            </p>
          )}
          {conflict && (
            <Alert tone="warning">
              {conflict}{' '}
              <Button size="sm" className="mt-2" onClick={reload}>
                Reload
              </Button>
            </Alert>
          )}
        </form>
      ) : (
        <p className="text-sm text-zinc-600 dark:text-zinc-400">{whyNotEditable(setting, scope, lockedAbove?.scopeId)}</p>
      )}
    </div>
  );
}

function whyNotEditable(setting: SettingView, scope: ScopeContext, lockedAt?: string): string {
  if (setting.readonly) return 'Read-only: it is changed by a deployment, not here.';
  if (lockedAt) return `Locked at ${scope.scopeName(lockedAt)}: scopes below it use that value.`;
  if (!setting.allowedLevels.includes(scope.level))
    return `Not set per ${scope.levelLabel(scope.level).toLowerCase()}: it can be set at ${setting.allowedLevels.map((l) => scope.levelLabel(l).toLowerCase()).join(', ')}.`;
  return 'You can see this value here but not change it.';
}

/** Every level from the default down to this scope, with what each holds; the one in effect is marked. */
function Chain({ setting, scope }: { setting: SettingView; scope: ScopeContext }) {
  const links = [
    { id: 'default', name: 'Default', stored: true, value: setting.defaultValue, locked: false, effective: setting.resolvedFrom === 'default' },
    ...setting.valuesOnPath
      .toReversed()
      .map((v) => {
        const [level, name] = [scope.levelLabel(v.level), scope.scopeName(v.scopeId)];
        return { id: v.scopeId, name: level === name ? name : `${level} · ${name}`, stored: v.stored, value: v.value, locked: v.locked, effective: v.scopeId === setting.resolvedScopeId };
      }),
  ];
  return (
    <details className="group text-sm">
      <summary className="w-fit cursor-pointer rounded text-indigo-700 select-none hover:underline focus-visible:outline-2 focus-visible:outline-indigo-600 dark:text-indigo-300">Inheritance chain</summary>
      <ol aria-label={`Inheritance chain of ${setting.label}`} className="mt-2 space-y-1 border-l-2 border-zinc-200 pl-3 dark:border-zinc-700">
        {links.map((l) => (
          <li key={l.id} className={cn('flex flex-wrap items-center gap-x-2 gap-y-1', !l.stored && 'text-zinc-500 dark:text-zinc-400')}>
            <span className="min-w-0">{l.name}</span>
            {l.stored ? <code className={valueClass}>{formatValue(setting, l.value)}</code> : <span>not set</span>}
            {l.locked && <Badge tone="warning">locked</Badge>}
            {l.effective && <Badge tone="success">in effect</Badge>}
            {l.id === scope.id && <span className="text-xs">(this scope)</span>}
          </li>
        ))}
      </ol>
    </details>
  );
}
